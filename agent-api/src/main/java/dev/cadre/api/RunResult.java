package dev.cadre.api;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a run ended. Failed and cancelled runs keep the outputs their finished steps produced.
 *
 * @param runId   the run
 * @param status  {@link RunStatus#SUCCEEDED}, {@link RunStatus#FAILED} or {@link RunStatus#CANCELLED}
 * @param output  the final output, or {@code null} when the run did not succeed
 * @param outputs every finished step's output by step path, in the order they finished
 * @param usage   what the whole run consumed
 * @param reason  why it failed or was cancelled, in one sentence; {@code null} on success
 * @param elapsed wall time from start to end
 * @param outcomes how composite steps ended, by step path ("converged after 2 iterations", "majority 2 of 3")
 */
public record RunResult(String runId, RunStatus status, String output, Map<String, String> outputs, Usage usage,
                        String reason, Duration elapsed, Map<String, String> outcomes) {
    public RunResult {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(status, "status");
        outputs = outputs == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
        usage = usage == null ? Usage.ZERO : usage;
        outcomes = outcomes == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outcomes));
    }

    public boolean succeeded() {
        return status == RunStatus.SUCCEEDED;
    }

    /** The final output read as {@code type} (see {@link OutputSchemas}); fails in one sentence when it is not one. */
    public <T> T output(Class<T> type) {
        return OutputSchemas.read(output, type, "Run '" + runId + "'");
    }

    /** The output of the step at {@code stepPath} read as {@code type}; fails in one sentence naming the steps when it has none. */
    public <T> T output(String stepPath, Class<T> type) {
        String step = outputs.get(stepPath);
        if (step == null) {
            step = outputs.entrySet().stream().filter(e -> e.getKey().endsWith("/" + stepPath)).map(Map.Entry::getValue)
                    .reduce((first, last) -> last).orElse(null);
        }
        if (step == null) {
            throw new IllegalArgumentException("Run '" + runId + "' has no output of step '" + stepPath + "'; steps with outputs: "
                    + (outputs.isEmpty() ? "none" : String.join(", ", outputs.keySet())) + ".");
        }
        return OutputSchemas.read(step, type, "The output of step '" + stepPath + "'");
    }
}
