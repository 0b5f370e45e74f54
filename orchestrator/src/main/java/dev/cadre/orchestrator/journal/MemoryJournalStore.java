package dev.cadre.orchestrator.journal;

import dev.cadre.api.RunEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A {@link JournalStore} in memory, for tests and benchmarks: nothing survives the process, and events are kept as
 * objects (no encoding, no MACs: there is no file anyone could change). Its journals are always intact.
 */
public final class MemoryJournalStore implements JournalStore {

    private final LiveTokenHub liveTokens = new LiveTokenHub();

    private final ConcurrentMap<String, List<RunEvent>> runs = new ConcurrentHashMap<>();

    @Override
    public Appender open(String runId) {
        List<RunEvent> events = runs.computeIfAbsent(runId, id -> new ArrayList<>());
        return new Appender() {
            @Override
            public void append(RunEvent event) {
                synchronized (events) {
                    events.add(event);
                }
            }

            @Override
            public String location() {
                return MemoryJournalStore.this.location(runId);
            }

            @Override
            public void close() {
                // nothing to release
            }
        };
    }

    @Override
    public boolean contains(String runId) {
        return runs.containsKey(runId);
    }

    @Override
    public StoredJournal read(String runId) {
        List<RunEvent> events = runs.get(runId);
        if (events == null) {
            throw new JournalException("There is no journal of run '" + runId + "' in this in-memory store.");
        }
        synchronized (events) {
            return new StoredJournal(runId, location(runId), events, false, JournalIntegrity.INTACT);
        }
    }

    @Override
    public List<String> runIds() {
        return List.copyOf(runs.keySet());
    }

    @Override
    public String location(String runId) {
        return "memory:" + runId;
    }

    /** Streamed tokens within this process: those who publish and subscribe share this store object ({@link LiveTokenHub}). */
    @Override
    public java.util.Optional<LiveTokens> liveTokens() {
        return java.util.Optional.of(liveTokens);
    }

    @Override
    public void close() {
        runs.clear();
    }
}
