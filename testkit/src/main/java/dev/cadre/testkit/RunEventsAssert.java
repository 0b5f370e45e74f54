package dev.cadre.testkit;

import dev.cadre.api.RunEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.stream.Collectors;
import org.assertj.core.api.AbstractAssert;
import org.assertj.core.api.Assertions;
import org.assertj.core.api.ListAssert;

/** Assertions on the events of a run: order, types, step paths and tool calls. */
public final class RunEventsAssert extends AbstractAssert<RunEventsAssert, List<RunEvent>> {

    RunEventsAssert(List<RunEvent> actual) {
        super(actual, RunEventsAssert.class);
    }

    /** The events include events of these types in this order (others may come between). */
    @SafeVarargs
    public final RunEventsAssert hasTypesInOrder(Class<? extends RunEvent>... types) {
        isNotNull();
        int next = 0;
        for (RunEvent event : actual) {
            if (next < types.length && types[next].isInstance(event)) {
                next++;
            }
        }
        if (next < types.length) {
            failWithMessage("Expected event types in order %s but %s was not found after the earlier ones; the events were:%n%s",
                    Arrays.stream(types).map(Class::getSimpleName).toList(), types[next].getSimpleName(), describe());
        }
        return this;
    }

    /** The event types, exactly, in order. */
    @SafeVarargs
    public final RunEventsAssert hasExactlyTypes(Class<? extends RunEvent>... types) {
        isNotNull();
        Assertions.assertThat(actual.stream().map(e -> e.getClass().getSimpleName()).toList())
                .as("event types").containsExactly(Arrays.stream(types).map(Class::getSimpleName).toArray(String[]::new));
        return this;
    }

    public RunEventsAssert startsWithType(Class<? extends RunEvent> type) {
        isNotEmpty();
        Assertions.assertThat(actual.get(0)).as("first event").isInstanceOf(type);
        return this;
    }

    public RunEventsAssert endsWithType(Class<? extends RunEvent> type) {
        isNotEmpty();
        Assertions.assertThat(actual.get(actual.size() - 1)).as("last event").isInstanceOf(type);
        return this;
    }

    private void isNotEmpty() {
        isNotNull();
        if (actual.isEmpty()) {
            failWithMessage("Expected events but there were none");
        }
    }

    /**
     * Sequence numbers run 1, 2, 3, ... without gaps, all events belong to one run, and time does not go back. Streamed
     * tokens are live, not journaled: each carries the number of the event before it, and is not counted.
     */
    public RunEventsAssert hasContiguousSequenceNumbers() {
        isNotEmpty();
        String runId = actual.get(0).runId();
        int journaled = 0;
        for (int i = 0; i < actual.size(); i++) {
            RunEvent e = actual.get(i);
            long expected = e instanceof RunEvent.TokenStreamed ? journaled : ++journaled;
            if (e.seq() != expected) {
                failWithMessage("Expected event #%d to have sequence number %d but it has %d: %s", i + 1, expected, e.seq(), e);
            }
            if (!runId.equals(e.runId())) {
                failWithMessage("Expected all events to belong to run %s but event #%d belongs to %s", runId, i + 1, e.runId());
            }
            if (i > 0 && e.timestamp().isBefore(actual.get(i - 1).timestamp())) {
                failWithMessage("Event #%d is timestamped before event #%d", i + 1, i);
            }
        }
        return this;
    }

    /** The step paths of started steps, in the order they started, each once. */
    public ListAssert<String> stepPaths() {
        isNotNull();
        return Assertions.assertThat(new ArrayList<>(actual.stream().filter(RunEvent.StepStarted.class::isInstance)
                .map(RunEvent::stepPath).collect(Collectors.toCollection(LinkedHashSet::new))));
    }

    /** The names of the tools called, in order. */
    public ListAssert<String> toolCalls() {
        isNotNull();
        return Assertions.assertThat(ofType(RunEvent.ToolCalled.class).stream().map(RunEvent.ToolCalled::tool).toList());
    }

    /** The results of tool calls the model was told failed, in order. */
    public ListAssert<String> toolErrors() {
        isNotNull();
        return Assertions.assertThat(ofType(RunEvent.ToolReturned.class).stream().filter(RunEvent.ToolReturned::error)
                .map(RunEvent.ToolReturned::result).toList());
    }

    /** The events of one type, for further assertions. */
    public <T extends RunEvent> ListAssert<T> eventsOfType(Class<T> type) {
        isNotNull();
        return Assertions.assertThat(ofType(type));
    }

    private <T extends RunEvent> List<T> ofType(Class<T> type) {
        return actual.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private String describe() {
        return actual.stream().map(e -> "  #" + e.seq() + " " + e.getClass().getSimpleName() + " " + e.stepPath())
                .collect(Collectors.joining("\n"));
    }
}
