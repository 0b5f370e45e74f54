package dev.cadre.spring;

import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunListener;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Micrometer metrics of every run the orchestrator starts or resumes: {@code cadre.runs.started},
 * {@code cadre.runs.ended} (tag {@code status}), {@code cadre.steps.finished}, {@code cadre.model.calls} (tag
 * {@code model}), {@code cadre.tokens} (tag {@code type}: input or output), {@code cadre.checkpoints.requested} (tag
 * {@code kind}) and the gauge {@code cadre.checkpoints.pending}.
 */
public final class CadreMetrics implements RunListener {

    private final MeterRegistry registry;

    public CadreMetrics(MeterRegistry registry, CadreRuns runs) {
        this.registry = registry;
        Gauge.builder("cadre.checkpoints.pending", runs, r -> r.pendingCheckpoints().size())
                .description("Checkpoints the recent runs wait on").register(registry);
    }

    @Override
    public void runStarted(RunHandle run) {
        registry.counter("cadre.runs.started").increment();
        run.events().subscribe(this::count, error -> { });
    }

    private void count(RunEvent event) {
        if (event instanceof RunEvent.RunFinished) {
            registry.counter("cadre.runs.ended", "status", "succeeded").increment();
        } else if (event instanceof RunEvent.RunFailed) {
            registry.counter("cadre.runs.ended", "status", "failed").increment();
        } else if (event instanceof RunEvent.RunCancelled) {
            registry.counter("cadre.runs.ended", "status", "cancelled").increment();
        } else if (event instanceof RunEvent.StepFinished) {
            registry.counter("cadre.steps.finished").increment();
        } else if (event instanceof RunEvent.ModelResponded m) {
            registry.counter("cadre.model.calls", "model", String.valueOf(m.model())).increment();
            if (m.usage() != null) {
                registry.counter("cadre.tokens", "type", "input").increment(m.usage().inputTokens());
                registry.counter("cadre.tokens", "type", "output").increment(m.usage().outputTokens());
            }
        } else if (event instanceof RunEvent.CheckpointRequested c) {
            registry.counter("cadre.checkpoints.requested", "kind", c.checkpoint().kind().name()).increment();
        }
    }
}
