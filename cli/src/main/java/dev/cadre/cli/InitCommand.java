package dev.cadre.cli;

import dev.cadre.api.CrewSource;
import dev.cadre.personas.BuiltInCrews;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cadre init [DIR]}: starts a project on Cadre. Writes a starter crew file (a built-in crew, coder-reviewer by
 * default, allowed to run the project's test command as Cadre detects it, or {@code --allow}) and prints the next
 * command. The test command lives in the crew file's {@code commands:}, the one place a run reads what it may
 * execute; a file that exists is never replaced without {@code --force}.
 */
@Command(name = "init", mixinStandardHelpOptions = true, description = "Write a starter crew file for a project, allowed to run"
        + " its tests, and print the next command.")
final class InitCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "The project (default: the current directory).")
    Path project = Path.of(".");

    @Option(names = "--crew", description = "The built-in crew to start from: coder-reviewer (default), debate, hierarchical.")
    String crew = "coder-reviewer";

    @Option(names = "--out", description = "The crew file to write (default: DIR/crew.yaml).")
    Path out;

    @Option(names = "--allow", paramLabel = "COMMAND", description = "The command line that runs the project's tests, instead of"
            + " the one Cadre detects (repeatable).")
    List<String> allow = new ArrayList<>();

    @Option(names = "--force", description = "Replace the crew file if it exists.")
    boolean force;

    @Override
    public Integer call() throws IOException {
        Runs.requireWorkspace(project);
        if (!BuiltInCrews.contains(crew)) {
            throw new IllegalArgumentException("There is no built-in crew '" + crew + "'; built-in crews: " + String.join(", ", BuiltInCrews.NAMES) + ".");
        }
        Path file = out != null ? out : project.resolve("crew.yaml");
        if (Files.exists(file) && !force) {
            throw new IllegalArgumentException(file + " exists; pass --force to replace it, or --out FILE to write another.");
        }
        CrewSource builtIn = Runs.crewSource(crew);
        List<String> commands = allow;
        String from = "--allow";
        if (commands.isEmpty()) {
            Optional<ProjectTests.Detected> detected = ProjectTests.detect(project);
            if (detected.isEmpty()) {
                throw new IllegalArgumentException("Cadre cannot tell how the tests of " + project.toAbsolutePath().normalize() + " run (it"
                        + " looks for Maven, Gradle, npm, pytest, Go, Cargo and a Makefile test target): pass --allow \"the command that"
                        + " runs them\", e.g. --allow \"mvn -q test\".");
            }
            commands = List.of(detected.get().command());
            from = detected.get().from();
        }
        CrewSource starter = AllowedCommands.allowing(builtIn, commands);
        String header = "# A starter crew: the built-in " + crew + " crew, allowed to run " + String.join(", ", commands) + " (from " + from
                + ").\n# Change it freely; docs/crew-files.md describes every key.\n";
        Files.writeString(file, header + starter.text());
        String workspace = TerminalText.line(project.toString());
        System.err.println("Wrote " + TerminalText.line(file.toString()) + ": the " + crew + " crew, allowed to run "
                + TerminalText.line(String.join(", ", commands)) + " (from " + TerminalText.line(from) + ").");
        System.err.println("Next: cadre run " + TerminalText.line(file.toString()) + " --workspace " + workspace + " --task \"what to do\"");
        return ExitCodes.OK;
    }
}
