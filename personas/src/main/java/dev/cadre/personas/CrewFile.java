package dev.cadre.personas;

import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.CrewCommands;
import java.util.List;
import java.util.Map;

/**
 * A crew loaded from a file: the crew, the default values of its {@code {variables}} ({@code inputs:}), notes about
 * what was read but not used (for CrewAI projects: the fields Cadre does not support), and the commands the file
 * allows (its {@code commands:}, or null).
 */
public record CrewFile(Crew crew, Map<String, String> inputs, List<String> notes, CrewCommands commands) {
    public CrewFile {
        inputs = Map.copyOf(inputs);
        notes = List.copyOf(notes);
    }

    public CrewFile(Crew crew, Map<String, String> inputs, List<String> notes) {
        this(crew, inputs, notes, null);
    }
}
