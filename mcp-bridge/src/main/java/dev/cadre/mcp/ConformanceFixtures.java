package dev.cadre.mcp;

import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The fixture profile the official MCP conformance suite ({@code @modelcontextprotocol/conformance}) calls: its
 * {@code test_*} tools, {@code test://} resources and prompts, and completion. Enabled with
 * {@code cadre mcp --profile conformance}; never part of a normal server.
 */
final class ConformanceFixtures {

    static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";

    private ConformanceFixtures() {}

    /** The fixtures, for the 2025-11-25 server ({@link #apply}) and the 2026-07-28 one (where only their JSON is used). */
    record Fixtures(List<McpServerFeatures.AsyncToolSpecification> tools, List<McpServerFeatures.AsyncResourceSpecification> resources,
                    List<McpServerFeatures.AsyncResourceTemplateSpecification> templates,
                    List<McpServerFeatures.AsyncPromptSpecification> prompts) {}

    static Fixtures apply(McpServer.AsyncSpecification<?> spec) {
        Fixtures fixtures = new Fixtures(tools(), resources(), List.of(template()), prompts());
        spec.tools(fixtures.tools()).resources(fixtures.resources()).resourceTemplates(fixtures.templates()).prompts(fixtures.prompts());
        spec.completions(new McpServerFeatures.AsyncCompletionSpecification(new McpSchema.PromptReference("test_prompt_with_arguments"),
                (ex, request) -> Mono.just(new McpSchema.CompleteResult(new McpSchema.CompleteResult.CompleteCompletion(
                        List.of("paris", "park", "party").stream().filter(v -> v.startsWith(request.argument().value())).toList(), 3, false)))));
        return fixtures;
    }

    private static List<McpServerFeatures.AsyncToolSpecification> tools() {
        return List.of(
                tool("test_simple_text", "Returns simple text", Map.of(), (ex, args) ->
                        Mono.just(result(new McpSchema.TextContent("This is a simple text response for testing.")))),
                tool("test_image_content", "Returns an image", Map.of(), (ex, args) ->
                        Mono.just(result(new McpSchema.ImageContent(null, PNG, "image/png")))),
                tool("test_audio_content", "Returns audio", Map.of(), (ex, args) ->
                        Mono.just(result(new McpSchema.AudioContent(null, wav(), "audio/wav")))),
                tool("test_embedded_resource", "Returns an embedded resource", Map.of(), (ex, args) ->
                        Mono.just(result(new McpSchema.EmbeddedResource(null, new McpSchema.TextResourceContents(
                                "test://embedded-resource", "text/plain", "This is an embedded resource content."))))),
                tool("test_multiple_content_types", "Returns text, an image and a resource", Map.of(), (ex, args) ->
                        Mono.just(McpSchema.CallToolResult.builder().content(List.of(
                                new McpSchema.TextContent("Multiple content types test:"),
                                new McpSchema.ImageContent(null, PNG, "image/png"),
                                new McpSchema.EmbeddedResource(null, new McpSchema.TextResourceContents("test://mixed-content-resource",
                                        "application/json", "{\"test\":\"data\",\"value\":123}")))).build())),
                tool("test_tool_with_logging", "Logs three messages", Map.of(), (ex, args) ->
                        Flux.concat(log(ex, "Tool execution started"),
                                        Mono.delay(Duration.ofMillis(50)).then(log(ex, "Tool processing data")),
                                        Mono.delay(Duration.ofMillis(50)).then(log(ex, "Tool execution completed")))
                                .then(Mono.just(result(new McpSchema.TextContent("Tool with logging executed successfully"))))),
                tool("test_error_handling", "Always fails", Map.of(), (ex, args) ->
                        Mono.just(McpSchema.CallToolResult.builder().isError(true)
                                .addTextContent("This tool intentionally returns an error for testing").build())),
                McpServerFeatures.AsyncToolSpecification.builder()
                        .tool(McpSchema.Tool.builder().name("test_tool_with_progress").description("Reports progress")
                                .inputSchema(Map.of("type", "object", "properties", Map.of())).build())
                        .callHandler((ex, request) -> {
                            Object token = request.meta() == null ? null : request.meta().get("progressToken");
                            return Flux.concat(progress(ex, token, 0), Mono.delay(Duration.ofMillis(50)).then(progress(ex, token, 50)),
                                            Mono.delay(Duration.ofMillis(50)).then(progress(ex, token, 100)))
                                    .then(Mono.just(result(new McpSchema.TextContent("Tool with progress executed successfully"))));
                        }).build(),
                tool("test_sampling", "Asks the client's model", Map.of("prompt", Map.of("type", "string")), (ex, args) -> {
                    if (ex.getClientCapabilities() == null || ex.getClientCapabilities().sampling() == null) {
                        return Mono.just(McpSchema.CallToolResult.builder().isError(true).addTextContent("The client does not support sampling.").build());
                    }
                    McpSchema.CreateMessageRequest request = McpSchema.CreateMessageRequest.builder().maxTokens(100)
                            .messages(List.of(new McpSchema.SamplingMessage(McpSchema.Role.USER,
                                    new McpSchema.TextContent(String.valueOf(args.get("prompt")))))).build();
                    return ex.createMessage(request).map(r -> result(new McpSchema.TextContent("LLM response: "
                            + (r.content() instanceof McpSchema.TextContent t ? t.text() : String.valueOf(r.content())))));
                }),
                tool("test_elicitation", "Asks the client's user", Map.of("message", Map.of("type", "string")), (ex, args) -> {
                    Map<String, Object> schema = Map.of("type", "object", "properties", Map.of(
                            "username", Map.of("type", "string", "description", "User's response"),
                            "email", Map.of("type", "string", "description", "User's email address")), "required", List.of("username", "email"));
                    return elicit(ex, String.valueOf(args.get("message")), schema, "User response: ");
                }),
                tool("test_elicitation_sep1034_defaults", "Elicitation with defaults", Map.of(), (ex, args) -> {
                    Map<String, Object> properties = new LinkedHashMap<>();
                    properties.put("name", Map.of("type", "string", "default", "John Doe"));
                    properties.put("age", Map.of("type", "integer", "default", 30));
                    properties.put("score", Map.of("type", "number", "default", 95.5));
                    properties.put("status", Map.of("type", "string", "enum", List.of("active", "inactive", "pending"), "default", "active"));
                    properties.put("verified", Map.of("type", "boolean", "default", true));
                    return elicit(ex, "Please review and update the form fields with defaults",
                            Map.of("type", "object", "properties", properties), "Elicitation completed: ");
                }),
                tool("test_elicitation_sep1330_enums", "Elicitation with enum variants", Map.of(), (ex, args) -> {
                    Map<String, Object> properties = new LinkedHashMap<>();
                    properties.put("untitledSingle", Map.of("type", "string", "enum", List.of("option1", "option2", "option3")));
                    properties.put("titledSingle", Map.of("type", "string", "oneOf", List.of(
                            Map.of("const", "value1", "title", "First Option"), Map.of("const", "value2", "title", "Second Option"),
                            Map.of("const", "value3", "title", "Third Option"))));
                    properties.put("legacyEnum", Map.of("type", "string", "enum", List.of("opt1", "opt2", "opt3"),
                            "enumNames", List.of("Option One", "Option Two", "Option Three")));
                    properties.put("untitledMulti", Map.of("type", "array", "items", Map.of("type", "string",
                            "enum", List.of("option1", "option2", "option3"))));
                    properties.put("titledMulti", Map.of("type", "array", "items", Map.of("anyOf", List.of(
                            Map.of("const", "value1", "title", "First Choice"), Map.of("const", "value2", "title", "Second Choice"),
                            Map.of("const", "value3", "title", "Third Choice")))));
                    return elicit(ex, "Please select options from the enum fields", Map.of("type", "object", "properties", properties),
                            "Elicitation completed: ");
                }),
                McpServerFeatures.AsyncToolSpecification.builder()
                        .tool(McpSchema.Tool.builder().name("json_schema_2020_12_tool").description("Tool with JSON Schema 2020-12 features")
                                .inputSchema(Map.of("$schema", "https://json-schema.org/draft/2020-12/schema", "type", "object",
                                        "$defs", Map.of("address", Map.of("type", "object", "properties",
                                                Map.of("street", Map.of("type", "string"), "city", Map.of("type", "string")))),
                                        "properties", Map.of("name", Map.of("type", "string"), "address", Map.of("$ref", "#/$defs/address")),
                                        "additionalProperties", false)).build())
                        .callHandler((ex, r) -> Mono.just(result(new McpSchema.TextContent("ok")))).build());
    }

    private static List<McpServerFeatures.AsyncResourceSpecification> resources() {
        return List.of(
                new McpServerFeatures.AsyncResourceSpecification(McpSchema.Resource.builder().uri("test://static-text").name("static-text")
                        .mimeType("text/plain").build(), (ex, r) -> Mono.just(new McpSchema.ReadResourceResult(List.of(
                        new McpSchema.TextResourceContents("test://static-text", "text/plain", "This is the content of the static text resource."))))),
                new McpServerFeatures.AsyncResourceSpecification(McpSchema.Resource.builder().uri("test://static-binary").name("static-binary")
                        .mimeType("image/png").build(), (ex, r) -> Mono.just(new McpSchema.ReadResourceResult(List.of(
                        new McpSchema.BlobResourceContents("test://static-binary", "image/png", PNG))))),
                new McpServerFeatures.AsyncResourceSpecification(McpSchema.Resource.builder().uri("test://watched-resource").name("watched-resource")
                        .mimeType("text/plain").build(), (ex, r) -> Mono.just(new McpSchema.ReadResourceResult(List.of(
                        new McpSchema.TextResourceContents("test://watched-resource", "text/plain", "Watched resource content."))))));
    }

    private static McpServerFeatures.AsyncResourceTemplateSpecification template() {
        return new McpServerFeatures.AsyncResourceTemplateSpecification(
                McpSchema.ResourceTemplate.builder("test://template/{id}/data", "template-data").mimeType("application/json").build(),
                (ex, r) -> {
                    String id = r.uri().replaceFirst("^test://template/", "").replaceFirst("/data$", "");
                    return Mono.just(new McpSchema.ReadResourceResult(List.of(new McpSchema.TextResourceContents(r.uri(), "application/json",
                            "{\"id\":\"" + id + "\",\"templateTest\":true,\"data\":\"Data for ID: " + id + "\"}"))));
                });
    }

    private static List<McpServerFeatures.AsyncPromptSpecification> prompts() {
        return List.of(
                new McpServerFeatures.AsyncPromptSpecification(new McpSchema.Prompt("test_simple_prompt", "A simple prompt", List.of()),
                        (ex, r) -> Mono.just(new McpSchema.GetPromptResult(null, List.of(new McpSchema.PromptMessage(McpSchema.Role.USER,
                                new McpSchema.TextContent("This is a simple prompt for testing.")))))),
                new McpServerFeatures.AsyncPromptSpecification(new McpSchema.Prompt("test_prompt_with_arguments", "A prompt with arguments",
                        List.of(new McpSchema.PromptArgument("arg1", "First test argument", true),
                                new McpSchema.PromptArgument("arg2", "Second test argument", true))),
                        (ex, r) -> Mono.just(new McpSchema.GetPromptResult(null, List.of(new McpSchema.PromptMessage(McpSchema.Role.USER,
                                new McpSchema.TextContent("Prompt with arguments: arg1='" + r.arguments().get("arg1") + "', arg2='"
                                        + r.arguments().get("arg2") + "'")))))),
                new McpServerFeatures.AsyncPromptSpecification(new McpSchema.Prompt("test_prompt_with_embedded_resource", "Embeds a resource",
                        List.of(new McpSchema.PromptArgument("resourceUri", "URI of the resource to embed", true))),
                        (ex, r) -> Mono.just(new McpSchema.GetPromptResult(null, List.of(
                                new McpSchema.PromptMessage(McpSchema.Role.USER, new McpSchema.EmbeddedResource(null,
                                        new McpSchema.TextResourceContents(String.valueOf(r.arguments().get("resourceUri")), "text/plain",
                                                "Embedded resource content for testing."))),
                                new McpSchema.PromptMessage(McpSchema.Role.USER, new McpSchema.TextContent("Please process the embedded resource above.")))))),
                new McpServerFeatures.AsyncPromptSpecification(new McpSchema.Prompt("test_prompt_with_image", "Contains an image", List.of()),
                        (ex, r) -> Mono.just(new McpSchema.GetPromptResult(null, List.of(
                                new McpSchema.PromptMessage(McpSchema.Role.USER, new McpSchema.ImageContent(null, PNG, "image/png")),
                                new McpSchema.PromptMessage(McpSchema.Role.USER, new McpSchema.TextContent("Please analyze the image above.")))))));
    }

    private interface Handler {
        Mono<McpSchema.CallToolResult> call(McpAsyncServerExchange exchange, Map<String, Object> arguments);
    }

    private static McpServerFeatures.AsyncToolSpecification tool(String name, String description, Map<String, Object> properties, Handler handler) {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        if (!properties.isEmpty()) {
            schema.put("required", List.copyOf(properties.keySet()));
        }
        return McpServerFeatures.AsyncToolSpecification.builder()
                .tool(McpSchema.Tool.builder().name(name).description(description).inputSchema(schema).build())
                .callHandler((ex, request) -> handler.call(ex, request.arguments() == null ? Map.of() : request.arguments())).build();
    }

    private static McpSchema.CallToolResult result(McpSchema.Content content) {
        return McpSchema.CallToolResult.builder().addContent(content).build();
    }

    private static Mono<Void> log(McpAsyncServerExchange ex, String message) {
        return ex.loggingNotification(new McpSchema.LoggingMessageNotification(McpSchema.LoggingLevel.INFO, "conformance", message));
    }

    private static Mono<Void> progress(McpAsyncServerExchange ex, Object token, double progress) {
        return token == null ? Mono.empty() : ex.progressNotification(new McpSchema.ProgressNotification(token, progress, 100.0, null));
    }

    private static Mono<McpSchema.CallToolResult> elicit(McpAsyncServerExchange ex, String message, Map<String, Object> schema, String prefix) {
        if (ex.getClientCapabilities() == null || ex.getClientCapabilities().elicitation() == null) {
            return Mono.just(McpSchema.CallToolResult.builder().isError(true).addTextContent("The client does not support elicitation.").build());
        }
        return ex.createElicitation(McpSchema.ElicitFormRequest.builder(message, schema).build())
                .map(r -> result(new McpSchema.TextContent(prefix + "action=" + r.action().name().toLowerCase() + ", content=" + r.content())));
    }

    /** A tenth of a second of silence as a WAV file. */
    static String wav() {
        int samples = 800;
        ByteBuffer b = ByteBuffer.allocate(44 + samples * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + samples * 2).put("WAVE".getBytes()).put("fmt ".getBytes()).putInt(16)
                .putShort((short) 1).putShort((short) 1).putInt(8000).putInt(16000).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes()).putInt(samples * 2);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(b.array());
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }
}
