package dev.cadre.opentelemetry.internal;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleCounter;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The instruments of Cadre's metrics, made once per listener. Durations in seconds, as OpenTelemetry advises. */
public final class CadreMetrics {

    /** The buckets the GenAI conventions advise for {@code gen_ai.client.operation.duration}, longer for steps and runs. */
    private static final List<Double> CALL_SECONDS = List.of(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12,
            10.24, 20.48, 40.96, 81.92);
    private static final List<Double> STEP_SECONDS = List.of(0.01, 0.04, 0.16, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96,
            81.92, 163.84, 327.68, 655.36, 1310.72, 2621.44);
    /** A checkpoint waits for a human: from a second to a week. */
    private static final List<Double> WAIT_SECONDS = List.of(1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0, 14400.0, 86400.0, 604800.0);
    /** The buckets the GenAI conventions advise for {@code gen_ai.client.token.usage}. */
    private static final List<Long> TOKENS = List.of(1L, 4L, 16L, 64L, 256L, 1024L, 4096L, 16384L, 65536L, 262144L,
            1048576L, 4194304L, 16777216L, 67108864L);

    final LongCounter runs;
    final DoubleHistogram runDuration;
    final DoubleHistogram stepDuration;
    final DoubleHistogram modelDuration;
    final LongHistogram tokenUsage;
    final LongCounter tokens;
    final DoubleCounter cost;
    final DoubleHistogram checkpointWait;
    final LongCounter toolCalls;
    final DoubleHistogram toolDuration;

    public CadreMetrics(Meter meter) {
        runs = meter.counterBuilder("cadre.runs").setUnit("{run}")
                .setDescription("Runs ended, by crew and status (succeeded, failed, cancelled).").build();
        runDuration = seconds(meter, "cadre.run.duration", "How long runs took, from start to end.", STEP_SECONDS);
        stepDuration = seconds(meter, "cadre.step.duration", "How long steps took, by kind, agent and status.", STEP_SECONDS);
        modelDuration = seconds(meter, "gen_ai.client.operation.duration", "How long model calls took.", CALL_SECONDS);
        tokenUsage = meter.histogramBuilder("gen_ai.client.token.usage").ofLongs().setUnit("{token}")
                .setDescription("Tokens used per model call, by token type.").setExplicitBucketBoundariesAdvice(TOKENS).build();
        tokens = meter.counterBuilder("cadre.tokens").setUnit("{token}")
                .setDescription("Tokens used, by model, agent and token type (input, output).").build();
        cost = meter.counterBuilder("cadre.cost").ofDoubles().setUnit("{cost}")
                .setDescription("Money spent on model calls, in the currency of the configured price table.").build();
        checkpointWait = seconds(meter, "cadre.checkpoint.wait.duration", "How long runs waited at checkpoints, by kind and decision.",
                WAIT_SECONDS);
        toolCalls = meter.counterBuilder("cadre.tool.calls").setUnit("{call}")
                .setDescription("Tool calls, by tool and outcome (ok, error, interrupted).").build();
        toolDuration = seconds(meter, "cadre.tool.duration", "How long tool calls took.", CALL_SECONDS);
    }

    private static DoubleHistogram seconds(Meter meter, String name, String description, List<Double> buckets) {
        return meter.histogramBuilder(name).setUnit("s").setDescription(description).setExplicitBucketBoundariesAdvice(buckets).build();
    }

    static double seconds(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toNanos() / 1e9);
    }

    static Attributes with(Attributes base, Attributes more) {
        return base.toBuilder().putAll(more).build();
    }
}
