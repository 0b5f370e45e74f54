package dev.cadre.orchestrator.internal;

import dev.cadre.api.Checkpoint;
import dev.cadre.api.Decision;
import dev.cadre.api.HumanGate;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.RunEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The checkpoints of one run. A checkpoint is journaled when it is requested and when it is decided; it is decided
 * by the gate, by {@link #resolve} (the RunHandle), or by its timeout, whichever comes first. Waiting holds no
 * thread. On resume, a recorded decision is reused and an undecided checkpoint waits again (its timeout still
 * counting from when it was first requested).
 */
public final class Checkpoints {

    private static final Logger log = LoggerFactory.getLogger(Checkpoints.class);

    private record Pending(Checkpoint checkpoint, Sinks.One<Decision> decision) {}

    private final RunRecorder recorder;
    private final HumanGate gate;
    private final Duration timeout;
    private final Decision onTimeout;
    private final Consumer<Boolean> waiting;
    private final Map<String, Pending> pending = new LinkedHashMap<>();

    public Checkpoints(RunRecorder recorder, HumanGate gate, Duration timeout, Decision onTimeout, Consumer<Boolean> waiting) {
        this.recorder = recorder;
        this.gate = gate;
        this.timeout = timeout;
        this.onTimeout = onTimeout;
        this.waiting = waiting;
    }

    /** Stops at a checkpoint until it is decided. */
    public Mono<Decision> request(String id, String path, Checkpoint.Kind kind, String question, String proposed,
                                  String agent, RiskLevel risk) {
        return Mono.defer(() -> {
            RecordedRun recorded = recorder.recorded();
            Optional<RunEvent.CheckpointRequested> earlier = recorded.checkpointRequested(id);
            Instant requestedAt = earlier.map(e -> e.checkpoint().requestedAt()).orElse(recorder.clock().instant());
            Checkpoint checkpoint = earlier.map(RunEvent.CheckpointRequested::checkpoint).orElseGet(() ->
                    recorder.redactor().redact(new Checkpoint(id, recorder.runId(), path, kind, question, proposed, requestedAt,
                            timeout, onTimeout, agent, risk)));
            Optional<RunEvent.CheckpointResolved> decided = recorded.checkpointResolved(id);
            if (decided.isPresent()) {
                recorder.emit((run, seq, at) -> new RunEvent.CheckpointRequested(run, path, seq, at, checkpoint));
                return Mono.just(decided.get().decision());
            }
            Sinks.One<Decision> human = Sinks.one();
            synchronized (this) {
                // registered before the event is published, so whoever sees the event can resolve it at once
                pending.put(id, new Pending(checkpoint, human));
                waiting.accept(true);
            }
            recorder.emit((run, seq, at) -> new RunEvent.CheckpointRequested(run, path, seq, at, checkpoint));
            Mono<Decision> byGate = Mono.defer(() -> gate.decide(checkpoint))
                    .onErrorResume(e -> {
                        log.warn("The human gate failed on checkpoint {} of run {}; waiting for a decision through the run handle",
                                id, recorder.runId(), e);
                        return Mono.empty();
                    });
            List<Mono<Decision>> sources = new ArrayList<>(List.of(byGate, human.asMono()));
            if (checkpoint.timeout() != null) {
                Duration left = checkpoint.timeout().minus(Duration.between(requestedAt, recorder.clock().instant()));
                Decision d = checkpoint.onTimeout();
                sources.add(Mono.delay(left.isNegative() ? Duration.ZERO : left)
                        .map(x -> new Decision(d.kind(), d.feedback(), d.editedOutput(), "timeout")));
            }
            return Mono.firstWithValue(sources)
                    .doOnNext(decision -> recorder.emit((run, seq, at) ->
                            new RunEvent.CheckpointResolved(run, path, seq, at, id, decision)))
                    .doFinally(signal -> {
                        synchronized (this) {
                            pending.remove(id);
                            waiting.accept(!pending.isEmpty());
                        }
                    });
        });
    }

    public synchronized List<Checkpoint> pending() {
        return pending.values().stream().map(Pending::checkpoint).toList();
    }

    /** Decides a pending checkpoint; fails naming the pending ones when there is no such checkpoint. */
    public void resolve(String id, Decision decision) {
        Pending p;
        synchronized (this) {
            p = pending.get(id);
        }
        if (p == null) {
            List<String> ids = pending().stream().map(Checkpoint::id).toList();
            throw new IllegalArgumentException("Run '" + recorder.runId() + "' has no pending checkpoint '" + id + "'; pending: "
                    + (ids.isEmpty() ? "none" : String.join(", ", ids)) + ".");
        }
        if (p.decision().tryEmitValue(decision).isFailure()) {
            throw new IllegalArgumentException("Checkpoint '" + id + "' of run '" + recorder.runId() + "' is already decided.");
        }
    }
}
