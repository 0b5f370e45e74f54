package dev.cadre.orchestrator;

import dev.cadre.api.HumanGate;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How to run a crew (or one agent) on a task.
 *
 * @param runId            the run's id, or {@code null} to generate one (sortable by start time)
 * @param context          outputs from outside the crew by name, available to tasks that name them as context
 * @param streaming        stream model answers token by token (as {@code TokenStreamed} events) when the model can
 * @param maxOutputRetries how often an empty answer, one cut off at the output limit, or one failing the output
 *                         schema, is asked again before the step fails (default 2)
 * @param gate             who decides this run's checkpoints, or {@code null} for the orchestrator's gate
 */
public record RunOptions(String runId, Map<String, String> context, boolean streaming, int maxOutputRetries, HumanGate gate) {

    public static final RunOptions DEFAULTS = new RunOptions(null, Map.of(), false, 2, null);

    public RunOptions {
        context = context == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(context));
        if (maxOutputRetries < 0) {
            throw new IllegalArgumentException("maxOutputRetries is " + maxOutputRetries + ": it must be 0 or more.");
        }
        if (runId != null && !runId.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}")) {
            throw new IllegalArgumentException("Run id '" + runId + "' is invalid: use letters, digits, '_', '.' and '-'.");
        }
    }

    public RunOptions withRunId(String id) { return new RunOptions(id, context, streaming, maxOutputRetries, gate); }
    public RunOptions withContext(String name, String output) {
        Map<String, String> more = new LinkedHashMap<>(context);
        more.put(name, output);
        return new RunOptions(runId, more, streaming, maxOutputRetries, gate);
    }
    public RunOptions withStreaming(boolean on) { return new RunOptions(runId, context, on, maxOutputRetries, gate); }
    public RunOptions withMaxOutputRetries(int retries) { return new RunOptions(runId, context, streaming, retries, gate); }
    public RunOptions withGate(HumanGate humanGate) { return new RunOptions(runId, context, streaming, maxOutputRetries, humanGate); }
}
