package dev.cadre.orchestrator.journal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import reactor.core.publisher.Flux;

/**
 * A live side channel for streamed tokens, beside a {@link JournalStore} ({@link JournalStore#liveTokens()}): a driver
 * whose model calls run elsewhere (the Temporal driver's model activity, on a worker) publishes each piece of a streamed
 * answer here, and the run's handle (in the client's process, the console's) subscribes. Nothing is kept: a chunk goes
 * to those subscribed when it is published, never to the journal (which keeps the whole answer in its
 * {@code model_responded} event) nor to a workflow's history. A subscriber that joins late or misses chunks still gets
 * the whole answer from the journal.
 *
 * <p>Bounded: a chunk's text is at most {@link #MAX_CHUNK_CHARS} characters (longer text is published as several
 * chunks, {@link #split}); each subscriber queues at most {@link #MAX_QUEUED} chunks and drops the oldest when it
 * lags. Publishing never blocks on a subscriber and never fails the call that streams: a chunk that cannot be sent is
 * dropped.
 */
public interface LiveTokens {

    /** The most characters of text one chunk carries (a PostgreSQL NOTIFY payload is under 8000 bytes). */
    int MAX_CHUNK_CHARS = 1000;

    /** The most chunks a subscriber that lags holds; beyond it the oldest is dropped. */
    int MAX_QUEUED = 1024;

    /**
     * A piece of a streamed answer: the run, the model call's step path, agent and turn (what its journaled
     * {@code model_requested} and {@code model_responded} carry), its text and when it came.
     */
    record Chunk(String runId, String stepPath, String agent, int turn, String text, Instant at) {
        public Chunk {
            Objects.requireNonNull(runId, "runId");
            Objects.requireNonNull(text, "text");
        }
    }

    /** Sends {@code chunk} to the subscribers of its run (at most {@link #MAX_CHUNK_CHARS}: use {@link #split} first). */
    void publish(Chunk chunk);

    /**
     * The chunks of {@code runId} published from now on, until cancelled; at most {@link #MAX_QUEUED} waiting, the
     * oldest dropped beyond. It never completes by itself: take it until the run's journal ends.
     */
    Flux<Chunk> subscribe(String runId);

    /** {@code chunk} as chunks of at most {@code maxChars} characters each, never splitting a surrogate pair. */
    static List<Chunk> split(Chunk chunk, int maxChars) {
        if (maxChars < 2) {
            throw new IllegalArgumentException("A live token chunk of " + maxChars + " characters is too small: give at least 2.");
        }
        String text = chunk.text();
        if (text.length() <= maxChars) {
            return List.of(chunk);
        }
        List<Chunk> parts = new ArrayList<>();
        int from = 0;
        while (from < text.length()) {
            int to = Math.min(text.length(), from + maxChars);
            if (to < text.length() && Character.isHighSurrogate(text.charAt(to - 1))) {
                to--;
            }
            parts.add(new Chunk(chunk.runId(), chunk.stepPath(), chunk.agent(), chunk.turn(), text.substring(from, to), chunk.at()));
            from = to;
        }
        return parts;
    }
}
