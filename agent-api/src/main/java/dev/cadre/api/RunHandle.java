package dev.cadre.api;

import java.util.List;
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

    /** Convenience: the events as a list, once the run has ended. */
    default Mono<List<RunEvent>> eventList() {
        return Flux.from(events()).collectList();
    }
}
