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

    /**
     * Where this store keeps runs' payloads beside their journals (what a driver keeps out of its own history and
     * passes by reference: the Temporal driver's chat requests and large tool results), or empty when it keeps none.
     * The local stores keep them as files in their runs directory, a PostgreSQL store in a table of its schema; either
     * way a run's payloads go with the run when it is removed.
     */
    default java.util.Optional<Payloads> payloads() {
        return java.util.Optional.empty();
    }

    /**
     * The live side channel for streamed tokens beside this store ({@link LiveTokens}), or empty when it has none: a
     * driver whose model calls run in another process (the Temporal driver's workers) publishes tokens here, a run's
     * handle subscribes. Nothing it carries is journaled. The memory and local stores fan out within their process (one
     * store object shared by publisher and subscriber); the PostgreSQL store crosses processes and machines.
     */
    default java.util.Optional<LiveTokens> liveTokens() {
        return java.util.Optional.empty();
    }

    /** Releases the store's threads and files; appending afterwards fails. */
    @Override
    void close();

    /**
     * A run's payloads: content named by its SHA-256 (so keeping it twice is harmless), readable only by the run that
     * kept it, refused when what is stored no longer has its hash, and at most {@link #MAX_BYTES} each. Safe to use from
     * many threads and processes.
     */
    interface Payloads {

        /**
         * The largest payload, in bytes (32 MiB): far more than any model's context window takes (a million tokens is
         * about 4 MB of text), so a larger one could never be sent; it bounds what a worker holds for one payload, and it
         * is far below PostgreSQL's 1 GB limit on one value (a {@code bytea} read as text is twice its size).
         */
        int MAX_BYTES = 32 * 1024 * 1024;

        /**
         * Keeps {@code content} for run {@code runId}; returns its SHA-256 (64 lowercase hex digits). Content over
         * {@link #MAX_BYTES} is an {@link IllegalArgumentException} saying so; a store that cannot keep it, a
         * {@link JournalException} naming where.
         */
        String put(String runId, byte[] content);

        /**
         * The content {@code sha256} names among {@code runId}'s payloads, or empty when it has none of that name; content
         * that no longer has that hash is a {@link JournalException} saying it was changed.
         */
        java.util.Optional<byte[]> get(String runId, String sha256);

        /** Removes every payload of {@code runId} (its run was removed); returns how many went. */
        int remove(String runId);

        /** Where the payload {@code sha256} of {@code runId} is (or would be), for messages. */
        String location(String runId, String sha256);

        /** The SHA-256 of {@code content}, as 64 lowercase hex digits: a payload's name. */
        static String sha256(byte[] content) {
            try {
                return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(content));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("This JVM has no SHA-256", e);
            }
        }

        /** {@code content}, when it is at most {@link #MAX_BYTES}; else the one-sentence error {@link #put} throws. */
        static byte[] requireSize(String runId, byte[] content) {
            if (content.length > MAX_BYTES) {
                throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "A payload of run '%s' is %.1f MiB, over the"
                        + " %d MiB a payload may be (more than any model takes in one request).", runId,
                        content.length / (1024.0 * 1024), MAX_BYTES / (1024 * 1024)));
            }
            return content;
        }
    }

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
