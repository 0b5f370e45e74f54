package dev.cadre.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A piece of work for an agent.
 *
 * @param id             name of this task's output, which later tasks can take as context (letters, digits, _ and -)
 * @param description    what to do; {@code {variables}} are filled from {@code inputs}
 * @param expectedOutput what a good answer looks like, shown to the agent
 * @param inputs         values for the description's variables
 * @param context        ids of earlier outputs this task sees (and only those: prompts stay small)
 * @param outputSchema   optional JSON Schema the answer must validate against (overrides the persona's)
 */
public record Task(
        String id,
        String description,
        String expectedOutput,
        Map<String, String> inputs,
        List<String> context,
        JsonNode outputSchema) {

    public Task {
        Names.requireId("Task", id);
        if (description == null || description.isBlank()) {
            throw new IllegalArgumentException("Task '" + id + "' has no description: say what the agent should do.");
        }
        inputs = inputs == null ? Map.of() : Map.copyOf(inputs);
        context = context == null ? List.of() : List.copyOf(context);
    }

    /** The description with its variables filled from {@link #inputs()}. */
    public String renderedDescription() {
        return Templates.fill(description, inputs);
    }

    /** The expected output with its variables filled from {@link #inputs()}. */
    public String renderedExpectedOutput() {
        return Templates.fill(expectedOutput, inputs);
    }

    public Task withInputs(Map<String, String> more) {
        Map<String, String> merged = new LinkedHashMap<>(inputs);
        merged.putAll(more);
        return new Task(id, description, expectedOutput, merged, context, outputSchema);
    }

    public static Builder builder(String id) {
        return new Builder(id);
    }

    /** A task with just an id and a description. */
    public static Task of(String id, String description) {
        return new Task(id, description, null, Map.of(), List.of(), null);
    }

    /** Builds a {@link Task}; only id and description are required. */
    public static final class Builder {
        private final String id;
        private String description;
        private String expectedOutput;
        private final Map<String, String> inputs = new LinkedHashMap<>();
        private final List<String> context = new ArrayList<>();
        private JsonNode outputSchema;

        private Builder(String id) {
            this.id = id;
        }

        public Builder description(String description) { this.description = description; return this; }
        public Builder expectedOutput(String expectedOutput) { this.expectedOutput = expectedOutput; return this; }
        public Builder input(String name, String value) { inputs.put(name, value); return this; }
        public Builder inputs(Map<String, String> values) { inputs.putAll(values); return this; }
        public Builder context(String... outputIds) { context.addAll(List.of(outputIds)); return this; }
        public Builder outputSchema(JsonNode schema) { this.outputSchema = schema; return this; }
        /** The JSON Schema of a record or class (see {@link OutputSchemas}); read the answer back with {@link RunResult#output(String, Class)}. */
        public Builder outputSchema(Class<?> type) { this.outputSchema = OutputSchemas.of(type); return this; }

        public Task build() {
            return new Task(id, description, expectedOutput, inputs, context, outputSchema);
        }
    }
}
