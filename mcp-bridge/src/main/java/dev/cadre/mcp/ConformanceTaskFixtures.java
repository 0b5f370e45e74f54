package dev.cadre.mcp;

import dev.cadre.mcp.internal.TaskWire;
import dev.cadre.mcp.internal.TasksExtension;
import dev.cadre.mcp.internal.ToolTasks;
import io.modelcontextprotocol.modern.McpException;
import io.modelcontextprotocol.modern.McpSchema;
import io.modelcontextprotocol.modern.server.McpAsyncResponse;
import io.modelcontextprotocol.modern.server.McpRequestContext;
import io.modelcontextprotocol.modern.server.feature.McpAsyncTool;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The tools the conformance suite's tasks scenarios (SEP-2663, MCP 2026-07-28) call by name, served on the 2026-07-28
 * side in {@code --profile conformance} only, as tasks of the same {@link ToolTasks} the crews use: {@code greet}
 * (never a task), {@code slow_compute} (a task when the request declares the extension, else answered in place),
 * {@code failing_job} (a task that ends with a tool error; it requires the extension), {@code protocol_error_job}
 * (a task that fails with a protocol error), {@code confirm_delete} and {@code multi_input} (tasks that wait on one and
 * on two forms), {@code test_tool_with_task} (asks a name by {@code input_required}, then greets it as a task). Each
 * task's work is a timer or a form here: nothing of Cadre's runs.
 */
final class ConformanceTaskFixtures {

    private static final Map<String, Object> NO_ARGS = Map.of("type", "object", "properties", Map.of());
    private static final Map<String, Object> CONFIRM = Map.of("type", "object", "properties",
            Map.of("confirm", Map.of("type", "boolean")), "required", List.of("confirm"));

    private final ToolTasks tasks;

    ConformanceTaskFixtures(ToolTasks tasks) {
        this.tasks = tasks;
    }

    /** The fixture tools by name. */
    Map<String, McpAsyncTool> tools() {
        Map<String, McpAsyncTool> tools = new LinkedHashMap<>();
        add(tools, "greet", "Says hello (never a task).", Map.of("type", "object", "properties", Map.of("name", Map.of("type", "string"))),
                (ctx, request) -> Mono.just(McpAsyncResponse.result(text("Hello, " + argument(request, "name", "World") + "!", false))));
        add(tools, "slow_compute", "Sleeps `seconds` then answers; a task for clients of the tasks extension.",
                Map.of("type", "object", "properties", Map.of("seconds", Map.of("type", "number"), "label", Map.of("type", "string"))),
                (ctx, request) -> {
                    long seconds;
                    try {
                        seconds = Math.max(0, Math.min(600, (long) Double.parseDouble(argument(request, "seconds", "1"))));
                    } catch (NumberFormatException e) {
                        return Mono.error(McpException.invalidParams("slow_compute: seconds is not a number."));
                    }
                    String answer = "Computed " + argument(request, "label", "") + " in " + seconds + "s.";
                    if (!TasksExtension.negotiated(ctx)) {
                        return Mono.delay(Duration.ofSeconds(seconds)).map(x -> McpAsyncResponse.result(text(answer, false)));
                    }
                    return created(() -> Mono.delay(Duration.ofSeconds(seconds)).map(x -> legacy(answer, false)));
                });
        add(tools, "failing_job", "A task that ends with a tool error (requires the tasks extension).", NO_ARGS, (ctx, request) -> {
            if (!TasksExtension.negotiated(ctx)) {
                return Mono.error(TasksExtension.missing());
            }
            return created(() -> Mono.delay(Duration.ofSeconds(1)).map(x -> legacy("The job failed, as it always does.", true)));
        });
        add(tools, "protocol_error_job", "A task that fails with a protocol error.", NO_ARGS, (ctx, request) ->
                TasksExtension.negotiated(ctx)
                        ? created(() -> Mono.delay(Duration.ofMillis(500)).then(Mono.error(new McpException(-32603, "Internal error in the job."))))
                        : Mono.error(TasksExtension.missing()));
        add(tools, "confirm_delete", "A task that asks to confirm, then deletes nothing.", NO_ARGS, (ctx, request) ->
                asking(ctx, List.of("Delete the file?")));
        add(tools, "test_tool_with_task", "Asks a name (input_required), then runs as a task that greets it.", NO_ARGS, (ctx, request) -> {
            if (!TasksExtension.negotiated(ctx)) {
                return Mono.error(TasksExtension.missing());
            }
            Object answer = request.inputResponses() == null ? null : request.inputResponses().get("user_name");
            if (answer instanceof Map<?, ?> given && given.get("content") instanceof Map<?, ?> content && content.get("name") != null) {
                String name = String.valueOf(content.get("name"));
                return created(() -> Mono.delay(Duration.ofMillis(200)).map(x -> legacy("Hello, " + name + "!", false)));
            }
            return Mono.just(McpAsyncResponse.<McpSchema.CallToolOutcome>result(McpSchema.InputRequiredResult.builder()
                    .elicit("user_name", McpSchema.ElicitFormRequest.builder("What is your name?", Map.of("type", "object",
                            "properties", Map.of("name", Map.of("type", "string")), "required", List.of("name"))).build())
                    .requestState("{\"round\":1}").build()));
        });
        add(tools, "multi_input", "A task that asks two questions at once.", NO_ARGS, (ctx, request) ->
                asking(ctx, List.of("First question?", "Second question?")));
        return tools;
    }

    private interface Body {
        Mono<McpAsyncResponse<McpSchema.CallToolOutcome>> call(McpRequestContext ctx, McpSchema.CallToolRequest request);
    }

    private static void add(Map<String, McpAsyncTool> tools, String name, String description, Map<String, Object> schema, Body body) {
        tools.put(name, McpAsyncTool.of(McpSchema.Tool.builder(name, schema).description(description).build(), body::call));
    }

    private Mono<McpAsyncResponse<McpSchema.CallToolOutcome>> created(java.util.function.Supplier<
            Mono<io.modelcontextprotocol.spec.McpSchema.CallToolResult>> work) {
        return Mono.fromCallable(() -> McpAsyncResponse.result(TaskWire.Result.created(tasks.start(work::get))));
    }

    /** A task waiting on one form per question, answered in any order; it completes when all are. */
    private Mono<McpAsyncResponse<McpSchema.CallToolOutcome>> asking(McpRequestContext ctx, List<String> questions) {
        if (!TasksExtension.negotiated(ctx)) {
            return Mono.error(TasksExtension.missing());
        }
        Map<String, ToolTasks.Question> waiting = new ConcurrentHashMap<>();
        for (int i = 0; i < questions.size(); i++) {
            waiting.put("q" + (i + 1), new ToolTasks.Question(questions.get(i), CONFIRM, Map.of()));
        }
        Map<String, String> answers = new ConcurrentHashMap<>();
        Sinks.One<io.modelcontextprotocol.spec.McpSchema.CallToolResult> done = Sinks.one();
        return Mono.fromCallable(() -> McpAsyncResponse.result(TaskWire.Result.created(tasks.start(new ToolTasks.Work() {
            @Override
            public Mono<io.modelcontextprotocol.spec.McpSchema.CallToolResult> result() {
                return done.asMono();
            }

            @Override
            public Map<String, ToolTasks.Question> questions() {
                return Map.copyOf(waiting);
            }

            @Override
            public void answer(String key, String action, Map<String, Object> content, String by) {
                if (waiting.remove(key) != null) {
                    answers.put(key, action + (content.isEmpty() ? "" : " " + content));
                    if (waiting.isEmpty()) {
                        done.tryEmitValue(legacy("Answers: " + new java.util.TreeMap<>(answers), false));
                    }
                }
            }
        }))));
    }

    private static String argument(McpSchema.CallToolRequest request, String name, String otherwise) {
        Object value = request.arguments() == null ? null : request.arguments().get(name);
        return value == null ? otherwise : String.valueOf(value);
    }

    private static McpSchema.CallToolResult text(String text, boolean error) {
        return McpSchema.CallToolResult.builder().addContent(new McpSchema.TextContent(null, text, null)).isError(error).build();
    }

    private static io.modelcontextprotocol.spec.McpSchema.CallToolResult legacy(String text, boolean error) {
        return io.modelcontextprotocol.spec.McpSchema.CallToolResult.builder().addTextContent(text).isError(error).build();
    }
}
