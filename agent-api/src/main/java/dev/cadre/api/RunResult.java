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
}
