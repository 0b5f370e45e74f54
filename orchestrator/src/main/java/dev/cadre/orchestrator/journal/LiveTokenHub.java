package dev.cadre.orchestrator.journal;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * {@link LiveTokens} within one process: each chunk is handed to the subscribers of its run at once, nothing is kept.
 * The memory and local journal stores give one of these (a run's model calls and its handle then share the store object:
 * one process, or the Temporal driver's workers and handles made by one {@code TemporalCadre}); the PostgreSQL store
 * fans its notifications out through one, told when a run gets its first subscriber and loses its last.
 *
 * <p>Bounded: a run is known only while it has subscribers; each subscriber queues at most
 * {@link LiveTokens#MAX_QUEUED} chunks and drops the oldest beyond.
 */
public final class LiveTokenHub implements LiveTokens {

    private final Map<String, Set<FluxSink<Chunk>>> subscribers = new ConcurrentHashMap<>();
    private final Consumer<String> firstSubscribed;
    private final Consumer<String> lastLeft;

    /** A hub that only fans out. */
    public LiveTokenHub() {
        this(runId -> { }, runId -> { });
    }

    /** A hub that also says when {@code runId} gets its first subscriber, and when its last one leaves. */
    public LiveTokenHub(Consumer<String> firstSubscribed, Consumer<String> lastLeft) {
        this.firstSubscribed = firstSubscribed;
        this.lastLeft = lastLeft;
    }

    @Override
    public void publish(Chunk chunk) {
        Set<FluxSink<Chunk>> sinks = subscribers.get(chunk.runId());
        if (sinks != null) {
            for (Chunk part : LiveTokens.split(chunk, MAX_CHUNK_CHARS)) {
                sinks.forEach(sink -> sink.next(part));
            }
        }
    }

    @Override
    public Flux<Chunk> subscribe(String runId) {
        return Flux.<Chunk>create(sink -> {
            boolean[] first = new boolean[1];
            subscribers.compute(runId, (id, sinks) -> {
                first[0] = sinks == null;
                Set<FluxSink<Chunk>> set = sinks == null ? new CopyOnWriteArraySet<>() : sinks;
                set.add(sink);
                return set;
            });
            sink.onDispose(() -> leave(runId, sink));
            if (first[0]) {
                firstSubscribed.accept(runId);
            }
        }, FluxSink.OverflowStrategy.IGNORE).onBackpressureBuffer(MAX_QUEUED, dropped -> { }, BufferOverflowStrategy.DROP_OLDEST);
    }

    /** Whether {@code runId} has a subscriber now. */
    public boolean subscribed(String runId) {
        return subscribers.containsKey(runId);
    }

    private void leave(String runId, FluxSink<Chunk> sink) {
        boolean[] last = new boolean[1];
        subscribers.computeIfPresent(runId, (id, sinks) -> {
            sinks.remove(sink);
            last[0] = sinks.isEmpty();
            return last[0] ? null : sinks;
        });
        if (last[0]) {
            lastLeft.accept(runId);
        }
    }
}
