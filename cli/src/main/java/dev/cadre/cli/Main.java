package dev.cadre.cli;

import dev.cadre.orchestrator.redaction.Redactor;
import dev.cadre.orchestrator.journal.JournalChangedException;
import dev.cadre.orchestrator.journal.JournalException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cadre} command. */
@Command(name = "cadre", mixinStandardHelpOptions = true, version = "cadre 0.1.0-SNAPSHOT",
        description = "Crews of role-based LLM agents on a reactive orchestrator.",
        subcommands = {DemoCommand.class, RunCommand.class, EvalCommand.class, RunsCommand.class, ReplayCommand.class, McpCommand.class, ConsoleCommand.class,
                PersonasCommand.Personas.class, PersonasCommand.Crews.class, ImportCommand.class, InitCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (for tests and embedding). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExitCodeExceptionMapper(e -> ExitCodes.USAGE);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof JournalChangedException) {
                commandLine.getErr().println("cadre: " + Redactor.fromEnvironment(System.getenv()).redact(e.getMessage()));
                return ExitCodes.JOURNAL_CHANGED;
            }
            if (e instanceof JournalException || e instanceof IllegalArgumentException || e instanceof java.io.UncheckedIOException) {
                commandLine.getErr().println("cadre: " + Redactor.fromEnvironment(System.getenv()).redact(e.getMessage()));
                return ExitCodes.USAGE;
            }
            throw e;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
