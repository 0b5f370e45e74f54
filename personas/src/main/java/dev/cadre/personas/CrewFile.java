package dev.cadre.personas;

import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.CrewCommands;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A crew loaded from a file: the crew, the default values of its {@code {variables}} ({@code inputs:}), notes about
 * what was read but not used (for CrewAI projects: the fields Cadre does not support), the commands the file
 * allows (its {@code commands:}, or null), the files tasks' outputs are written to when the run ends (task id to a
 * path relative to the workspace, {@code {variables}} allowed: the tasks' {@code output_file}), and the files the
 * crew's commands execute ({@code executed_files:}).
 */
public record CrewFile(Crew crew, Map<String, String> inputs, List<String> notes, CrewCommands commands,
                       Map<String, String> outputFiles, List<String> executedFiles) {
    public CrewFile {
        inputs = Map.copyOf(inputs);
        notes = List.copyOf(notes);
        outputFiles = outputFiles == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(outputFiles));
        executedFiles = executedFiles == null ? List.of() : List.copyOf(executedFiles);
    }

    public CrewFile(Crew crew, Map<String, String> inputs, List<String> notes, CrewCommands commands) {
        this(crew, inputs, notes, commands, Map.of(), List.of());
    }

    public CrewFile(Crew crew, Map<String, String> inputs, List<String> notes) {
        this(crew, inputs, notes, null);
    }

    /** The same crew file with {@code other} notes (an import's, kept with the crew file it wrote). */
    public CrewFile withNotes(List<String> other) {
        return new CrewFile(crew, inputs, other, commands, outputFiles, executedFiles);
    }
}
