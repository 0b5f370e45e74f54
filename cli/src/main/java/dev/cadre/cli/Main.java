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
                PersonasCommand.Personas.class, PersonasCommand.Crews.class, ImportCommand.class, InitCommand.class,
                WorkerCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (for tests and embedding). */
    public static int run(String... args) {
        CommandLine cli = commandLine(args);
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

    /**
     * The command line for {@code args}, with the subcommands of {@link Main}'s annotation: only the one named by the
     * first argument when there is one (picocli builds each subcommand's model by reflection, a large part of the
     * start-up of {@code cadre mcp --stdio}), all of them otherwise (for the usage and for the error naming them).
     */
    static CommandLine commandLine(String... args) {
        Command top = Main.class.getAnnotation(Command.class);
        Class<?> only = null;
        for (Class<?> sub : top.subcommands()) {
            if (args.length > 0 && args[0].equals(sub.getAnnotation(Command.class).name())) {
                only = sub;
            }
        }
        if (only == null) {
            return new CommandLine(new Main());
        }
        Main main = new Main();
        CommandLine.Model.CommandSpec spec = CommandLine.Model.CommandSpec.wrapWithoutInspection(main).name(top.name())
                .version(top.version()).mixinStandardHelpOptions(top.mixinStandardHelpOptions());
        spec.usageMessage().description(top.description());
        main.spec = spec;
        CommandLine cli = new CommandLine(spec);
        cli.addSubcommand(new CommandLine(only));
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
