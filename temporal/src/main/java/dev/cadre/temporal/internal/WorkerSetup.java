package dev.cadre.temporal.internal;

import dev.cadre.api.crew.Crew;
import dev.cadre.orchestrator.driver.RunCore;
import java.util.function.Function;

/**
 * What a worker's workflows know: its crews by name (crews are code, on every worker, as workflows are) and the core's
 * settings. {@code crews} answers {@code null} for a crew it does not have.
 */
public record WorkerSetup(Function<String, Crew> crews, RunCore.Settings settings, int continueAsNewAfter,
                          java.time.Duration heartbeatTimeout) {

    /** How long a model or tool call may go without a heartbeat before Temporal retries it elsewhere (its worker is lost). */
    public static final java.time.Duration HEARTBEAT_TIMEOUT = java.time.Duration.ofSeconds(30);

    /** Below Temporal's warning at 10,240 history events: a run goes on as a new workflow run past this many. */
    public static final int CONTINUE_AS_NEW_AFTER = 8_000;
}
