package dev.cadre.testkit;

import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import java.time.Duration;
import java.util.List;

/**
 * AssertJ entry points for runs.
 *
 * <pre>{@code
 * RunResult result = handle.result().block();
 * assertThat(result).succeeded().hasOutput("done");
 * assertThatEvents(handle.events().collectList().block())
 *     .hasTypesInOrder(RunStarted.class, ToolCalled.class, ToolReturned.class, RunFinished.class)
 *     .hasContiguousSequenceNumbers();
 * }</pre>
 */
public final class CadreAssertions {

    /** How long {@link #assertThat(RunHandle)} waits for a run to end. */
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);

    private CadreAssertions() {}

    public static RunResultAssert assertThat(RunResult result) {
        return new RunResultAssert(result);
    }

    /** Waits (at most {@link #DEFAULT_WAIT}) for the run to end, then asserts on its result. */
    public static RunResultAssert assertThat(RunHandle handle) {
        return new RunResultAssert(handle.result().block(DEFAULT_WAIT));
    }

    public static RunEventsAssert assertThatEvents(List<RunEvent> events) {
        return new RunEventsAssert(events);
    }

    /** Waits (at most {@link #DEFAULT_WAIT}) for the run to end, then asserts on all its events. */
    public static RunEventsAssert assertThatEvents(RunHandle handle) {
        return new RunEventsAssert(handle.events().collectList().block(DEFAULT_WAIT));
    }
}
