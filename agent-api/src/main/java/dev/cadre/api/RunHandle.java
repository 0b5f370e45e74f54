package dev.cadre.api;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** A run in progress: watch it, wait for it, answer its checkpoints, or cancel it. */
public interface RunHandle {

    String runId();

    /**
     * Every event of the run, from the first: a late subscriber gets the whole history, then live events. Never
     * drops events; completes when the run ends.
     */
    Flux<RunEvent> events();

    /** Completes when the run ends, whatever the outcome; it never errors. */
    Mono<RunResult> result();

    RunStatus status();

    /** Checkpoints the run is waiting on now. */
    List<Checkpoint> pendingCheckpoints();

    /** Answers a pending checkpoint; throws {@link IllegalArgumentException} when the run has no such checkpoint. */
    void resolve(String checkpointId, Decision decision);

    /** Stops the run: in-flight model and tool calls are disposed and no step starts afterwards. */
    void cancel();

    /**
     * The checkpoints this run waits on, as they come, each with {@code approve()}, {@code reject(feedback)},
     * {@code edit(output)} and {@code abort(reason)}; completes when the run ends. In a script:
     * {@code for (PendingCheckpoint c : run.checkpoints().toIterable()) c.approve();}
     */
    default Flux<PendingCheckpoint> checkpoints() {
        return PendingCheckpoint.of(this);
    }

    /**
     * Blocks until the run waits on a checkpoint (returned) or ends (empty), at most {@code timeout}; for scripts and
     * tests, never on a Reactor thread. Throws {@link IllegalStateException} when neither happens in time.
     */
    default Optional<PendingCheckpoint> nextCheckpoint(Duration timeout) {
        try {
            return checkpoints().next().blockOptional(timeout);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("Run '" + runId() + "' neither waited on a checkpoint nor ended within " + timeout + ".", e);
        }
    }

    /**
     * Blocks until the run ends, at most {@code timeout}, and returns how it ended; for scripts and tests, never on a
     * Reactor thread. When it does not end in time it throws an {@link IllegalStateException} that says what the
     * run waits on, if anything (so a run waiting on a human never hangs a script silently).
     */
    default RunResult await(Duration timeout) {
        try {
            return result().block(timeout);
        } catch (IllegalStateException e) {
            List<Checkpoint> waiting = pendingCheckpoints();
            String why = waiting.isEmpty() ? "it is " + status()
                    : "it is waiting on " + waiting.stream().map(c -> "checkpoint '" + c.id() + "' (" + c.question() + ")")
                            .collect(Collectors.joining(", ")) + ": answer with checkpoints() or resolve(id, decision)";
            throw new IllegalStateException("Run '" + runId() + "' did not end within " + timeout + "; " + why + ".", e);
        }
    }

    /** Convenience: the events as a list, once the run has ended. */
    default Mono<List<RunEvent>> eventList() {
        return Flux.from(events()).collectList();
    }
}
