package dev.cadre.temporal.internal;

import dev.cadre.api.Checkpoint;
import dev.cadre.api.Decision;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Usage;
import dev.cadre.orchestrator.driver.RunCore;
import dev.cadre.orchestrator.journal.JournalException;
import dev.cadre.orchestrator.journal.JournalStore;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.TemporalFailure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A Temporal run as a {@link RunHandle}: its events are its journal, tailed once for all subscribers (a late subscriber reads it from the start),
 * with streamed tokens from the store's live channel (never journaled, never in the history), its result the workflow's, checkpoints answered by the
 * {@code decide} update (which the workflow's validator refuses for a checkpoint it is not waiting on), cancel a
 * workflow cancellation.
 */
public final class TemporalRunHandle implements RunHandle {

    static final Duration POLL = Duration.ofMillis(25);

    private final String runId;
    private final WorkflowClient client;
    private final JournalStore store;
    private final Mono<RunResult> result;
    private final JournalTail tail;

    public TemporalRunHandle(String runId, WorkflowClient client, JournalStore store) {
        this.runId = runId;
        this.client = client;
        this.store = store;
        this.tail = new JournalTail(store, runId);
        WorkflowStub stub = client.newUntypedWorkflowStub(runId);
        this.result = Mono.fromFuture(() -> stub.getResultAsync(RunResult.class))
                .onErrorResume(e -> Mono.just(failed(e)))
                .cache();
    }

    /**
     * A workflow that was cancelled is reported cancelled by Temporal whatever it returned: the result is asked of the
     * workflow, else read from the journal, which ends with the run's last event all the same.
     */
    private RunResult failed(Throwable e) {
        try {
            RunResult kept = client.newWorkflowStub(CrewWorkflow.class, runId).result();
            if (kept != null) {
                return kept;
            }
        } catch (RuntimeException queryFailed) {
            // no worker to answer: the journal says how the run ended
        }
        List<RunEvent> journaled = read();
        if (!journaled.isEmpty() && journaled.get(journaled.size() - 1).isTerminal()) {
            return RunCore.resultOf(journaled);
        }
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof io.temporal.failure.ApplicationFailure)) {
            cause = cause.getCause();
        }
        String reason = cause instanceof TemporalFailure t ? t.getOriginalMessage() : String.valueOf(cause.getMessage());
        return new RunResult(runId, RunStatus.FAILED, null, Map.of(), Usage.ZERO, "The workflow of run '" + runId + "' failed: " + reason,
                Duration.ZERO, Map.of());
    }

    @Override
    public String runId() {
        return runId;
    }

    /**
     * One shared, incremental tail of the run's journal, however many subscribe ({@link JournalTail}), with the tokens
     * the model activity streams to the store's live channel placed before each call's journaled answer
     * ({@link LiveMerge}); a store without a live channel gives the journal alone.
     */
    @Override
    public Flux<RunEvent> events() {
        return store.liveTokens().map(live -> LiveMerge.events(runId, tail.events(), live.subscribe(runId))).orElseGet(tail::events);
    }

    private List<RunEvent> read() {
        try {
            return store.contains(runId) ? store.read(runId).events() : List.of();
        } catch (JournalException e) {
            return List.of();
        }
    }

    @Override
    public Mono<RunResult> result() {
        return result;
    }

    private boolean over() {
        return result.toFuture().isDone();
    }

    @Override
    public RunStatus status() {
        if (over()) {
            return result.block().status();
        }
        return pendingCheckpoints().isEmpty() ? RunStatus.RUNNING : RunStatus.WAITING_FOR_HUMAN;
    }

    @Override
    public List<Checkpoint> pendingCheckpoints() {
        if (over()) {
            return List.of();
        }
        return client.newWorkflowStub(CrewWorkflow.class, runId).pending();
    }

    /**
     * Sends the {@code decide} update. A run just started or resumed may not have reached its checkpoint yet although its
     * journal already shows it asked (a resumed run asks again from the journal): then the refusal is retried for a
     * bounded time ({@link #SETTLE}); any other refusal is final.
     */
    @Override
    public void resolve(String checkpointId, Decision decision) {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (true) {
            try {
                client.newWorkflowStub(CrewWorkflow.class, runId).decide(checkpointId, decision);
                return;
            } catch (WorkflowUpdateException e) {
                if (System.nanoTime() < deadline && !over() && askedAndOpen(checkpointId)) {
                    sleep();
                    continue;
                }
                Throwable cause = e.getCause();
                throw new IllegalArgumentException(cause instanceof TemporalFailure t ? t.getOriginalMessage() : e.getMessage(), e);
            } catch (RuntimeException e) {
                if (over()) {
                    throw new IllegalArgumentException("Run '" + runId + "' has no pending checkpoint '" + checkpointId + "': it has ended.", e);
                }
                throw e;
            }
        }
    }

    static final Duration SETTLE = Duration.ofSeconds(10);

    private boolean askedAndOpen(String checkpointId) {
        List<RunEvent> events = read();
        return events.stream().anyMatch(e -> e instanceof RunEvent.CheckpointRequested r && r.checkpoint().id().equals(checkpointId))
                && events.stream().noneMatch(e -> e instanceof RunEvent.CheckpointResolved r && r.checkpointId().equals(checkpointId));
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the run to reach its checkpoint.", e);
        }
    }

    @Override
    public void cancel() {
        if (!over()) {
            client.newUntypedWorkflowStub(runId).cancel();
        }
    }
}
