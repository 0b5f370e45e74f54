package dev.cadre.eval.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.List;

/** JSON Schema validation (draft 2020-12 unless the schema says otherwise), with the validator the orchestrator uses. */
final class JsonSchemaCheck {

    private static final int SHOWN = 3;

    private JsonSchemaCheck() {}

    /** The schema, once it is known to compile; else an error saying why. */
    static JsonNode requireValid(JsonNode schema) {
        if (!schema.isObject() && !schema.isBoolean()) {
            throw new IllegalArgumentException("the schema is not a JSON object.");
        }
        try {
            compile(schema);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the schema does not compile: " + e.getMessage(), e);
        }
        return schema;
    }

    /** The problems of {@code instance} against {@code schema}, each "path: problem"; empty when it is valid. */
    static List<String> problems(JsonNode schema, JsonNode instance) {
        return compile(schema).validate(instance).stream().map(JsonSchemaCheck::describe).distinct().limit(SHOWN).toList();
    }

    private static Schema compile(JsonNode schema) {
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(schema);
    }

    private static String describe(Error error) {
        String location = error.getInstanceLocation() == null ? "$" : "$" + error.getInstanceLocation();
        return error.getMessage().startsWith("$") ? error.getMessage() : location + ": " + error.getMessage();
    }
}
