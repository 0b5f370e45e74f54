package dev.cadre.orchestrator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.cadre.api.CadreJson;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.internal.JsonSchemaElementUtils;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Validates JSON against JSON Schema (draft 2020-12 unless the schema says otherwise), with the validator the MCP
 * SDK also uses. Compiled schemas are cached per instance.
 */
public final class JsonSchemas {

    private static final int MAX_REPORTED = 5;

    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private final Cache<JsonNode, Schema> compiled = Caffeine.newBuilder().maximumSize(1_000).build();
    private final ObjectMapper mapper = CadreJson.mapper();

    /** The problems of {@code instance} against {@code schema}, as "path: problem" lines; empty when it is valid. */
    public List<String> validate(JsonNode schema, JsonNode instance) {
        Schema compiledSchema = compiled.get(schema, registry::getSchema);
        List<Error> errors = compiledSchema.validate(instance);
        return errors.stream().map(JsonSchemas::describe).distinct().collect(Collectors.toList());
    }

    /** The problems, joined into one sentence fragment (at most five of them). */
    public static String summary(List<String> problems) {
        String shown = problems.stream().limit(MAX_REPORTED).collect(Collectors.joining("; "));
        return problems.size() > MAX_REPORTED ? shown + "; and " + (problems.size() - MAX_REPORTED) + " more" : shown;
    }

    /** The JSON Schema of a LangChain4j tool specification's parameters, as JSON. */
    public JsonNode parametersSchema(ToolSpecification specification) {
        if (specification.parameters() == null) {
            return JsonNodeFactory.instance.objectNode().put("type", "object");
        }
        return mapper.valueToTree(JsonSchemaElementUtils.toMap(specification.parameters()));
    }

    private static String describe(Error error) {
        String location = error.getInstanceLocation() == null ? "" : error.getInstanceLocation().toString();
        if (!location.startsWith("$")) {
            location = location.isEmpty() ? "$" : "$" + (location.startsWith("/") ? location.replace('/', '.') : "." + location);
        }
        String message = error.getMessage();
        return message.startsWith(location) ? message : location + ": " + message;
    }
}
