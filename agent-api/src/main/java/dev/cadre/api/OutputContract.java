package dev.cadre.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What an agent's answer must look like.
 *
 * @param expectedOutput a short description of the answer, shown to the model
 * @param schema         an optional JSON Schema the answer must validate against, or {@code null}
 */
public record OutputContract(String expectedOutput, JsonNode schema) {
    public static final OutputContract NONE = new OutputContract(null, null);

    public boolean hasSchema() {
        return schema != null && !schema.isNull() && !schema.isMissingNode();
    }
}
