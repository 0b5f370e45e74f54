package dev.cadre.mcp.internal;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.cadre.api.CadreJson;
import io.modelcontextprotocol.modern.McpSchema;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A task as JSON, in the shape of either protocol version: 2025-11-25 spells the durations {@code ttl} and
 * {@code pollInterval}, 2026-07-28 {@code ttlMs} and {@code pollIntervalMs} and inlines the result, error or input
 * requests on {@code tasks/get}. Also the result object the 2026-07-28 server sends for any of them.
 */
public final class TaskWire {

    private TaskWire() {}

    /** The Task object of 2025-11-25 ({@code tasks/get}, {@code tasks/cancel}, {@code tasks/list}, the created task). */
    public static Map<String, Object> v2025(ToolTasks.Snapshot task) {
        Map<String, Object> wire = base(task);
        wire.put("ttl", task.ttlMs());
        wire.put("pollInterval", ToolTasks.POLL_INTERVAL_MS);
        return wire;
    }

    /** The Task of 2026-07-28; {@code detailed} adds what {@code tasks/get} inlines for the status. */
    public static Map<String, Object> v2026(ToolTasks.Snapshot task, boolean detailed) {
        Map<String, Object> wire = base(task);
        wire.put("ttlMs", task.ttlMs());
        wire.put("pollIntervalMs", ToolTasks.POLL_INTERVAL_MS);
        if (!detailed) {
            return wire;
        }
        switch (task.status()) {
            case COMPLETED -> wire.put("result", CadreJson.mapper().convertValue(task.result(), Map.class));
            case FAILED -> wire.put("error", Map.of("code", task.failure().code(), "message", task.failure().message()));
            case INPUT_REQUIRED -> {
                Map<String, Object> requests = new LinkedHashMap<>();
                task.questions().forEach((key, q) -> {
                    Map<String, Object> params = new LinkedHashMap<>();
                    params.put("mode", "form");
                    params.put("message", q.message());
                    params.put("requestedSchema", q.requestedSchema());
                    if (!q.meta().isEmpty()) {
                        params.put("_meta", q.meta());
                    }
                    requests.put(key, Map.of("method", "elicitation/create", "params", params));
                });
                wire.put("inputRequests", requests);
            }
            default -> { }
        }
        return wire;
    }

    private static Map<String, Object> base(ToolTasks.Snapshot task) {
        Map<String, Object> wire = new LinkedHashMap<>();
        wire.put("taskId", task.taskId());
        wire.put("status", task.status().wire());
        if (task.statusMessage() != null) {
            wire.put("statusMessage", task.statusMessage());
        }
        wire.put("createdAt", task.createdAt().toString());
        wire.put("lastUpdatedAt", task.lastUpdatedAt().toString());
        return wire;
    }

    /** A 2026-07-28 result of any shape, sent as its fields ({@code resultType} among them). */
    public static final class Result implements McpSchema.CallToolOutcome {

        private final Map<String, Object> fields;

        private Result(Map<String, Object> fields) {
            this.fields = fields;
        }

        /** {@code resultType: "task"} and the task's fields: the answer to a {@code tools/call} that became a task. */
        public static Result created(ToolTasks.Snapshot task) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("resultType", "task");
            fields.putAll(v2026(task, false));
            return new Result(fields);
        }

        /** {@code resultType: "complete"} and {@code fields}. */
        public static Result complete(Map<String, Object> fields) {
            Map<String, Object> all = new LinkedHashMap<>();
            all.put("resultType", "complete");
            all.putAll(fields);
            return new Result(all);
        }

        @JsonValue
        public Map<String, Object> fields() {
            return fields;
        }

        @Override
        public String resultType() {
            return (String) fields.get("resultType");
        }

        @Override
        public Map<String, Object> meta() {
            return null;
        }
    }
}
