package dev.cadre.mcp.internal;

import dev.cadre.api.RunEvent;
import dev.cadre.orchestrator.RunOptions;
import dev.cadre.orchestrator.journal.JournalStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The runs of a journal store whose journals end waiting at a checkpoint (one requested and not resolved, the run not
 * ended): where {@code cadre_checkpoints_list} looks for runs open elsewhere ({@link dev.cadre.api.RemoteRuns}), whose
 * journals a shared store holds. Only the {@link #MAX_RUNS} newest runs are read (run ids start with their time), so
 * a list costs a bounded number of journal reads however many runs the store keeps.
 */
public final class WaitingJournals {

    /** How many of the newest runs are looked at. */
    public static final int MAX_RUNS = 50;

    private final JournalStore store;

    public WaitingJournals(JournalStore store) {
        this.store = store;
    }

    /** The ids of the newest runs that wait at a checkpoint and {@code skip} does not exclude, newest first. */
    public List<String> runIds(Predicate<String> skip) {
        List<String> newest = store.runIds().stream().filter(id -> RunOptions.isRunId(id) && !skip.test(id))
                .sorted(Comparator.reverseOrder()).limit(MAX_RUNS).toList();
        List<String> waiting = new ArrayList<>();
        for (String id : newest) {
            if (waits(id)) {
                waiting.add(id);
            }
        }
        return waiting;
    }

    /** Whether run {@code runId}'s journal ends with a checkpoint requested and not resolved; false when it cannot be read. */
    boolean waits(String runId) {
        List<RunEvent> events;
        try {
            events = store.read(runId).events();
        } catch (RuntimeException unreadable) {
            return false;   // a journal being written or damaged: its run is not listed, its resource still is
        }
        Set<String> pending = new LinkedHashSet<>();
        for (RunEvent event : events) {
            if (event instanceof RunEvent.CheckpointRequested requested) {
                pending.add(requested.checkpoint().id());
            } else if (event instanceof RunEvent.CheckpointResolved resolved) {
                pending.remove(resolved.checkpointId());
            } else if (event instanceof RunEvent.RunFinished || event instanceof RunEvent.RunFailed || event instanceof RunEvent.RunCancelled) {
                return false;
            }
        }
        return !pending.isEmpty();
    }
}
