package dev.cadre.orchestrator.internal;

import dev.cadre.api.Checkpoint;
import dev.cadre.api.Decision;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** The handle of a run: ends it exactly once, whichever of success, failure or cancel comes first. */
public final class DefaultRunHandle implements RunHandle {

    private final RunRecorder recorder;
    private final Instant started;
    private final Sinks.One<RunResult> result = Sinks.one();
    private final Disposable.Swap work = Disposables.swap();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final Map<String, String> outputs = new LinkedHashMap<>();
    private volatile RunStatus status = RunStatus.RUNNING;

    public DefaultRunHandle(RunRecorder recorder) {
        this.recorder = recorder;
        this.started = recorder.clock().instant();
    }

    /** Runs {@code pipeline}; its output ends the run as succeeded, its error as failed. */
    public void start(Mono<String> pipeline) {
        work.update(pipeline.subscribe(this::succeed, this::fail));
    }

    /** Records a finished step's output (kept even when the run later fails or is cancelled). */
    public synchronized void stepOutput(String stepPath, String output) {
        outputs.put(stepPath, output);
    }

    @Override
    public String runId() {
        return recorder.runId();
    }

    @Override
    public Flux<RunEvent> events() {
        return recorder.events();
    }

    @Override
    public Mono<RunResult> result() {
        return result.asMono();
    }

    @Override
    public RunStatus status() {
        return status;
    }

    @Override
    public List<Checkpoint> pendingCheckpoints() {
        return List.of();
    }

    @Override
    public void resolve(String checkpointId, Decision decision) {
        throw new IllegalArgumentException("Run '" + runId() + "' has no pending checkpoint '" + checkpointId + "'.");
    }

    @Override
    public void cancel() {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        work.dispose();
        end(RunStatus.CANCELLED, null, "Cancelled by the user.");
    }

    private void succeed(String output) {
        if (ended.compareAndSet(false, true)) {
            end(RunStatus.SUCCEEDED, output, null);
        }
    }

    private void fail(Throwable error) {
        if (ended.compareAndSet(false, true)) {
            end(RunStatus.FAILED, null, error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage());
        }
    }

    private void end(RunStatus finalStatus, String output, String reason) {
        var usage = recorder.usage();
        RunRecorder.EventFactory<RunEvent> last = switch (finalStatus) {
            case SUCCEEDED -> (id, seq, at) -> new RunEvent.RunFinished(id, "", seq, at, output, usage);
            case FAILED -> (id, seq, at) -> new RunEvent.RunFailed(id, "", seq, at, reason, usage);
            default -> (id, seq, at) -> new RunEvent.RunCancelled(id, "", seq, at, reason, usage);
        };
        try {
            recorder.emitFinal(last);
        } finally {
            Map<String, String> kept;
            synchronized (this) {
                kept = new LinkedHashMap<>(outputs);
            }
            status = finalStatus;
            Duration elapsed = Duration.between(started, recorder.clock().instant());
            result.emitValue(new RunResult(runId(), finalStatus, output, kept, usage, reason, elapsed),
                    Sinks.EmitFailureHandler.FAIL_FAST);
        }
    }
}
