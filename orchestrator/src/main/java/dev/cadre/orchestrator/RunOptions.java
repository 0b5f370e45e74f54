package dev.cadre.orchestrator;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How to run one task.
 *
 * @param runId            the run's id, or {@code null} to generate one (sortable by start time)
 * @param context          earlier outputs by name, available to tasks that name them as context
 * @param streaming        stream model answers token by token (as {@code TokenStreamed} events) when the model can
 * @param maxOutputRetries how often an empty answer, or one failing the output schema, is asked again before the
 *                         step fails (default 2)
 */
public record RunOptions(String runId, Map<String, String> context, boolean streaming, int maxOutputRetries) {

    public static final RunOptions DEFAULTS = new RunOptions(null, Map.of(), false, 2);

    public RunOptions {
        context = context == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(context));
        if (maxOutputRetries < 0) {
            throw new IllegalArgumentException("maxOutputRetries is " + maxOutputRetries + ": it must be 0 or more.");
        }
        if (runId != null && !runId.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}")) {
            throw new IllegalArgumentException("Run id '" + runId + "' is invalid: use letters, digits, '_', '.' and '-'.");
        }
    }

    public RunOptions withRunId(String id) { return new RunOptions(id, context, streaming, maxOutputRetries); }
    public RunOptions withContext(String name, String output) {
        Map<String, String> more = new LinkedHashMap<>(context);
        more.put(name, output);
        return new RunOptions(runId, more, streaming, maxOutputRetries);
    }
    public RunOptions withStreaming(boolean on) { return new RunOptions(runId, context, on, maxOutputRetries); }
    public RunOptions withMaxOutputRetries(int retries) { return new RunOptions(runId, context, streaming, retries); }
}
