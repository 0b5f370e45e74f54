package dev.cadre.temporal.internal;

import dev.cadre.api.RunEvent;
import dev.cadre.orchestrator.journal.JournalException;
import dev.cadre.orchestrator.journal.JournalStore;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * One run's journal, tailed once however many subscribe: a single poller (started by the first subscriber, stopped
 * when the last one leaves or the run's last event is read) asks the store only for the events after the last one it
 * read ({@link JournalStore#read(String, long)}: a store that reads from a sequence number, as PostgreSQL's does, reads
 * nothing twice), polling every {@link #POLL} while events come and backing off to {@link #IDLE} while none do. Each
 * subscriber reads the journal once from the start, then takes the poller's events after the last it read.
 *
 * <p>Bounded: nothing is kept but the last sequence number; a subscriber that lags holds the poller back (ticks are
 * dropped, never events) within Reactor's small prefetch queues.
 */
final class JournalTail {

    static final Duration POLL = Duration.ofMillis(25);
    /** The longest pause between polls while the journal does not grow. */
    static final Duration IDLE = Duration.ofSeconds(1);

    private final JournalStore store;
    private final String runId;
    /** The sequence number of the last event the poller read; -1 before any. */
    private final AtomicLong last = new AtomicLong(-1);
    private final AtomicBoolean ended = new AtomicBoolean();
    private final Flux<RunEvent> live;

    JournalTail(JournalStore store, String runId) {
        this.store = store;
        this.runId = runId;
        this.live = Flux.defer(this::poller).share();
    }

    /** Every event of the run, from the first; completes with its last event (run_finished, run_failed, run_cancelled). */
    Flux<RunEvent> events() {
        // subscribed to the poller before the journal is read, so an event journaled meanwhile is in one or the other
        return live.publish(polled -> {
            AtomicLong seen = new AtomicLong(-1);
            return Flux.concat(read(0).doOnNext(e -> seen.set(e.seq())), polled.filter(e -> e.seq() > seen.get()));
        }).takeUntil(RunEvent::isTerminal);
    }

    private Flux<RunEvent> poller() {
        if (ended.get()) {
            return Flux.empty();   // its last event was read: a subscriber has it from the journal
        }
        AtomicLong due = new AtomicLong();
        AtomicLong idle = new AtomicLong();
        long maxIdleTicks = IDLE.toMillis() / POLL.toMillis();
        return Flux.interval(Duration.ZERO, POLL, Schedulers.boundedElastic()).onBackpressureDrop()
                .filter(tick -> tick >= due.get())
                .concatMap(tick -> read(last.get() + 1).collectList().doOnNext(batch -> {
                    long pause = batch.isEmpty() ? Math.min(maxIdleTicks, 1L << Math.min(idle.incrementAndGet(), 6)) : 1;
                    if (!batch.isEmpty()) {
                        idle.set(0);
                        last.set(batch.get(batch.size() - 1).seq());
                    }
                    due.set(tick + pause);
                }), 1)
                .concatMapIterable(batch -> batch)
                .takeUntil(RunEvent::isTerminal)
                .doOnNext(e -> {
                    if (e.isTerminal()) {
                        ended.set(true);
                    }
                });
    }

    /** The journaled events from {@code fromSeq} on; none while the journal is not there (or cannot be read yet). */
    private Flux<RunEvent> read(long fromSeq) {
        return Flux.defer(() -> store.contains(runId) ? store.read(runId, fromSeq) : Flux.<RunEvent>empty())
                .onErrorResume(JournalException.class, e -> Flux.empty());
    }
}
