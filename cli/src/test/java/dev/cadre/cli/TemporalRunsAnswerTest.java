package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.Checkpoint;
import dev.cadre.api.Decision;
import dev.cadre.api.HumanGate;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * How {@code cadre run --temporal} answers a checkpoint its journal shows: when the worker that journaled it died before
 * reporting its workflow task, the workflow holds the checkpoint again only after Temporal's workflow task timeout (10 s)
 * and another worker's replay. The answer must wait for that, not give up (a run then waited for ever).
 */
class TemporalRunsAnswerTest {

    static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");
    static final Checkpoint CHECKPOINT = new Checkpoint("cp-1", "run-1", "fix/review", Checkpoint.Kind.REVIEW_AFTER, "Ship it?",
            "done", AT, null, null, "reviewer", null);

    /** A run whose journal shows {@link #CHECKPOINT} requested; the workflow holds it only from {@code pendingFrom} on. */
    static final class BetweenWorkers implements RunHandle {
        final Sinks.Many<RunEvent> journal = Sinks.many().replay().all();
        final Sinks.One<RunResult> result = Sinks.one();
        final AtomicLong pendingFrom;
        final List<Decision> sent = new CopyOnWriteArrayList<>();
        final java.util.concurrent.atomic.AtomicInteger subscriptions = new java.util.concurrent.atomic.AtomicInteger();

        BetweenWorkers(Duration notPendingFor) {
            pendingFrom = new AtomicLong(System.nanoTime() + notPendingFor.toNanos());
            journal.tryEmitNext(new RunEvent.CheckpointRequested("run-1", "fix/review", 7, AT, CHECKPOINT));
        }

        @Override public String runId() { return "run-1"; }
        @Override public Flux<RunEvent> events() { return journal.asFlux().doOnSubscribe(s -> subscriptions.incrementAndGet()); }
        @Override public Mono<RunResult> result() { return result.asMono(); }
        @Override public RunStatus status() { return RunStatus.RUNNING; }

        @Override
        public List<Checkpoint> pendingCheckpoints() {
            return System.nanoTime() >= pendingFrom.get() && sent.isEmpty() ? List.of(CHECKPOINT) : List.of();
        }

        @Override
        public void resolve(String checkpointId, Decision decision) {
            if (pendingCheckpoints().isEmpty()) {
                throw new IllegalArgumentException("Run 'run-1' has no pending checkpoint '" + checkpointId + "'; pending: none.");
            }
            sent.add(decision);
        }

        @Override public void cancel() { }
    }

    static Runs.Session yes() {
        return new Runs.Session(new RunView(new PrintStream(new ByteArrayOutputStream()), RunView.Mode.PLAIN), HumanGate.autoApprove(),
                true);
    }

    @Test
    void aCheckpointTheWorkflowHoldsOnlyAfterAnotherWorkerReplayedItIsAnsweredThen() throws Exception {
        BetweenWorkers run = new BetweenWorkers(Duration.ofSeconds(7)); // longer than the 5 s the answer used to wait
        Disposable answering = TemporalRuns.answer(run, yes());
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (run.sent.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(run.sent).hasSize(1);
            assertThat(run.sent.get(0).kind()).isEqualTo(Decision.Kind.APPROVE);
            assertThat(run.subscriptions).as("the run's events are tailed once, for asking and for resolutions alike").hasValue(1);
        } finally {
            answering.dispose();
        }
    }

    @Test
    void aCheckpointResolvedElsewhereMeanwhileIsNotAnswered() throws Exception {
        BetweenWorkers run = new BetweenWorkers(Duration.ofDays(1));
        Disposable answering = TemporalRuns.answer(run, yes());
        try {
            Thread.sleep(300);
            run.journal.tryEmitNext(new RunEvent.CheckpointResolved("run-1", "fix/review", 8, AT, "cp-1", Decision.approve("console")));
            run.pendingFrom.set(System.nanoTime()); // a stale query would still list it: the journal decides
            Thread.sleep(1_000);
            assertThat(run.sent).isEmpty();
        } finally {
            answering.dispose();
        }
    }
}
