package dev.cadre.mcp.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.CadreJson;
import dev.cadre.api.HumanGate;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.Task;
import dev.cadre.mcp.McpServerConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * The experimental tasks of MCP 2025-11-25 for crew tools, which the SDK 2.2.0 lacks: answered by Cadre itself, before
 * the SDK, through {@link InboundMessages.LocalAnswers}. A {@code tools/call} of a crew tool with a {@code task} param
 * starts the run and returns {@code {task}} at once; {@code tasks/get}, {@code tasks/list}, {@code tasks/cancel} and
 * {@code tasks/result} follow it. The capability ({@code tasks.requests.tools.call}, {@code list}, {@code cancel})
 * and the crew tools' {@code execution.taskSupport: optional} are added to what the SDK sends by
 * {@link TaskCapabilities}.
 *
 * <p>What differs from a crew called without a task, because these answers are given outside the SDK's session (no
 * exchange to ask the client anything): the crew runs on the configured model (not sampling), and a checkpoint makes
 * the task {@code input_required}, its status message naming the run and checkpoint to answer with
 * {@code cadre_checkpoint_resolve}. {@code tasks/result} answers at once: the result of a finished task, or an error
 * saying the task is still going (the spec's blocking wait would hold the transport's reader; poll {@code tasks/get}).
 * Task ids are random UUIDs, shared by the server's clients. No {@code notifications/tasks/status} are sent (optional).
 */
public final class ExperimentalTasks {

    private static final Set<String> METHODS = Set.of("tasks/get", "tasks/result", "tasks/list", "tasks/cancel");

    /** Tasks a {@code tasks/list} page holds. */
    public static final int PAGE = 100;

    private final McpServerConfig config;
    private final ToolTasks tasks;
    private final CrewRuns runs;
    private final CrewResults results;
    private final Map<String, CrewCatalog.Entry> crews = new LinkedHashMap<>();
    private final boolean perClientRoot;

    public ExperimentalTasks(McpServerConfig config, CrewCatalog catalog, CrewRuns runs, CrewResults results, ToolTasks tasks) {
        this.config = config;
        this.tasks = tasks;
        this.runs = runs;
        this.results = results;
        this.perClientRoot = catalog.perClientRoot();
        catalog.entries().forEach(e -> crews.put(CrewTools.definition(e).name(), e));
    }

    /** The crew tools, which take a {@code task}. */
    public Set<String> taskTools() {
        return crews.keySet();
    }

    /** Whether requests to {@code method} may be answered here. */
    public static boolean handles(String method) {
        return METHODS.contains(method) || "tools/call".equals(method);
    }

    /** The whole JSON-RPC response, or null for a request the SDK answers (a {@code tools/call} without a task). */
    public String answer(String method, JsonNode id, JsonNode params) {
        if ("tools/call".equals(method)) {
            return params != null && params.path("task").isObject() ? call(id, params) : null;
        }
        if ("tasks/list".equals(method)) {
            return list(id, params);
        }
        String taskId = params == null ? null : params.path("taskId").textValue();
        if (taskId == null) {
            return InboundMessages.errorResponse(id, InboundMessages.INVALID_PARAMS, method + " needs params.taskId, a string.");
        }
        ToolTasks.Snapshot task = tasks.get(taskId).orElse(null);
        if (task == null) {
            return InboundMessages.errorResponse(id, InboundMessages.INVALID_PARAMS, "Failed to retrieve task: there is no task '" + taskId
                    + "' (unknown, or finished more than " + ToolTasks.RETENTION.toMinutes() + " minutes ago).");
        }
        return switch (method) {
            case "tasks/get" -> ok(id, wire(task));
            case "tasks/cancel" -> task.status().terminal()
                    ? InboundMessages.errorResponse(id, InboundMessages.INVALID_PARAMS, "Cannot cancel task '" + taskId + "': it is already "
                            + task.status().wire() + ".")
                    : ok(id, wire(tasks.cancel(taskId).orElse(task)));
            default -> result(id, task);
        };
    }

    private String call(JsonNode id, JsonNode params) {
        String name = params.path("name").asText();
        CrewCatalog.Entry entry = crews.get(name);
        if (entry == null) {
            return InboundMessages.errorResponse(id, -32601, "The tool '" + name + "' does not run as a task (only the crew tools do):"
                    + " call it without params.task.");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> args = params.path("arguments").isObject() ? CadreJson.mapper().convertValue(params.get("arguments"), Map.class)
                : Map.of();
        ToolTasks.Work work;
        try {
            work = new CrewWork(start(entry, args), results);
        } catch (IllegalArgumentException | IllegalStateException e) {
            work = () -> Mono.just(CrewResults.error(e.getMessage()));
        }
        try {
            return ok(id, Map.of("task", wire(tasks.start(work))));
        } catch (IllegalStateException full) {
            return InboundMessages.errorResponse(id, -32603, full.getMessage());
        }
    }

    private dev.cadre.api.RunHandle start(CrewCatalog.Entry entry, Map<String, Object> args) {
        if (needsClientRoot(entry)) {
            throw new IllegalStateException("The crew '" + entry.name() + "' works in a workspace: start cadre mcp with --root DIR to"
                    + " run it as a task (a task asks the client nothing, its roots included).");
        }
        ModelRegistry models = config.models();
        if (models == null) {
            throw new IllegalStateException("No model is configured: set CADRE_MODEL (for example openai:gpt-4.1-mini with OPENAI_API_KEY)"
                    + " when starting cadre mcp to run a crew as a task (a task does not use the client's model through sampling).");
        }
        String missing = ModelChecks.missingModel(entry.loaded().crew(), models);
        if (missing != null) {
            throw new IllegalStateException(missing);
        }
        Map<String, String> values = new LinkedHashMap<>(entry.loaded().inputs());
        if (args.get("inputs") instanceof Map<?, ?> given) {
            given.forEach((k, v) -> values.put(String.valueOf(k), String.valueOf(v)));
        }
        Task task = Task.of("task", String.valueOf(args.getOrDefault("task", ""))).withInputs(values);
        return runs.start(entry, entry.loaded(), task, models, HumanGate.programmatic());
    }

    private boolean needsClientRoot(CrewCatalog.Entry entry) {
        return perClientRoot && entry.source() != null && entry.usesTools();
    }

    private String result(JsonNode id, ToolTasks.Snapshot task) {
        return switch (task.status()) {
            case COMPLETED -> {
                Map<String, Object> result = new LinkedHashMap<>(CadreJson.mapper().convertValue(task.result(), Map.class));
                result.put("_meta", Map.of("io.modelcontextprotocol/related-task", Map.of("taskId", task.taskId())));
                yield ok(id, result);
            }
            case FAILED -> InboundMessages.errorResponse(id, task.failure().code(), task.failure().message());
            case CANCELLED -> InboundMessages.errorResponse(id, InboundMessages.INVALID_PARAMS, "Task '" + task.taskId()
                    + "' was cancelled: it has no result.");
            default -> InboundMessages.errorResponse(id, InboundMessages.INVALID_PARAMS, "Task '" + task.taskId() + "' is still "
                    + task.status().wire() + ": poll tasks/get until it is completed, failed or cancelled, then ask tasks/result.");
        };
    }

    private String list(JsonNode id, JsonNode params) {
        List<ToolTasks.Snapshot> all = tasks.all();
        int from = 0;
        JsonNode cursor = params == null ? null : params.get("cursor");
        if (cursor != null && !cursor.isNull()) {
            try {
                from = Integer.parseInt(cursor.asText());
            } catch (NumberFormatException e) {
                from = -1;
            }
            if (from < 0 || from > all.size()) {
                return InboundMessages.errorResponse(id, InboundMessages.INVALID_PARAMS, "Invalid params for tasks/list: the cursor '"
                        + cursor.asText() + "' is not one this server gave.");
            }
        }
        int to = Math.min(all.size(), from + PAGE);
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("tasks", all.subList(from, to).stream().map(this::wire).toList());
        if (to < all.size()) {
            page.put("nextCursor", String.valueOf(to));
        }
        return ok(id, page);
    }

    /** The 2025-11-25 Task; at a checkpoint its message says how to answer it here. */
    private Map<String, Object> wire(ToolTasks.Snapshot task) {
        Map<String, Object> wire = TaskWire.v2025(task);
        task.questions().values().stream().findFirst().filter(q -> q.meta().containsKey("cadre/checkpoint")).ifPresent(q ->
                wire.put("statusMessage", task.statusMessage() + " Answer it with cadre_checkpoint_resolve (run_id "
                        + q.meta().get("cadre/run") + ", checkpoint_id " + q.meta().get("cadre/checkpoint") + ")."));
        return wire;
    }

    private static String ok(JsonNode id, Map<String, Object> result) {
        return InboundMessages.resultResponse(id, CadreJson.mapper().valueToTree(result));
    }
}
