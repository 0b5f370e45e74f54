package dev.cadre.mcp;

import io.modelcontextprotocol.modern.McpSchema;
import io.modelcontextprotocol.modern.server.McpAsyncResponse;
import io.modelcontextprotocol.modern.server.McpRequestContext;
import io.modelcontextprotocol.modern.server.feature.McpAsyncTool;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * The {@code test_input_required_result_*} tools the conformance suite's multi round-trip scenarios (SEP-2322, MCP
 * 2026-07-28) call by name, served on the 2026-07-28 side in {@code --profile conformance} only: each answers a call
 * without the answers it wants with {@code input_required} (forms, sampling, roots, as the scenario names), and the
 * retry that carries them with a result. {@code requestState} is sealed by the SDK's codec (the same as the crews'),
 * so a tampered one is refused before a fixture sees it.
 */
final class ConformanceInputFixtures {

    private static final String NAME_FORM = "What is your name?";

    private ConformanceInputFixtures() {}

    /** The fixture tools by name. */
    static Map<String, McpAsyncTool> tools() {
        Map<String, McpAsyncTool> tools = new LinkedHashMap<>();
        add(tools, "test_input_required_result_elicitation", (ctx, request) -> answered(request, "user_name")
                ? done("Hello, " + field(request, "user_name", "name") + "!")
                : asked(McpSchema.InputRequiredResult.builder().elicit("user_name", form(NAME_FORM, "name", "string")), null));
        add(tools, "test_input_required_result_sampling", (ctx, request) -> answered(request, "capital_question")
                ? done("The model said: " + sampled(request, "capital_question"))
                : asked(McpSchema.InputRequiredResult.builder().createMessage("capital_question", sample("What is the capital of France?")), null));
        add(tools, "test_input_required_result_list_roots", (ctx, request) -> answered(request, "client_roots")
                ? done("The client's roots: " + request.inputResponses().get("client_roots"))
                : asked(McpSchema.InputRequiredResult.builder().listRoots("client_roots"), null));
        add(tools, "test_input_required_result_request_state", (ctx, request) -> answered(request, "confirm") && request.requestState() != null
                ? done("Confirmed, with the state given back: " + request.requestState())
                : asked(McpSchema.InputRequiredResult.builder().elicit("confirm", form("Please confirm", "ok", "boolean")), "{\"fixture\":\"confirm\"}"));
        add(tools, "test_input_required_result_tampered_state", (ctx, request) -> answered(request, "confirm")
                ? done("The state was intact.")
                : asked(McpSchema.InputRequiredResult.builder().elicit("confirm", form("Please confirm", "ok", "boolean")), "{\"fixture\":\"sealed\"}"));
        add(tools, "test_input_required_result_multiple_inputs", (ctx, request) ->
                answered(request, "user_name") && answered(request, "greeting") && answered(request, "client_roots")
                        ? done("Hello, " + field(request, "user_name", "name") + "; greeting: " + sampled(request, "greeting"))
                        : asked(McpSchema.InputRequiredResult.builder().elicit("user_name", form(NAME_FORM, "name", "string"))
                                .createMessage("greeting", sample("Generate a short greeting.")).listRoots("client_roots"), "{\"round\":1}"));
        add(tools, "test_input_required_result_multi_round", (ctx, request) -> {
            if (answered(request, "step2") && "{\"round\":2}".equals(request.requestState())) {
                return done("Round 3: " + field(request, "step2", "color") + " for " + "the user.");
            }
            if (answered(request, "step1") && "{\"round\":1}".equals(request.requestState())) {
                return asked(McpSchema.InputRequiredResult.builder().elicit("step2", form("Step 2: "
                        + field(request, "step1", "name") + ", what is your favourite colour?", "color", "string")), "{\"round\":2}");
            }
            return asked(McpSchema.InputRequiredResult.builder().elicit("step1", form("Step 1: What is your name?", "name", "string")),
                    "{\"round\":1}");
        });
        add(tools, "test_input_required_result_capabilities", (ctx, request) -> {
            McpSchema.ClientCapabilities caps = ctx.clientCapabilities();
            McpSchema.InputRequiredResult.Builder ask = McpSchema.InputRequiredResult.builder();
            boolean any = false;
            if (caps != null && caps.supportsElicitationForm()) {
                ask.elicit("user_name", form(NAME_FORM, "name", "string"));
                any = true;
            }
            if (caps != null && caps.supportsSampling()) {
                ask.createMessage("greeting", sample("Generate a short greeting."));
                any = true;
            }
            if (caps != null && caps.supportsRoots()) {
                ask.listRoots("client_roots");
                any = true;
            }
            return any && request.inputResponses() == null ? asked(ask, null) : done("Asked only what the client can answer.");
        });
        return tools;
    }

    private interface Body {
        Mono<McpAsyncResponse<McpSchema.CallToolOutcome>> call(McpRequestContext ctx, McpSchema.CallToolRequest request);
    }

    private static void add(Map<String, McpAsyncTool> tools, String name, Body body) {
        tools.put(name, McpAsyncTool.of(McpSchema.Tool.builder(name, Map.of("type", "object", "properties", Map.of()))
                .description("A conformance fixture: asks for input, then answers.").build(), body::call));
    }

    private static boolean answered(McpSchema.CallToolRequest request, String key) {
        return request.inputResponses() != null && request.inputResponses().get(key) instanceof Map<?, ?>;
    }

    private static Object field(McpSchema.CallToolRequest request, String key, String field) {
        Object content = ((Map<?, ?>) request.inputResponses().get(key)).get("content");
        return content instanceof Map<?, ?> values ? values.get(field) : null;
    }

    private static Object sampled(McpSchema.CallToolRequest request, String key) {
        Object content = ((Map<?, ?>) request.inputResponses().get(key)).get("content");
        return content instanceof Map<?, ?> text ? text.get("text") : content;
    }

    private static McpSchema.ElicitFormRequest form(String message, String field, String type) {
        return McpSchema.ElicitFormRequest.builder(message, Map.of("type", "object", "properties", Map.of(field, Map.of("type", type)),
                "required", List.of(field))).build();
    }

    private static McpSchema.CreateMessageRequest sample(String text) {
        return McpSchema.CreateMessageRequest.builder(List.of(new McpSchema.SamplingMessage(McpSchema.Role.USER,
                new McpSchema.TextContent(null, text, null))), 100).build();
    }

    private static Mono<McpAsyncResponse<McpSchema.CallToolOutcome>> asked(McpSchema.InputRequiredResult.Builder ask, String state) {
        if (state != null) {
            ask.requestState(state);
        }
        return Mono.just(McpAsyncResponse.result(ask.build()));
    }

    private static Mono<McpAsyncResponse<McpSchema.CallToolOutcome>> done(String text) {
        return Mono.just(McpAsyncResponse.result(McpSchema.CallToolResult.builder()
                .addContent(new McpSchema.TextContent(null, text, null)).build()));
    }
}
