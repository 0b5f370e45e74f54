package dev.cadre.spring;

import dev.cadre.api.Checkpoint;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunListener;
import dev.cadre.api.RunStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The recent runs of the application's orchestrator (at most {@code cadre.recent-runs}, oldest dropped first): find
 * a run by id to answer its checkpoints from a controller, and what the health contributor reports.
 */
public final class CadreRuns implements RunListener {

    private final int capacity;
    private final Map<String, RunHandle> runs = new LinkedHashMap<>();

    public CadreRuns(int capacity) {
        this.capacity = capacity;
    }

    @Override
    public void runStarted(RunHandle run) {
        synchronized (runs) {
            runs.remove(run.runId());
            runs.put(run.runId(), run);
            if (runs.size() > capacity) {
                runs.remove(runs.keySet().iterator().next());
            }
        }
    }

    /** The run with this id, if it is one of the recent ones. */
    public Optional<RunHandle> find(String runId) {
        synchronized (runs) {
            return Optional.ofNullable(runs.get(runId));
        }
    }

    /** The recent runs, oldest first. */
    public List<RunHandle> recent() {
        synchronized (runs) {
            return List.copyOf(new ArrayList<>(runs.values()));
        }
    }

    /** The checkpoints recent runs wait on now. */
    public List<Checkpoint> pendingCheckpoints() {
        return recent().stream().flatMap(run -> run.pendingCheckpoints().stream()).toList();
    }

    /** How many recent runs failed. */
    public long failed() {
        return recent().stream().filter(run -> run.status() == RunStatus.FAILED).count();
    }
}
