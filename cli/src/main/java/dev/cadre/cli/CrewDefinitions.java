package dev.cadre.cli;

import dev.cadre.api.CrewSource;
import dev.cadre.api.Tool;
import dev.cadre.personas.CrewAiImport;
import dev.cadre.personas.CrewFile;
import dev.cadre.personas.CrewFileWriter;
import dev.cadre.personas.CrewLoader;
import dev.cadre.personas.PersonaLibrary;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where the CLI finds a crew's definition: a crew file, a built-in crew by name, or a CrewAI project directory
 * (classic or JSON-first), which is imported into the Cadre crew file `cadre import crewai` writes. That file's text
 * is what runs and what the journal records, so a resumed run has the same crew.
 */
final class CrewDefinitions {

    /** A crew's name and definition, and what an import could not carry over (empty for Cadre crew files). */
    record Definition(String name, CrewSource source, List<String> notes) {}

    private CrewDefinitions() {}

    /** The definition of {@code name}: a crew file, a CrewAI project directory or a built-in crew. */
    static Definition find(String name, PersonaLibrary library, List<Tool> tools, Map<String, String> toolMap) {
        Path path = Path.of(name);
        if (Files.isDirectory(path)) {
            if (!CrewAiImport.isProject(path)) {
                throw new IllegalArgumentException(path + " is a directory, but not a CrewAI project: expected config/agents.yaml and"
                        + " config/tasks.yaml, or crew.jsonc with agents/*.jsonc; a Cadre crew is a file (crew.yaml).");
            }
            return imported(path, library, tools, toolMap);
        }
        if (!toolMap.isEmpty()) {
            throw new IllegalArgumentException("--tool maps the tools of a CrewAI project; " + name + " is not one.");
        }
        return new Definition(name, Runs.crewSource(name), List.of());
    }

    /** A CrewAI project as the crew file `cadre import crewai` writes. */
    static Definition imported(Path dir, PersonaLibrary library, List<Tool> tools, Map<String, String> toolMap) {
        CrewFile file = CrewAiImport.load(dir, library, tools, toolMap, null);
        String yaml = CrewFileWriter.yaml(file, library, "Imported from the CrewAI project " + dir.toAbsolutePath().normalize()
                + " by cadre import crewai.");
        return new Definition(file.crew().name(), CrewSource.of("crewai:" + dir.toAbsolutePath().normalize() + "/crew.yaml", yaml), file.notes());
    }

    /** Loads a definition; an import's notes stay with the crew file. */
    static CrewFile load(Definition definition, CrewLoader loader) {
        CrewFile file = loader.load(definition.source().origin(), definition.source().text());
        return file.withNotes(definition.notes());
    }

    /** Prints what an import did not carry over, once, before anything runs. */
    static void printNotes(List<String> notes, PrintStream err) {
        if (notes.isEmpty()) {
            return;
        }
        err.println("Not carried over from the CrewAI project (" + notes.size() + "):");
        notes.forEach(n -> err.println("  " + TerminalText.line(n)));
    }

    /**
     * The crews of a {@code --crews} directory, by name: its crew files (*.yaml, *.json), and CrewAI projects — the
     * directory itself, or its subdirectories (a CrewAI project's own YAML files are not crews).
     */
    static Map<String, Definition> directory(Path dir, PersonaLibrary library, List<Tool> tools) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--crews " + dir + " is not a directory.");
        }
        Map<String, Definition> crews = new LinkedHashMap<>();
        if (CrewAiImport.isProject(dir)) {
            Definition d = imported(dir, library, tools, Map.of());
            crews.put(d.name(), d);
            return crews;
        }
        try (Stream<Path> list = Files.list(dir)) {
            for (Path f : list.sorted().toList()) {
                if (Files.isDirectory(f) && CrewAiImport.isProject(f)) {
                    Definition d = imported(f, library, tools, Map.of());
                    crews.put(d.name(), d);
                } else if (Files.isRegularFile(f) && f.toString().matches(".*\\.(ya?ml|jsonc?)$")) {
                    String name = f.getFileName().toString().replaceFirst("\\.(ya?ml|jsonc?)$", "");
                    crews.put(name, new Definition(name, Runs.crewSource(f.toString()), List.of()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return crews;
    }
}
