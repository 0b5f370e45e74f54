package dev.cadre.orchestrator.internal;

import dev.cadre.api.RunEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The events a run journaled before it stopped, indexed by what they are about, so that a resumed run reuses
 * recorded model answers, tool results and decisions instead of making them again, and does not journal twice
 * what is already in the journal.
 *
 * <p>Keys are deterministic: step paths are unique within a run, model calls are numbered per step, tool calls
 * carry the model's call id and turn, checkpoint ids are derived from their step. Streamed tokens have no key:
 * they are never replayed.
 */
public final class RecordedRun {

    private static final RecordedRun EMPTY = new RecordedRun(List.of());

    private final List<RunEvent> events;
    private final Map<String, RunEvent> byKey = new HashMap<>();

    private RecordedRun(List<RunEvent> events) {
        this.events = List.copyOf(events);
        for (RunEvent event : this.events) {
            String key = key(event);
            if (key != null) {
                byKey.putIfAbsent(key, event);
            }
        }
    }

    public static RecordedRun empty() {
        return EMPTY;
    }

    public static RecordedRun of(List<RunEvent> events) {
        return new RecordedRun(events);
    }

    public List<RunEvent> events() {
        return events;
    }

    public boolean isEmpty() {
        return events.isEmpty();
    }

    public long lastSeq() {
        return events.isEmpty() ? 0 : events.get(events.size() - 1).seq();
    }

    public RunEvent get(String key) {
        return key == null ? null : byKey.get(key);
    }

    public Optional<RunEvent.ModelRequested> modelRequest(String path, int turn) {
        return Optional.ofNullable((RunEvent.ModelRequested) byKey.get("model_requested|" + path + "|" + turn));
    }

    public Optional<RunEvent.ModelResponded> modelResponse(String path, int turn) {
        return Optional.ofNullable((RunEvent.ModelResponded) byKey.get("model_responded|" + path + "|" + turn));
    }

    public boolean toolCalled(String path, int turn, String callId) {
        return byKey.containsKey("tool_called|" + path + "|" + turn + "|" + callId);
    }

    public Optional<RunEvent.ToolReturned> toolResult(String path, int turn, String callId) {
        return Optional.ofNullable((RunEvent.ToolReturned) byKey.get("tool_returned|" + path + "|" + turn + "|" + callId));
    }

    public Optional<RunEvent.CheckpointRequested> checkpointRequested(String id) {
        return Optional.ofNullable((RunEvent.CheckpointRequested) byKey.get("checkpoint_requested|" + id));
    }

    public Optional<RunEvent.CheckpointResolved> checkpointResolved(String id) {
        return Optional.ofNullable((RunEvent.CheckpointResolved) byKey.get("checkpoint_resolved|" + id));
    }

    /** The identity of an event within its run, or {@code null} for events that are never replayed. */
    public static String key(RunEvent event) {
        if (event instanceof RunEvent.RunStarted) return "run_started";
        if (event instanceof RunEvent.RunFinished) return "run_finished";
        if (event instanceof RunEvent.RunFailed) return "run_failed";
        if (event instanceof RunEvent.RunCancelled) return "run_cancelled";
        if (event instanceof RunEvent.StepStarted) return "step_started|" + event.stepPath();
        if (event instanceof RunEvent.StepFinished) return "step_finished|" + event.stepPath();
        if (event instanceof RunEvent.StepFailed) return "step_failed|" + event.stepPath();
        if (event instanceof RunEvent.ModelRequested e) return "model_requested|" + e.stepPath() + "|" + e.turn();
        if (event instanceof RunEvent.ModelResponded e) return "model_responded|" + e.stepPath() + "|" + e.turn();
        if (event instanceof RunEvent.ToolCalled e) return "tool_called|" + e.stepPath() + "|" + e.turn() + "|" + e.callId();
        if (event instanceof RunEvent.ToolReturned e) return "tool_returned|" + e.stepPath() + "|" + e.turn() + "|" + e.callId();
        if (event instanceof RunEvent.CheckpointRequested e) return "checkpoint_requested|" + e.checkpoint().id();
        if (event instanceof RunEvent.CheckpointResolved e) return "checkpoint_resolved|" + e.checkpointId();
        if (event instanceof RunEvent.BudgetWarning e) return "budget_warning|" + e.limit();
        return null;
    }
}
