package dev.cadre.orchestrator.internal;

import dev.cadre.orchestrator.redaction.Redactor;
import dev.cadre.api.RunEvent;
import dev.cadre.orchestrator.journal.JournalStore;
import java.time.Clock;
import java.time.Instant;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;

/**
 * The one place a run's events are made: numbers them, journals each one, then publishes it to the run's subscribers.
 * Emitting is serialised, so sequence numbers, journal order and publication order agree. Every event is redacted
 * (secrets replaced by {@value Redactor#MASK}) before it is journaled or published.
 *
 * <p>The recorder keeps no list of the run's events: a subscriber is sent what the journal store holds up to the
 * moment it subscribed, then the events made after that, live. A finished run, or one waiting at a checkpoint, costs
 * memory only for its subscribers.
 */
public final class RunRecorder {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RunRecorder.class);

    /** Makes an event once its sequence number and timestamp are known. */
    @FunctionalInterface
    public interface EventFactory<T extends RunEvent> {
        T create(String runId, long seq, Instant timestamp);
    }

    private final String runId;
    private final JournalStore.Appender journal;
    private final Clock clock;
    private final RecordedRun recorded;
    private final Redactor redactor;
    private final JournalStore store;
    /** Copy-on-write: a subscriber that cancels while being sent an event removes itself. */
    private final List<Sinks.Many<RunEvent>> subscribers = new CopyOnWriteArrayList<>();
    /**
     * The live events since the last journaled one (the tokens of the answer being streamed), for subscribers that
     * arrive in the middle of it; cleared by the next journaled event, which holds the whole answer. At most
     * {@value #MAX_LIVE_TAIL}.
     */
    private final List<RunEvent> liveTail = new java.util.ArrayList<>();
    private static final int MAX_LIVE_TAIL = 4096;
    private long seq;
    /**
     * A new run's first event (run_started) until its second is made: the orchestrator's listeners subscribe right
     * after it, and are sent it from here rather than by reading the journal back from the store.
     */
    private RunEvent opening;
    private boolean closed;

    public RunRecorder(String runId, JournalStore store, JournalStore.Appender journal, Clock clock, Redactor redactor) {
        this(runId, store, journal, clock, RecordedRun.empty(), redactor);
    }

    /**
     * A recorder that continues a journal of {@code store} (its events are replayed to subscribers from there, so they
     * see the whole run), recognising the events the resumed run makes again so they are not journaled twice.
     * {@code journal} is {@code null} for a run that had already ended.
     */
    public RunRecorder(String runId, JournalStore store, JournalStore.Appender journal, Clock clock, RecordedRun recorded,
                       Redactor redactor) {
        this.runId = runId;
        this.store = store;
        this.redactor = redactor;
        this.journal = journal;
        this.clock = clock;
        this.recorded = recorded;
        this.seq = recorded.lastSeq();
    }

    public RecordedRun recorded() {
        return recorded;
    }

    /** What masks secrets in this run's events, tool results and outputs. */
    public Redactor redactor() {
        return redactor;
    }

    public String runId() {
        return runId;
    }

    public Clock clock() {
        return clock;
    }

    /**
     * The run's events from its start: those journaled when subscribed (read from the store), the tokens of an answer
     * being streamed, then live ones.
     */
    public Flux<RunEvent> events() {
        return Flux.defer(() -> {
            long upTo;
            Sinks.Many<RunEvent> live = null;
            List<RunEvent> tail;
            RunEvent first;
            synchronized (this) {
                upTo = seq;
                first = upTo == 1 ? opening : null;
                tail = List.copyOf(liveTail);
                if (!closed) {
                    live = Sinks.many().unicast().onBackpressureBuffer();
                    subscribers.add(live);
                }
            }
            Flux<RunEvent> journaled = first != null ? Flux.just(first) : journaled(upTo);
            if (live == null) {
                return journaled;
            }
            Sinks.Many<RunEvent> mine = live;
            return Flux.concat(journaled, Flux.fromIterable(tail), mine.asFlux()).doFinally(signal -> unsubscribe(mine));
        });
    }

    /** Events 1 to {@code upTo} from the store; read on a blocking thread when subscribed on a non-blocking one. */
    private Flux<RunEvent> journaled(long upTo) {
        if (upTo == 0) {
            return Flux.empty();
        }
        Flux<RunEvent> read = store.read(runId, 1).takeWhile(e -> e.seq() <= upTo);
        return Schedulers.isInNonBlockingThread() ? read.subscribeOn(Schedulers.boundedElastic()) : read;
    }

    private synchronized void unsubscribe(Sinks.Many<RunEvent> live) {
        subscribers.remove(live);
    }

    private void publish(RunEvent event) {
        for (Sinks.Many<RunEvent> live : subscribers) {
            live.tryEmitNext(event);
        }
    }

    private void completeSubscribers() {
        List<Sinks.Many<RunEvent>> all = List.copyOf(subscribers);
        subscribers.clear();
        for (Sinks.Many<RunEvent> live : all) {
            live.tryEmitComplete();
        }
    }

    /**
     * Journals and publishes an event. Returns {@code null} when the run has already ended (late signals of
     * disposed work after a cancel are dropped, not recorded). When a resumed run makes an event its journal
     * already holds, the recorded event is returned and nothing is written.
     */
    @SuppressWarnings("unchecked")
    public synchronized <T extends RunEvent> T emit(EventFactory<T> factory) {
        if (closed) {
            return null;
        }
        T event = (T) redactor.redact(factory.create(runId, seq + 1, clock.instant()));
        if (!recorded.isEmpty()) {
            RunEvent earlier = recorded.get(RecordedRun.key(event));
            if (earlier != null && earlier.getClass() == event.getClass()) {
                return (T) earlier;
            }
        }
        journal.append(event);
        seq++;
        opening = seq == 1 ? event : null;
        liveTail.clear();
        publish(event);
        return event;
    }

    /**
     * Publishes a live event without journaling it (a streamed token: the journal keeps the whole answer in the
     * model's response event). It carries the sequence number of the last journaled event and is seen only by those
     * subscribed when it is made. Dropped once the run has ended.
     */
    public synchronized void publishLive(EventFactory<? extends RunEvent> factory) {
        if (closed) {
            return;
        }
        RunEvent event = redactor.redact(factory.create(runId, seq, clock.instant()));
        if (liveTail.size() < MAX_LIVE_TAIL) {
            liveTail.add(event);
        }
        publish(event);
    }

    /** Emits the run's last event and closes the journal and the stream; later emits are dropped. */
    public synchronized <T extends RunEvent> T emitFinal(EventFactory<T> factory) {
        if (closed) {
            return null;
        }
        T event;
        try {
            event = emit(factory);
        } finally {
            closed = true;
            try {
                if (journal.changedSinceWritten()) {
                    log.error("Journal {} was replaced or changed on disk while run {} wrote it: what is there is not this"
                            + " run's record (cadre runs verify {} says where).", journal.location(), runId, runId);
                }
                journal.close();
            } finally {
                completeSubscribers();
            }
        }
        return event;
    }

    /** Ends the stream without an event (for a resumed run whose journal shows it had already ended). */
    public synchronized void complete() {
        if (!closed) {
            closed = true;
            if (journal != null) {
                journal.close();
            }
            completeSubscribers();
        }
    }

    public synchronized boolean isClosed() {
        return closed;
    }
}
