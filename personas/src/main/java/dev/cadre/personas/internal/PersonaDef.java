package dev.cadre.personas.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.FewShotExample;
import dev.cadre.api.ModelRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** A persona as written in a file: every field optional (it may inherit it), with where each came from. */
public record PersonaDef(String id, String extendsId, String role, String goal, String backstory, String instructions,
                         List<FewShotExample> examples, String model, Double temperature, List<String> tools,
                         Integer maxToolRounds, String expectedOutput, JsonNode outputSchema,
                         Node node, Node extendsNode, Node toolsNode) {

    public static final Set<String> KEYS = Set.of("id", "extends", "role", "goal", "backstory", "instructions", "examples",
            "model", "temperature", "tools", "max_tool_rounds", "expected_output", "output_schema");

    /** Reads a persona mapping; {@code defaultId} names it when it has no {@code id} (agents keyed by name). */
    public static PersonaDef read(Node node, String defaultId) {
        node.allowOnly(KEYS, "a persona");
        String id = node.has("id") ? node.child("id").text("id") : defaultId;
        if (id == null) {
            throw node.error("a persona needs an 'id'");
        }
        List<FewShotExample> examples = null;
        if (node.has("examples")) {
            examples = new ArrayList<>();
            for (Node example : node.child("examples").items("'examples'")) {
                example.allowOnly(Set.of("input", "output"), "an example");
                examples.add(new FewShotExample(example.require("input", "an example").text("input"),
                        example.require("output", "an example").text("output")));
            }
        }
        String model = node.text("model", "model");
        if (model != null) {
            try {
                ModelRef.parse(model);
            } catch (IllegalArgumentException e) {
                throw node.child("model").error(e.getMessage().replaceAll("\\.$", ""));
            }
        }
        if (node.has("tools")) {
            for (String pattern : node.texts("tools")) {
                try {
                    dev.cadre.api.Persona.requireValidToolPattern(pattern);
                } catch (IllegalArgumentException e) {
                    String why = e.getCause() instanceof java.util.regex.PatternSyntaxException syntax ? syntax.getDescription()
                            : e.getCause().getMessage();
                    throw node.child("tools").error("tool pattern '" + pattern + "' is not a valid glob (" + why
                            + "); use tool names or globs such as workspace_*");
                }
            }
        }
        JsonNode schema = node.has("output_schema") ? node.child("output_schema").requireObject("'output_schema'").json() : null;
        return new PersonaDef(id, node.text("extends", "extends"), node.text("role", "role"), node.text("goal", "goal"),
                node.text("backstory", "backstory"), node.text("instructions", "instructions"), examples, model,
                node.number("temperature"), node.has("tools") ? node.texts("tools") : null, node.integer("max_tool_rounds"),
                node.text("expected_output", "expected_output"), schema, node, node.get("extends"), node.get("tools"));
    }
}
