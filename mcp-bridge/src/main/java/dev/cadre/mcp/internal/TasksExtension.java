package dev.cadre.mcp.internal;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.modern.McpException;
import io.modelcontextprotocol.modern.McpSchema;
import io.modelcontextprotocol.modern.server.McpAsyncResponse;
import io.modelcontextprotocol.modern.server.McpFeature;
import io.modelcontextprotocol.modern.server.McpHeader;
import io.modelcontextprotocol.modern.server.McpHeaders;
import io.modelcontextprotocol.modern.server.McpRequestContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * The tasks extension of MCP 2026-07-28 ({@code io.modelcontextprotocol/tasks}, SEP-2663) on the SDK's extension point
 * (a {@link McpFeature}; the SDK 2.2.0 has no tasks): advertised under {@code capabilities.extensions}, it serves
 * {@code tasks/get} (the task with its result, error or input requests inlined), {@code tasks/update} (answers to the
 * input requests) and {@code tasks/cancel}, each only for a request that declares the extension
 * ({@code -32021} otherwise), an unknown or expired task id being {@code -32602}; over HTTP the {@code Mcp-Name} header
 * must name the task ({@code -32020} otherwise).
 */
public final class TasksExtension implements McpFeature {

    public static final String ID = "io.modelcontextprotocol/tasks";

    /** JSON-RPC code: the request lacks a client capability the server needs. */
    public static final int MISSING_CAPABILITY = -32021;

    /** JSON-RPC code: an HTTP header does not match the body (SEP-2243). */
    public static final int HEADER_MISMATCH = -32020;

    private final ToolTasks tasks;
    private final McpJsonMapper json;

    public TasksExtension(ToolTasks tasks, McpJsonMapper json) {
        this.tasks = tasks;
        this.json = json;
    }

    /** Whether the request declares the tasks extension (in its per-request client capabilities). */
    public static boolean negotiated(McpRequestContext ctx) {
        return ctx.clientCapabilities() != null && ctx.clientCapabilities().extensions() != null
                && ctx.clientCapabilities().extensions().containsKey(ID);
    }

    /** The error for a request that needs the extension and did not declare it. */
    public static McpException missing() {
        return new McpException(MISSING_CAPABILITY, "Missing required client capability: the " + ID + " extension",
                Map.of("requiredCapabilities", Map.of("extensions", Map.of(ID, Map.of()))));
    }

    @Override
    public Set<String> methods() {
        return Set.of("tasks/get", "tasks/update", "tasks/cancel");
    }

    @Override
    public void capabilities(McpSchema.ServerCapabilities.Builder builder) {
        builder.extension(ID, Map.of());
    }

    @Override
    public Mono<McpAsyncResponse<TaskWire.Result>> handle(McpRequestContext ctx, Object params) {
        return Mono.fromCallable(() -> {
            if (!negotiated(ctx)) {
                throw missing();
            }
            Map<?, ?> p = params == null ? Map.of() : json.convertValue(params, Map.class);
            if (!(p.get("taskId") instanceof String taskId)) {
                throw McpException.invalidParams(ctx.method() + " needs params.taskId, a string.");
            }
            routedBy(ctx, taskId);
            return McpAsyncResponse.result(switch (ctx.method()) {
                case "tasks/get" -> TaskWire.Result.complete(TaskWire.v2026(known(tasks.get(taskId), taskId), true));
                case "tasks/cancel" -> {
                    known(tasks.cancel(taskId), taskId);
                    yield TaskWire.Result.complete(Map.of());
                }
                default -> {
                    update(ctx, taskId, p.get("inputResponses"));
                    yield TaskWire.Result.complete(Map.of());
                }
            });
        });
    }

    /** Over HTTP, a task request names its task in the {@code Mcp-Name} header too (SEP-2663, for routing): they must match. */
    private static void routedBy(McpRequestContext ctx, String taskId) {
        Object headers = ctx.transportContext() == null ? null : ctx.transportContext().get(McpHeaders.TRANSPORT_CONTEXT_KEY);
        if (!(headers instanceof McpHeaders mirrored) || mirrored == McpHeaders.NOT_MIRRORED) {
            return; // stdio: no headers
        }
        McpHeader name = mirrored.get("Mcp-Name");
        if (name == null || name.isMalformed() || name.value() == null || !name.value().strip().equals(taskId)) {
            throw new McpException(HEADER_MISMATCH, "The Mcp-Name header (" + (name == null ? "missing" : "'" + name.value() + "'")
                    + ") does not match params.taskId '" + taskId + "' of " + ctx.method() + ".");
        }
    }

    private void update(McpRequestContext ctx, String taskId, Object inputResponses) {
        if (!(inputResponses instanceof Map<?, ?> responses)) {
            throw McpException.invalidParams("tasks/update needs params.inputResponses, an object of answers by input request key.");
        }
        // answers to keys not outstanding are ignored, whatever their shape (SEP-2663)
        Map<String, ToolTasks.Question> outstanding = known(tasks.get(taskId), taskId).questions();
        Map<String, ToolTasks.Answer> answers = new LinkedHashMap<>();
        responses.forEach((key, value) -> {
            if (!outstanding.containsKey(String.valueOf(key))) {
                return;
            }
            if (!(value instanceof Map<?, ?> answer) || !(answer.get("action") instanceof String action)) {
                throw McpException.invalidParams("inputResponses." + key + " is not an elicitation result (an object with an action).");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> content = answer.get("content") instanceof Map<?, ?> c ? (Map<String, Object>) c : Map.of();
            answers.put(String.valueOf(key), new ToolTasks.Answer(action, content));
        });
        String by = ctx.clientInfo() == null ? "mcp-client" : "mcp:" + ctx.clientInfo().name();
        try {
            if (!tasks.answer(taskId, answers, by)) {
                throw unknown(taskId);
            }
        } catch (IllegalArgumentException e) {
            throw McpException.invalidParams(e.getMessage());
        }
    }

    private static ToolTasks.Snapshot known(java.util.Optional<ToolTasks.Snapshot> task, String taskId) {
        return task.orElseThrow(() -> unknown(taskId));
    }

    private static McpException unknown(String taskId) {
        return McpException.invalidParams("Failed to retrieve task: there is no task '" + taskId + "' (unknown, or finished more than "
                + ToolTasks.RETENTION.toMinutes() + " minutes ago).");
    }
}
