package dev.cadre.cli;

import dev.cadre.api.Persona;
import dev.cadre.personas.BuiltInCrews;
import dev.cadre.personas.PersonaLibrary;
import dev.cadre.tools.Workspace;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cadre personas list | show ID} and {@code cadre crews list | show NAME}. */
final class PersonasCommand {

    private PersonasCommand() {}

    @Command(name = "personas", mixinStandardHelpOptions = true, description = "The persona library.",
            subcommands = {ListPersonas.class, ShowPersona.class})
    static final class Personas implements Runnable {
        @Override
        public void run() {
            new picocli.CommandLine(this).usage(System.out);
        }
    }

    static PersonaLibrary library(Path dir) {
        return dir == null ? PersonaLibrary.builtIn() : PersonaLibrary.builtIn().withDirectory(dir);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List personas: id and role.")
    static final class ListPersonas implements Callable<Integer> {
        @Option(names = "--personas", description = "A directory of persona files to add to the built-in library.")
        Path personas;

        @Override
        public Integer call() {
            for (Persona p : library(personas).all()) {
                System.out.println(String.format("%-20s %s", p.id(), p.role()));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Print one persona, inheritance applied, as a persona"
            + " file (YAML) that --personas reads back.")
    static final class ShowPersona implements Callable<Integer> {
        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = "--personas", description = "A directory of persona files to add to the built-in library.")
        Path personas;

        @Override
        public Integer call() throws Exception {
            Persona p = library(personas).persona(id);
            System.out.print(dev.cadre.personas.CrewFileWriter.personaYaml(p));
            return ExitCodes.OK;
        }
    }

    @Command(name = "crews", mixinStandardHelpOptions = true, description = "List crews (the built-in ones and those of a directory)"
            + " and show one as a crew file.", subcommands = {ListCrews.class, ShowCrew.class})
    static final class Crews implements Runnable {
        @Override
        public void run() {
            new picocli.CommandLine(this).usage(System.out);
        }
    }

    /** The tools crews may name, to import CrewAI projects with (the current directory's standard tools). */
    static java.util.List<dev.cadre.api.Tool> tools() {
        return Runs.tools(Workspace.at(Path.of(".")), java.util.List.of());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List crews.")
    static final class ListCrews implements Callable<Integer> {
        @Option(names = "--crews", description = "A directory of crew files and CrewAI projects (or one CrewAI project).")
        Path crews;

        @Override
        public Integer call() {
            for (String name : BuiltInCrews.NAMES) {
                String description = BuiltInCrews.yaml(name).lines().filter(l -> l.startsWith("description:")).findFirst()
                        .map(l -> l.substring("description:".length()).strip()).orElse("");
                System.out.println(String.format("%-20s built-in  %s", name, description));
            }
            if (crews != null) {
                CrewDefinitions.directory(crews, PersonaLibrary.builtIn(), tools()).forEach((name, d) -> {
                    boolean crewAi = d.source().origin().startsWith("crewai:");
                    String where = crewAi ? d.source().origin().substring("crewai:".length()).replaceFirst("/crew\\.yaml$", "")
                            : d.source().origin();
                    System.out.println(String.format("%-20s %-9s %s", TerminalText.line(name), crewAi ? "crewai" : "file",
                            TerminalText.line(where) + (d.notes().isEmpty() ? "" : "  (" + d.notes().size() + " fields not carried over)")));
                });
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print a crew as a crew file (YAML) to copy and change: a built-in crew, a crew file, or a CrewAI project.")
    static final class ShowCrew implements Callable<Integer> {
        @Parameters(paramLabel = "CREW", description = "A built-in crew, a crew of --crews, a crew file or a CrewAI project directory.")
        String crew;

        @Option(names = "--crews", description = "A directory of crew files and CrewAI projects.")
        Path crews;

        @Option(names = "--tool", paramLabel = "NAME=CADRE_TOOL", description = "Map a CrewAI project's tool to a Cadre tool (repeatable).")
        java.util.Map<String, String> toolMap = new java.util.LinkedHashMap<>();

        @Option(names = "--out", paramLabel = "FILE", description = "Write the crew file there (a new file) instead of printing it.")
        Path out;

        @Override
        public Integer call() throws java.io.IOException {
            CrewDefinitions.Definition d = crews == null ? null : CrewDefinitions.directory(crews, PersonaLibrary.builtIn(), tools()).get(crew);
            String text = (d != null ? d : CrewDefinitions.find(crew, PersonaLibrary.builtIn(), tools(), toolMap)).source().text();
            if (out == null) {
                System.out.print(text);
                return ExitCodes.OK;
            }
            if (java.nio.file.Files.exists(out)) {
                throw new IllegalArgumentException(out + " exists; choose another --out.");
            }
            java.nio.file.Files.writeString(out, text);
            System.err.println("Wrote " + out + ". Change it, then: cadre run " + out + " --task \"...\"");
            return ExitCodes.OK;
        }
    }
}
