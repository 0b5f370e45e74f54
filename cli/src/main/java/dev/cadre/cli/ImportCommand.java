package dev.cadre.cli;

import dev.cadre.personas.PersonaLibrary;
import dev.cadre.tools.Workspace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cadre import crewai DIR --out crew.yaml}: writes the Cadre crew file equivalent to a CrewAI project. */
@Command(name = "import", mixinStandardHelpOptions = true, description = "Bring a crew from another framework over as a Cadre crew file.",
        subcommands = {ImportCommand.CrewAi.class})
final class ImportCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "crewai", mixinStandardHelpOptions = true,
            description = "Write the Cadre crew file of a CrewAI project (classic or JSON-first); crew.py is read, never run.")
    static final class CrewAi implements Callable<Integer> {
        @Parameters(paramLabel = "DIR", description = "The CrewAI project directory.")
        Path dir;

        @Option(names = "--out", paramLabel = "FILE", description = "Where to write the crew file (default: print it).")
        Path out;

        @Option(names = "--force", description = "Replace --out when it exists.")
        boolean force;

        @Option(names = "--tool", paramLabel = "NAME=CADRE_TOOL", description = "Map a CrewAI tool (a name or a Python class such"
                + " as SerperDevTool) to a Cadre tool, e.g. SerperDevTool=workspace_search (repeatable).")
        Map<String, String> toolMap = new LinkedHashMap<>();

        @Option(names = "--personas", description = "A directory of persona files to add to the built-in library.")
        Path personas;

        @Override
        public Integer call() {
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("There is no directory " + dir + ".");
            }
            PersonaLibrary library = PersonasCommand.library(personas);
            CrewDefinitions.Definition d = CrewDefinitions.find(dir.toString(), library,
                    Runs.tools(Workspace.at(Path.of(".")), List.of()), toolMap);
            CrewDefinitions.printNotes(d.notes(), System.err);
            if (out == null) {
                System.out.print(d.source().text());
                return ExitCodes.OK;
            }
            if (Files.exists(out) && !force) {
                throw new IllegalArgumentException(out + " exists; pass --force to replace it.");
            }
            try {
                Files.writeString(out, d.source().text());
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write " + out + ": " + e.getMessage(), e);
            }
            System.err.println("Wrote " + out + ". Run it with: cadre run " + out + " --task \"...\"");
            return ExitCodes.OK;
        }
    }
}
