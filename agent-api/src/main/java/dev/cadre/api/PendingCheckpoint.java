package dev.cadre.api;

import java.time.Duration;
import java.util.Objects;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A checkpoint a run is waiting on, with the answers at hand: {@link #approve()}, {@link #reject(String)},
 * {@link #edit(String)} or {@link #abort(String)}. Each answers through {@link RunHandle#resolve}, as the person (or
 * program) named by {@code decidedBy}; the no-argument forms decide as {@value #DEFAULT_DECIDER}.
 *
 * @param run        the waiting run
 * @param checkpoint what it waits on
 */
public record PendingCheckpoint(RunHandle run, Checkpoint checkpoint) {

    /** Who decides when no name is given. */
    public static final String DEFAULT_DECIDER = "java";

    private static final Duration POLL = Duration.ofMillis(10);

    public PendingCheckpoint {
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(checkpoint, "checkpoint");
    }

    public String id() { return checkpoint.id(); }
    public Checkpoint.Kind kind() { return checkpoint.kind(); }
    public String question() { return checkpoint.question(); }
    /** The output under review or the tool call awaiting approval, or {@code null}. */
    public String proposedOutput() { return checkpoint.proposedOutput(); }

    public void approve() { approve(DEFAULT_DECIDER); }
    public void approve(String decidedBy) { run.resolve(id(), Decision.approve(decidedBy)); }
    /** Rejects with {@code feedback}: the step is redone with it in its context. */
    public void reject(String feedback) { run.resolve(id(), Decision.reject(feedback, DEFAULT_DECIDER)); }
    /** Uses {@code editedOutput} instead of the proposed output. */
    public void edit(String editedOutput) { run.resolve(id(), Decision.edit(editedOutput, DEFAULT_DECIDER)); }
    public void abort(String reason) { run.resolve(id(), Decision.abort(reason, DEFAULT_DECIDER)); }
    /** Answers with any decision. Answering a checkpoint someone else answered first throws {@link IllegalArgumentException}. */
    public void decide(Decision decision) { run.resolve(id(), decision); }

    /**
     * The checkpoints {@code run} waits on, from the first: each requested checkpoint once it is pending (a gate
     * that decides it at once, or an earlier answer, leaves it out). Completes when the run ends.
     */
    static Flux<PendingCheckpoint> of(RunHandle run) {
        return run.events().ofType(RunEvent.CheckpointRequested.class)
                .flatMap(requested -> whenPending(run, requested.checkpoint()));
    }

    private static Mono<PendingCheckpoint> whenPending(RunHandle run, Checkpoint checkpoint) {
        // The event is published before the driver holds the checkpoint: wait (without a thread) until it does,
        // or until the checkpoint is resolved or the run ends, whichever comes first. Seen pending twice, a POLL
        // apart, so that a gate that decides at once (auto-approve) is not taken for a wait.
        Mono<PendingCheckpoint> pending = Flux.interval(Duration.ZERO, POLL)
                .filter(tick -> run.pendingCheckpoints().stream().anyMatch(c -> c.id().equals(checkpoint.id())))
                .skip(1)
                .next()
                .map(tick -> new PendingCheckpoint(run, checkpoint));
        Mono<PendingCheckpoint> settled = run.events()
                .filter(e -> e instanceof RunEvent.CheckpointResolved r && r.checkpointId().equals(checkpoint.id()))
                .next()
                .then(Mono.empty());
        return Mono.firstWithSignal(pending, settled);
    }
}
