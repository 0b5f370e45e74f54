package dev.cadre.cli;

import dev.cadre.api.CadreJson;
import dev.cadre.api.Persona;
import dev.cadre.personas.BuiltInCrews;
import dev.cadre.personas.PersonaLibrary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cadre personas list | show ID} and {@code cadre crews list}. */
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

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one persona, inheritance applied, as YAML-like JSON.")
    static final class ShowPersona implements Callable<Integer> {
        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = "--personas", description = "A directory of persona files to add to the built-in library.")
        Path personas;

        @Override
        public Integer call() throws Exception {
            Persona p = library(personas).persona(id);
            System.out.println(CadreJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(p));
            return ExitCodes.OK;
        }
    }

    @Command(name = "crews", mixinStandardHelpOptions = true, description = "List crews: the built-in ones and those of a directory.",
            subcommands = {ListCrews.class})
    static final class Crews implements Runnable {
        @Override
        public void run() {
            new picocli.CommandLine(this).usage(System.out);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List crews.")
    static final class ListCrews implements Callable<Integer> {
        @Option(names = "--crews", description = "A directory of crew files.")
        Path crews;

        @Override
        public Integer call() throws Exception {
            for (String name : BuiltInCrews.NAMES) {
                String description = BuiltInCrews.yaml(name).lines().filter(l -> l.startsWith("description:")).findFirst()
                        .map(l -> l.substring("description:".length()).strip()).orElse("");
                System.out.println(String.format("%-20s built-in  %s", name, description));
            }
            if (crews != null) {
                try (Stream<Path> files = Files.list(crews)) {
                    for (Path f : files.filter(f -> f.toString().matches(".*\\.(ya?ml|jsonc?)$")).sorted().toList()) {
                        System.out.println(String.format("%-20s file      %s", f.getFileName().toString().replaceFirst("\\.(ya?ml|jsonc?)$", ""), f));
                    }
                }
            }
            return ExitCodes.OK;
        }
    }
}
