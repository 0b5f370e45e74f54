package dev.cadre.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * Who an agent is: its role, goal, backstory and instructions, a few examples, the model it thinks with, the
 * tools it may use and what its answers look like. Keep personas short: long generated instructions measurably
 * lower success and raise cost.
 *
 * @param id            stable identifier, used in step paths and events (letters, digits, {@code _}, {@code -})
 * @param role          who the agent is, e.g. "Senior Java developer"
 * @param goal          what it is trying to achieve
 * @param backstory     optional background that shapes its judgement
 * @param instructions  optional rules for how it works
 * @param examples      few-shot examples, shown as earlier turns of the conversation
 * @param model         model reference such as {@code openai:gpt-4.1-mini}, or {@code null} for the default model
 * @param temperature   sampling temperature, or {@code null} for the model's default
 * @param tools         tool names; glob patterns such as {@code workspace_*} allowed
 * @param maxToolRounds how many rounds of tool calls the agent may make before it must answer (default 8)
 * @param output        what its answers must look like
 */
public record Persona(
        String id,
        String role,
        String goal,
        String backstory,
        String instructions,
        List<FewShotExample> examples,
        String model,
        Double temperature,
        List<String> tools,
        Integer maxToolRounds,
        OutputContract output) {

    public static final int DEFAULT_MAX_TOOL_ROUNDS = 8;

    public Persona {
        Names.requireId("Persona", id);
        if (role == null || role.isBlank()) {
            throw new IllegalArgumentException("Persona '" + id + "' has no role: every persona needs one.");
        }
        examples = examples == null ? List.of() : List.copyOf(examples);
        tools = tools == null ? List.of() : List.copyOf(tools);
        if (maxToolRounds == null) {
            maxToolRounds = DEFAULT_MAX_TOOL_ROUNDS;
        } else if (maxToolRounds < 0) {
            throw new IllegalArgumentException("Persona '" + id + "' has maxToolRounds " + maxToolRounds + ": it must be 0 or more.");
        }
        if (temperature != null && (temperature < 0 || temperature > 2)) {
            throw new IllegalArgumentException("Persona '" + id + "' has temperature " + temperature + ": it must be between 0 and 2.");
        }
        if (model != null) {
            ModelRef.parse(model);
        }
        output = output == null ? OutputContract.NONE : output;
    }

    /** Whether one of this persona's tool names or globs matches {@code toolName}. */
    public boolean allowsTool(String toolName) {
        return tools.stream().anyMatch(pattern -> matches(pattern, toolName));
    }

    static boolean isGlob(String pattern) {
        return pattern.indexOf('*') >= 0 || pattern.indexOf('?') >= 0 || pattern.indexOf('[') >= 0 || pattern.indexOf('{') >= 0;
    }

    static boolean matches(String pattern, String toolName) {
        return isGlob(pattern) ? glob(pattern).matches(Path.of(toolName)) : pattern.equals(toolName);
    }

    /**
     * Fails when {@code pattern} (an entry of {@link #tools()}) is a glob that does not compile; the exception's cause
     * says why (a {@link java.util.regex.PatternSyntaxException} for a malformed glob).
     */
    public static void requireValidToolPattern(String pattern) {
        if (isGlob(pattern)) {
            glob(pattern);
        }
    }

    private static PathMatcher glob(String pattern) {
        try {
            return FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Tool pattern '" + pattern + "' is not a valid glob: " + e.getMessage(), e);
        }
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public static Builder builder(String id) {
        return new Builder(id);
    }

    /** Builds a {@link Persona}; only id and role are required. */
    public static final class Builder {
        private String id;
        private String role;
        private String goal;
        private String backstory;
        private String instructions;
        private final List<FewShotExample> examples = new ArrayList<>();
        private String model;
        private Double temperature;
        private final List<String> tools = new ArrayList<>();
        private Integer maxToolRounds;
        private String expectedOutput;
        private JsonNode outputSchema;

        private Builder(String id) {
            this.id = id;
        }

        private Builder(Persona p) {
            id = p.id;
            role = p.role;
            goal = p.goal;
            backstory = p.backstory;
            instructions = p.instructions;
            examples.addAll(p.examples);
            model = p.model;
            temperature = p.temperature;
            tools.addAll(p.tools);
            maxToolRounds = p.maxToolRounds;
            expectedOutput = p.output.expectedOutput();
            outputSchema = p.output.schema();
        }

        public Builder id(String id) { this.id = id; return this; }
        public Builder role(String role) { this.role = role; return this; }
        public Builder goal(String goal) { this.goal = goal; return this; }
        public Builder backstory(String backstory) { this.backstory = backstory; return this; }
        public Builder instructions(String instructions) { this.instructions = instructions; return this; }
        public Builder example(String input, String output) { examples.add(new FewShotExample(input, output)); return this; }
        public Builder model(String model) { this.model = model; return this; }
        public Builder temperature(Double temperature) { this.temperature = temperature; return this; }
        public Builder tools(String... names) { tools.addAll(List.of(names)); return this; }
        public Builder tools(List<String> names) { tools.addAll(names); return this; }
        public Builder maxToolRounds(int rounds) { this.maxToolRounds = rounds; return this; }
        public Builder expectedOutput(String expectedOutput) { this.expectedOutput = expectedOutput; return this; }
        public Builder outputSchema(JsonNode schema) { this.outputSchema = schema; return this; }
        /** The JSON Schema of a record or class (see {@link OutputSchemas}). */
        public Builder outputSchema(Class<?> type) { this.outputSchema = OutputSchemas.of(type); return this; }

        public Persona build() {
            OutputContract output = expectedOutput == null && outputSchema == null
                    ? OutputContract.NONE : new OutputContract(expectedOutput, outputSchema);
            return new Persona(id, role, goal, backstory, instructions, examples, model, temperature, tools,
                    maxToolRounds, output);
        }
    }
}
