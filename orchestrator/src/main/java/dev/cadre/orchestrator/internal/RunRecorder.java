package dev.cadre.orchestrator.internal;

import dev.cadre.api.RunEvent;
import dev.cadre.api.Usage;
import dev.cadre.api.journal.JournalWriter;
import java.time.Clock;
import java.time.Instant;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * The one place a run's events are made: numbers them, journals each one, then publishes it to a replaying sink.
 * Emitting is serialised, so sequence numbers, journal order and publication order agree.
 */
public final class RunRecorder {

    /** Makes an event once its sequence number and timestamp are known. */
    @FunctionalInterface
    public interface EventFactory<T extends RunEvent> {
        T create(String runId, long seq, Instant timestamp);
    }

    private final String runId;
    private final JournalWriter journal;
    private final Clock clock;
    private final Sinks.Many<RunEvent> sink = Sinks.many().replay().all();
    private long seq;
    private boolean closed;
    private Usage usage = Usage.ZERO;

    public RunRecorder(String runId, JournalWriter journal, Clock clock) {
        this.runId = runId;
        this.journal = journal;
        this.clock = clock;
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
     * disposed work after a cancel are dropped, not recorded).
     */
    public synchronized <T extends RunEvent> T emit(EventFactory<T> factory) {
        if (closed) {
            return null;
        }
        T event = factory.create(runId, seq + 1, clock.instant());
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
                journal.close();
            } finally {
                sink.emitComplete(Sinks.EmitFailureHandler.FAIL_FAST);
            }
        }
        return event;
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    public synchronized void addUsage(Usage more) {
        usage = usage.plus(more);
    }

    public synchronized Usage usage() {
        return usage;
    }
}
