package dev.cadre.orchestrator.internal;

import dev.cadre.api.Checkpoint;
import dev.cadre.api.Decision;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Usage;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The handle of a run: ends it exactly once, whichever of success, failure, abort or cancel comes first. Its driver
 * ({@link Driven}) runs the work, holds the pending checkpoints and is told to stop on cancel.
 */
public final class DefaultRunHandle implements RunHandle {

    /** What the handle asks of the driver that runs the run. */
    public interface Driven {
        List<Checkpoint> pending();

        /** Decides a pending checkpoint; fails naming the pending ones when there is no such checkpoint. */
        void resolve(String checkpointId, Decision decision);

        /** Stops every call in flight; the run's end is journaled by the handle. */
        void stop();

        /** The run's usage so far. */
        Usage usage();
    }

    private final RunRecorder recorder;
    private final Instant started;
    private final Sinks.One<RunResult> result = Sinks.one();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final Map<String, String> outputs = new LinkedHashMap<>();
    private final Map<String, String> outcomes = new LinkedHashMap<>();
    private volatile Driven driver;
    private volatile RunStatus status = RunStatus.RUNNING;

    public DefaultRunHandle(RunRecorder recorder, Instant started) {
        this.recorder = recorder;
        this.started = started;
    }

    public void driver(Driven driven) {
        this.driver = driven;
    }

    /** Called by the driver when the run starts or stops waiting on a human. */
    public void waiting(boolean waiting) {
        if (!ended.get()) {
            status = waiting ? RunStatus.WAITING_FOR_HUMAN : RunStatus.RUNNING;
        }
    }

    /** Records a finished step's output (kept even when the run later fails or is cancelled). */
    public synchronized void stepOutput(String stepPath, String output, String outcome) {
        outputs.put(stepPath, output);
        if (outcome != null) {
            outcomes.put(stepPath, outcome);
        }
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
        Driven d = driver;
        return d == null || ended.get() ? List.of() : d.pending();
    }

    @Override
    public void resolve(String checkpointId, Decision decision) {
        Driven d = driver;
        if (d == null || ended.get()) {
            throw new IllegalArgumentException("Run '" + runId() + "' has no pending checkpoint '" + checkpointId + "'.");
        }
        d.resolve(checkpointId, decision);
    }

    @Override
    public void cancel() {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        Driven d = driver;
        if (d != null) {
            d.stop();
        }
        end(RunStatus.CANCELLED, null, "Cancelled by the user.", d == null ? Usage.ZERO : d.usage());
    }

    /** Ends the run as its driver says (a no-op once it has ended). */
    public void finish(RunStatus finalStatus, String output, String reason, Usage usage) {
        if (ended.compareAndSet(false, true)) {
            end(finalStatus, output, reason, usage);
        }
    }

    private void end(RunStatus finalStatus, String rawOutput, String rawReason, Usage usage) {
        String output = recorder.redactor().redact(rawOutput);
        String reason = recorder.redactor().redact(rawReason);
        RunRecorder.EventFactory<RunEvent> last = switch (finalStatus) {
            case SUCCEEDED -> (id, seq, at) -> new RunEvent.RunFinished(id, "", seq, at, output, usage);
            case FAILED -> (id, seq, at) -> new RunEvent.RunFailed(id, "", seq, at, reason, usage);
            default -> (id, seq, at) -> new RunEvent.RunCancelled(id, "", seq, at, reason, usage);
        };
        try {
            recorder.emitFinal(last);
        } finally {
            Map<String, String> keptOutputs;
            Map<String, String> keptOutcomes;
            synchronized (this) {
                keptOutputs = new LinkedHashMap<>(outputs);
                keptOutcomes = new LinkedHashMap<>(outcomes);
            }
            keptOutputs.replaceAll((name, text) -> recorder.redactor().redact(text));
            status = finalStatus;
            Duration elapsed = Duration.between(started, recorder.clock().instant());
            result.emitValue(new RunResult(runId(), finalStatus, output, keptOutputs, usage, reason, elapsed, keptOutcomes),
                    Sinks.EmitFailureHandler.FAIL_FAST);
        }
    }

    /** A handle for a run that had already ended when it was resumed: its journal says how. */
    public static RunHandle ended(RunRecorder recorder, RunResult result) {
        DefaultRunHandle handle = new DefaultRunHandle(recorder, Instant.EPOCH);
        handle.ended.set(true);
        handle.status = result.status();
        handle.result.emitValue(result, Sinks.EmitFailureHandler.FAIL_FAST);
        return handle;
    }
}
