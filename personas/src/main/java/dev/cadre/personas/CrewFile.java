package dev.cadre.personas;

import dev.cadre.api.crew.Crew;
import java.util.List;
import java.util.Map;

/**
 * A crew loaded from a file: the crew, the default values of its {@code {variables}} ({@code inputs:}), and notes
 * about what was read but not used (for CrewAI projects: the fields Cadre does not support).
 */
public record CrewFile(Crew crew, Map<String, String> inputs, List<String> notes) {
    public CrewFile {
        inputs = Map.copyOf(inputs);
        notes = List.copyOf(notes);
    }
}
