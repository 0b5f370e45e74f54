package dev.cadre.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.internal.JsonSchemaElementUtils;
import java.util.Objects;

/**
 * Output schemas from Java types, and outputs read back as those types. The schema of a record or class is
 * LangChain4j's ({@code JsonSchemaElementUtils}: fields become properties, enums become {@code enum}, nested records
 * nest), so what a model is asked for and what Jackson reads back are the same shape.
 *
 * <pre>{@code
 * record Verdict(Outcome verdict, String reasons) {}
 * Task review = Task.builder("review").description("Review the code.").outputSchema(Verdict.class).build();
 * Verdict verdict = result.output("review", Verdict.class);
 * }</pre>
 */
public final class OutputSchemas {

    private OutputSchemas() {}

    /** The JSON Schema of {@code type}, a record or a class with fields. */
    public static JsonNode of(Class<?> type) {
        Objects.requireNonNull(type, "type");
        if (type.isPrimitive() || type.isArray() || type.isInterface() || type.getName().startsWith("java.")) {
            throw new IllegalArgumentException("Output schema type " + type.getName()
                    + " is not a record or a class with fields: name one, e.g. record Verdict(String verdict, String reasons).");
        }
        return CadreJson.mapper().valueToTree(JsonSchemaElementUtils.toMap(JsonSchemaElementUtils.jsonSchemaElementFrom(type)));
    }

    /** Reads {@code output} (the JSON a step answered with) as {@code type}; {@code what} names it in the error. */
    public static <T> T read(String output, Class<T> type, String what) {
        if (output == null) {
            throw new IllegalStateException(what + " has no output to read as " + type.getSimpleName() + ".");
        }
        try {
            return CadreJson.mapper().readValue(output, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(what + " is not a " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }
}
