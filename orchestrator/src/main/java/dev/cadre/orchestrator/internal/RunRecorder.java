package dev.cadre.orchestrator.internal;

import dev.cadre.orchestrator.redaction.Redactor;
import dev.cadre.api.RunEvent;
import dev.cadre.orchestrator.journal.JournalStore;
import java.time.Clock;
import java.time.Instant;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * The one place a run's events are made: numbers them, journals each one, then publishes it to a replaying sink.
 * Emitting is serialised, so sequence numbers, journal order and publication order agree. Every event is redacted
 * (secrets replaced by {@value Redactor#MASK}) before it is journaled or published.
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
    private final Sinks.Many<RunEvent> sink = Sinks.many().replay().all();
    private long seq;
    private boolean closed;

    public RunRecorder(String runId, JournalStore.Appender journal, Clock clock) {
        this(runId, journal, clock, RecordedRun.empty(), Redactor.none());
    }

    public RunRecorder(String runId, JournalStore.Appender journal, Clock clock, Redactor redactor) {
        this(runId, journal, clock, RecordedRun.empty(), redactor);
    }

    /**
     * A recorder that continues a journal: the recorded events are published first (subscribers see the whole
     * run), and events the resumed run makes again are recognised and not journaled twice.
     */
    public RunRecorder(String runId, JournalStore.Appender journal, Clock clock, RecordedRun recorded, Redactor redactor) {
        this.runId = runId;
        this.redactor = redactor;
        this.journal = journal;
        this.clock = clock;
        this.recorded = recorded;
        for (RunEvent event : recorded.events()) {
            sink.emitNext(event, Sinks.EmitFailureHandler.FAIL_FAST);
        }
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

    public Flux<RunEvent> events() {
        return sink.asFlux();
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
        RunEvent earlier = recorded.get(RecordedRun.key(event));
        if (earlier != null && earlier.getClass() == event.getClass()) {
            return (T) earlier;
        }
        journal.append(event);
        seq++;
        sink.emitNext(event, Sinks.EmitFailureHandler.FAIL_FAST);
        return event;
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
                sink.emitComplete(Sinks.EmitFailureHandler.FAIL_FAST);
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
            sink.emitComplete(Sinks.EmitFailureHandler.FAIL_FAST);
        }
    }

    public synchronized boolean isClosed() {
        return closed;
    }
}
