package dev.cadre.personas.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * A CrewAI project as read from its files, before any meaning is given to it: its agents and tasks in order, each
 * field with where it was written (YAML, JSONC, an agent's {@code settings}, or crew.py), the crew's own fields,
 * main.py's inputs, the pydantic models of its Python files as JSON Schemas, and notes about what could not be read.
 */
public record CrewAiProject(String name, List<Entry> agents, List<Entry> tasks, Map<String, Field> crew,
                            Map<String, String> inputs, Map<String, JsonNode> models, List<String> notes) {

    /** An agent or task: its name, where it is defined, and its fields. */
    public record Entry(String name, Field where, Map<String, Field> fields) {
        public Field get(String key) {
            Field f = fields.get(key);
            return f == null || f.value() == null || f.value().isNull() ? null : f;
        }
    }
}
