package dev.cadre.opentelemetry;

import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunListener;
import dev.cadre.api.ToolContext;
import dev.cadre.opentelemetry.internal.CadreMetrics;
import dev.cadre.opentelemetry.internal.RunTrace;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Traces and metrics of every run an orchestrator starts or resumes, through the OpenTelemetry API: a span for the
 * run, each step, each model call and each tool call (GenAI semantic conventions), checkpoint waits as spans, and
 * counters and histograms of runs, steps, model calls, tokens, cost, tool calls and checkpoint waits. Every span
 * carries {@code cadre.run_id}.
 *
 * <pre>{@code
 * OpenTelemetry otel = ...; // your SDK, e.g. AutoConfiguredOpenTelemetrySdk.initialize().getOpenTelemetrySdk()
 * Orchestrator orchestrator = Orchestrator.builder()
 *     .models(models)
 *     .listener(OpenTelemetryListener.of(otel))
 *     .build();
 * }</pre>
 *
 * <p>Parent and child spans follow the run's structure (run, step, nested step, model or tool call), taken from the
 * events' step paths, never from the thread an event is published on, so they hold whatever Reactor thread runs a
 * step. Span times are the events' timestamps. A run started while a span is current (say, an HTTP request's) becomes
 * its child. Tools and model clients can find the span they run under with {@link #context(ToolContext)} and
 * {@link #context(String, String)}.
 *
 * <p>The listener never blocks and never fails a run: an error in it is logged and the run goes on.
 */
public final class OpenTelemetryListener implements RunListener {

    /** The instrumentation scope name of Cadre's tracer and meter. */
    public static final String INSTRUMENTATION_NAME = "dev.cadre.opentelemetry";

    private static final Logger log = LoggerFactory.getLogger(OpenTelemetryListener.class);

    private final Tracer tracer;
    private final CadreMetrics metrics;
    private final Map<String, RunTrace> runs = new ConcurrentHashMap<>();

    private OpenTelemetryListener(OpenTelemetry openTelemetry) {
        Objects.requireNonNull(openTelemetry, "openTelemetry");
        this.tracer = openTelemetry.getTracer(INSTRUMENTATION_NAME);
        this.metrics = new CadreMetrics(openTelemetry.getMeter(INSTRUMENTATION_NAME));
    }

    /** A listener that reports to {@code openTelemetry}'s tracer and meter providers. */
    public static OpenTelemetryListener of(OpenTelemetry openTelemetry) {
        return new OpenTelemetryListener(openTelemetry);
    }

    @Override
    public void runStarted(RunHandle run) {
        String runId = run.runId();
        RunTrace trace = new RunTrace(runId, tracer, metrics, Context.current());
        runs.put(runId, trace);
        run.events().subscribe(event -> on(trace, event),
                error -> {
                    log.warn("The events of run {} ended with an error; its open spans are ended.", runId, error);
                    trace.abandon(Instant.now(), "The run's events ended with an error: " + error.getMessage());
                    runs.remove(runId, trace);
                },
                () -> {
                    trace.abandon(Instant.now(), "The run's events ended without the run's end.");
                    runs.remove(runId, trace);
                });
        trace.live();
    }

    private void on(RunTrace trace, RunEvent event) {
        try {
            trace.on(event);
            if (trace.ended()) {
                runs.remove(event.runId(), trace);
            }
        } catch (RuntimeException e) {
            log.warn("Tracing event {} of run {} failed; the run goes on.", event.seq(), event.runId(), e);
        }
    }

    /**
     * The context of a tool call's span while it runs (else of its step's span), for a tool that makes calls of its own
     * (HTTP, a database) and wants them in the run's trace: {@code try (Scope s = ctx.makeCurrent()) { ... }}. Empty
     * when the run is not traced by this listener or has ended.
     */
    public Optional<Context> context(ToolContext tool) {
        RunTrace trace = runs.get(tool.runId());
        return trace == null ? Optional.empty() : trace.toolContext(tool.stepPath(), tool.callId());
    }

    /**
     * The context of the model call a step is making now (else of the step's span), for a model client or a
     * LangChain4j {@code ChatModelListener}: the run id and step path are in the request's listener attributes
     * ({@link dev.cadre.api.ModelCallAttributes}). Empty when the run is not traced by this listener or has ended.
     */
    public Optional<Context> context(String runId, String stepPath) {
        RunTrace trace = runs.get(runId);
        return trace == null ? Optional.empty() : trace.stepContext(stepPath);
    }
}
