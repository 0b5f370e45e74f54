package dev.cadre.orchestrator.journal;

import dev.cadre.api.RunEvent;
import java.util.List;
import reactor.core.publisher.Flux;

/**
 * Where runs' journals are kept: one append-only log of events per run, each event appended before it is published.
 * Everything that reads a journal reads it here: resume and fork, {@code cadre replay} and {@code cadre runs}, the
 * console, MCP resources, and a run's own subscribers once its events are no longer in memory.
 *
 * <p>Cadre has three: {@link LocalJournalStore} (the default: shared append-only segment files, see docs/journal.md),
 * {@link MemoryJournalStore} (for tests and benchmarks) and, for old journals, the per-run files that
 * {@link JournalReader} reads. A store must be safe to use from many threads; one run is appended by one
 * {@link Appender} at a time.
 */
public interface JournalStore extends AutoCloseable {

    /**
     * Opens the journal of {@code runId} for appending: a new one, or the one the store holds (a resumed run), whose
     * chain the appender continues. A journal that was changed is refused with a {@link JournalChangedException}.
     */
    Appender open(String runId);

    /**
     * Opens the journal of a run the caller knows is new (a run id it has just made up, unique by construction): as
     * {@link #open}, but the store need not look for a journal of that id first (the local store then reads no other
     * process's segments when a run starts).
     */
    default Appender create(String runId) {
        return open(runId);
    }

    /** Whether the store holds a journal of {@code runId}. */
    boolean contains(String runId);

    /**
     * The journal of {@code runId}: its events in order and what checking its chain found. A journal the store does
     * not hold is a {@link JournalException} naming the run and the store.
     */
    StoredJournal read(String runId);

    /** The events of {@code runId} from sequence number {@code fromSeq} on, as the store holds them when subscribed. */
    default Flux<RunEvent> read(String runId, long fromSeq) {
        return Flux.defer(() -> Flux.fromIterable(read(runId).events())).filter(e -> e.seq() >= fromSeq);
    }

    /** The ids of the runs the store holds, in no particular order. */
    List<String> runIds();

    /**
     * Writes the journal of {@code runId} to {@code out} as JSON Lines ({@code cadre runs export}, MCP's journal
     * resources): a store that keeps authenticated lines writes them as kept, MACs included (a file
     * {@link JournalReader} verifies under the store's key); this default, for stores that keep none, writes each event's
     * JSON, which reads back as unverified. A journal the store does not hold is a {@link JournalException}.
     */
    default void export(String runId, java.io.OutputStream out) throws java.io.IOException {
        com.fasterxml.jackson.databind.ObjectMapper mapper = dev.cadre.api.CadreJson.mapper();
        for (RunEvent event : read(runId).events()) {
            out.write(mapper.writeValueAsBytes(event));
            out.write('\n');
        }
        out.flush();
    }

    /** Where the journal of {@code runId} is, for messages: a path, or a URI such as {@code memory:<runId>}. */
    String location(String runId);

    /** Releases the store's threads and files; appending afterwards fails. */
    @Override
    void close();

    /** Appends one run's events; {@link #append} returns once the event is as durable as the store promises. */
    interface Appender extends AutoCloseable {

        /** Appends {@code event}: it is in the store (and, under {@link Durability#FSYNC}, on disk) on return. */
        void append(RunEvent event);

        /**
         * Whether what the store holds for this run is no longer what this appender wrote (another file put in its
         * place, a truncation); checked when the run ends, to warn that its record is not this run's.
         */
        default boolean changedSinceWritten() {
            return false;
        }

        /** Where this run's journal is, for messages. */
        String location();

        /** Ends appending; the journal stays in the store. */
        @Override
        void close();
    }
}
