package dev.cadre.opentelemetry.internal;

import dev.cadre.api.Checkpoint;
import dev.cadre.api.RunEvent;
import dev.cadre.api.Usage;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The spans and metrics of one run, made from its events. Parents come from the event structure, never from the
 * thread an event arrives on: a step's parent is the nearest open step whose path is a prefix of its path (a
 * delegated worker's is the manager's open {@code delegate} tool call), a model or tool call's parent is its step,
 * a checkpoint's is the tool call it gates or else its step. Start and end times are the events' timestamps.
 *
 * <p>Events of one run are published one at a time (the orchestrator serialises them); the methods are synchronized
 * anyway, so lookups from tools and model clients on other threads see a consistent state.
 */
public final class RunTrace {

    private static final Pattern DELEGATION = Pattern.compile("delegation-\\d+");
    private static final int MAX_DESCRIPTION = 300;

    /** An open span: its context (for children), when it began, its step path, and what metrics are labelled with. */
    private record Open(Span span, Context context, Instant start, String path, Attributes labels, String callId) {
        Open(Span span, Context context, Instant start, String path, Attributes labels) {
            this(span, context, start, path, labels, null);
        }
    }

    private final String runId;
    private final Tracer tracer;
    private final CadreMetrics metrics;
    private final Context caller;
    private final Map<String, Open> steps = new HashMap<>();
    private final Map<String, Open> models = new LinkedHashMap<>();
    private final Map<String, Open> tools = new LinkedHashMap<>();
    private final Map<String, Open> checkpoints = new LinkedHashMap<>();
    private Open run;
    private String crew = "";
    private boolean live;
    private int replayed;
    private boolean ended;

    /**
     * @param caller the context current where the run was started: the run's span is its child, so a run started
     *               while handling a traced request joins that request's trace
     */
    public RunTrace(String runId, Tracer tracer, CadreMetrics metrics, Context caller) {
        this.runId = runId;
        this.tracer = tracer;
        this.metrics = metrics;
        this.caller = caller;
    }

    /**
     * From now on events are live. Events before (the recorded history of a resumed run, replayed when the listener
     * subscribed) make spans, so the resumed run's trace is whole, but no metrics: they were counted when they
     * happened.
     */
    public synchronized void live() {
        live = true;
        if (replayed > 1 && run != null && !ended) {
            run.span().setAttribute(Keys.RESUMED, true);
        }
    }

    public synchronized boolean ended() {
        return ended;
    }

    public synchronized void on(RunEvent event) {
        if (ended) {
            return;
        }
        if (!live) {
            replayed++;
        }
        if (run == null && !(event instanceof RunEvent.RunStarted)) {
            startRun(event.timestamp(), "", null);
        }
        if (event instanceof RunEvent.RunStarted e) {
            if (run == null) {
                startRun(e.timestamp(), e.crew(), e.task() == null ? null : e.task().id());
            }
        } else if (event instanceof RunEvent.StepStarted e) {
            stepStarted(e);
        } else if (event instanceof RunEvent.StepFinished e) {
            stepEnded(e.stepPath(), e.timestamp(), null, e.outcome(), e.usage());
        } else if (event instanceof RunEvent.StepFailed e) {
            stepEnded(e.stepPath(), e.timestamp(), e.reason() == null ? "The step failed." : e.reason(), null, e.usage());
        } else if (event instanceof RunEvent.ModelRequested e) {
            modelRequested(e);
        } else if (event instanceof RunEvent.ModelResponded e) {
            modelResponded(e);
        } else if (event instanceof RunEvent.ToolCalled e) {
            toolCalled(e);
        } else if (event instanceof RunEvent.ToolReturned e) {
            toolReturned(e);
        } else if (event instanceof RunEvent.CheckpointRequested e) {
            checkpointRequested(e);
        } else if (event instanceof RunEvent.CheckpointResolved e) {
            checkpointResolved(e);
        } else if (event instanceof RunEvent.BudgetWarning e) {
            Span.fromContext(nearestStep(e.stepPath())).addEvent("cadre.budget_warning", Attributes.of(
                    Keys.BUDGET_LIMIT, e.limit(), Keys.BUDGET_USED, e.used(), Keys.BUDGET_MAX, e.max()), e.timestamp());
        } else if (event instanceof RunEvent.RunFinished e) {
            runEnded(e.timestamp(), "succeeded", null, e.usage());
        } else if (event instanceof RunEvent.RunFailed e) {
            runEnded(e.timestamp(), "failed", e.reason(), e.usage());
        } else if (event instanceof RunEvent.RunCancelled e) {
            runEnded(e.timestamp(), "cancelled", e.reason(), e.usage());
        }
        // TokenStreamed: pieces of an answer whose model call has its own span
    }

    /** The event stream ended without the run's last event (it should not happen): closes what is open. */
    public synchronized void abandon(Instant at, String reason) {
        if (!ended) {
            runEnded(at, "failed", reason, null);
        }
    }

    // ---- lookups for tools and model clients ----

    /** The span context of a tool call while it runs, else of its step. */
    public synchronized Optional<Context> toolContext(String stepPath, String callId) {
        if (ended) {
            return Optional.empty();
        }
        Open tool = tools.get(stepPath + "#" + callId);
        return Optional.of(tool != null ? tool.context() : nearestStep(stepPath));
    }

    /** The span context of the model call a step is making now, else of the step. */
    public synchronized Optional<Context> stepContext(String stepPath) {
        if (ended) {
            return Optional.empty();
        }
        Open model = null;
        for (Open m : models.values()) {
            if (m.path().equals(stepPath)) {
                model = m;
            }
        }
        return Optional.of(model != null ? model.context() : nearestStep(stepPath));
    }

    // ---- run ----

    private void startRun(Instant at, String crewName, String taskId) {
        crew = crewName == null ? "" : crewName;
        AttributesBuilder attributes = Attributes.builder().put(Keys.RUN_ID, runId).put(Keys.CREW, crew)
                .put(Keys.OPERATION, "invoke_workflow");
        if (taskId != null) {
            attributes.put(Keys.TASK, taskId);
        }
        Span span = tracer.spanBuilder(crew.isEmpty() ? "invoke_workflow" : "invoke_workflow " + crew).setParent(caller)
                .setSpanKind(SpanKind.INTERNAL).setStartTimestamp(at).setAllAttributes(attributes.build()).startSpan();
        run = new Open(span, caller.with(span), at, "", Attributes.of(Keys.CREW, crew));
    }

    private void runEnded(Instant at, String status, String reason, Usage usage) {
        boolean failed = status.equals("failed");
        closeInside("", at, status.equals("succeeded") ? null : "The run " + status + " before this finished"
                + (reason == null ? "." : ": " + reason), failed);
        Span span = run.span();
        span.setAttribute(Keys.RUN_STATUS, status);
        if (reason != null) {
            span.setAttribute(Keys.REASON, reason);
        }
        if (failed) {
            span.setStatus(StatusCode.ERROR, truncate(reason == null ? "The run failed." : reason));
        }
        putUsage(span, usage);
        span.end(at);
        ended = true;
        if (live) {
            Attributes labels = CadreMetrics.with(run.labels(), Attributes.of(Keys.RUN_STATUS, status));
            metrics.runs.add(1, labels);
            metrics.runDuration.record(CadreMetrics.seconds(run.start(), at), labels);
        }
    }

    // ---- steps ----

    private void stepStarted(RunEvent.StepStarted e) {
        String path = e.stepPath();
        Context parent = delegatingTool(path).orElseGet(() -> nearestStep(parentOf(path)));
        boolean agent = e.agent() != null;
        String kind = e.kind() == null ? (agent ? "agent" : "step") : e.kind();
        AttributesBuilder attributes = Attributes.builder().put(Keys.RUN_ID, runId).put(Keys.STEP_PATH, path)
                .put(Keys.STEP_KIND, kind);
        AttributesBuilder labels = Attributes.builder().put(Keys.CREW, crew).put(Keys.STEP_KIND, kind);
        if (agent) {
            attributes.put(Keys.OPERATION, "invoke_agent").put(Keys.AGENT, e.agent());
            labels.put(Keys.AGENT, e.agent());
        }
        Span span = tracer.spanBuilder(agent ? "invoke_agent " + e.agent() : "cadre.step " + kind).setParent(parent)
                .setSpanKind(SpanKind.INTERNAL).setStartTimestamp(e.timestamp()).setAllAttributes(attributes.build()).startSpan();
        Open previous = steps.put(path, new Open(span, parent.with(span), e.timestamp(), path, labels.build()));
        if (previous != null) {
            previous.span().end(e.timestamp());
        }
    }

    private void stepEnded(String path, Instant at, String failure, String outcome, Usage usage) {
        closeInside(path, at, failure == null ? null : "The step failed before this finished: " + failure, failure != null);
        Open step = steps.remove(path);
        if (step == null) {
            return;
        }
        Span span = step.span();
        if (outcome != null) {
            span.setAttribute(Keys.STEP_OUTCOME, outcome);
        }
        putUsage(span, usage);
        if (failure != null) {
            span.setStatus(StatusCode.ERROR, truncate(failure));
            span.setAttribute(Keys.ERROR_TYPE, "step_failed");
        }
        span.end(at);
        if (live) {
            metrics.stepDuration.record(CadreMetrics.seconds(step.start(), at),
                    CadreMetrics.with(step.labels(), Attributes.of(Keys.STEP_STATUS, failure == null ? "ok" : "error")));
        }
    }

    /** A delegated worker's step ({@code team/delegation-2/coder}) runs inside its manager's open delegate call. */
    private Optional<Context> delegatingTool(String path) {
        String parent = parentOf(path);
        if (parent.isEmpty() || !DELEGATION.matcher(lastSegment(parent)).matches()) {
            return Optional.empty();
        }
        String team = parentOf(parent);
        Open latest = null;
        for (Open tool : tools.values()) {
            if ("delegate".equals(tool.labels().get(Keys.TOOL)) && parentOf(tool.path()).equals(team)) {
                latest = tool;
            }
        }
        return Optional.ofNullable(latest).map(Open::context);
    }

    /** The context of the nearest open step at {@code path} or above it, else the run's. */
    private Context nearestStep(String path) {
        for (String p = path; !p.isEmpty(); p = parentOf(p)) {
            Open step = steps.get(p);
            if (step != null) {
                return step.context();
            }
        }
        return run.context();
    }

    /**
     * Ends what is still open at or under {@code path} (every span of the run for ""): calls interrupted by the step's
     * or run's end. Their status is an error when {@code error}.
     */
    private void closeInside(String path, Instant at, String why, boolean error) {
        closeAll(models, path, at, why, error, open -> {
            if (live && error) {
                metrics.modelDuration.record(CadreMetrics.seconds(open.start(), at),
                        CadreMetrics.with(open.labels(), Attributes.of(Keys.ERROR_TYPE, "_OTHER")));
            }
        });
        closeAll(checkpoints, path, at, why, false, open -> {
            if (live) {
                metrics.checkpointWait.record(CadreMetrics.seconds(open.start(), at),
                        CadreMetrics.with(open.labels(), Attributes.of(Keys.DECISION, "none")));
            }
        });
        closeAll(tools, path, at, why, error, open -> {
            if (live) {
                Attributes labels = CadreMetrics.with(open.labels(), Attributes.of(Keys.TOOL_OUTCOME, "interrupted"));
                metrics.toolCalls.add(1, labels);
                metrics.toolDuration.record(CadreMetrics.seconds(open.start(), at), labels);
            }
        });
        List<Open> inner = new ArrayList<>();
        for (Iterator<Open> it = steps.values().iterator(); it.hasNext(); ) {
            Open step = it.next();
            if (inside(step.path(), path) && !step.path().equals(path)) {
                inner.add(step);
                it.remove();
            }
        }
        // deepest first, so a parent never ends before its child
        inner.sort((a, b) -> Integer.compare(b.path().length(), a.path().length()));
        for (Open step : inner) {
            end(step, at, why, error);
        }
    }

    private void closeAll(Map<String, Open> spans, String path, Instant at, String why, boolean error,
                          java.util.function.Consumer<Open> measure) {
        for (Iterator<Open> it = spans.values().iterator(); it.hasNext(); ) {
            Open open = it.next();
            if (inside(open.path(), path)) {
                it.remove();
                end(open, at, why, error);
                measure.accept(open);
            }
        }
    }

    private static void end(Open open, Instant at, String why, boolean error) {
        if (why != null) {
            open.span().setAttribute(Keys.REASON, truncate(why));
        }
        if (error) {
            open.span().setStatus(StatusCode.ERROR, truncate(why));
            open.span().setAttribute(Keys.ERROR_TYPE, "_OTHER");
        }
        open.span().end(at);
    }

    // ---- model calls ----

    private void modelRequested(RunEvent.ModelRequested e) {
        String model = e.model() == null ? "" : e.model();
        int colon = model.indexOf(':');
        String provider = colon > 0 ? Keys.provider(model.substring(0, colon)) : "_OTHER";
        String name = colon > 0 ? model.substring(colon + 1) : model;
        Context parent = nearestStep(e.stepPath());
        Attributes labels = Attributes.builder().put(Keys.OPERATION, "chat").put(Keys.PROVIDER, provider)
                .put(Keys.REQUEST_MODEL, name).put(Keys.AGENT, e.agent()).put(Keys.CREW, crew).build();
        Span span = tracer.spanBuilder("chat " + name).setParent(parent).setSpanKind(SpanKind.CLIENT)
                .setStartTimestamp(e.timestamp()).setAllAttributes(labels)
                .setAttribute(Keys.SYSTEM, provider).setAttribute(Keys.MODEL, model).setAttribute(Keys.RUN_ID, runId)
                .setAttribute(Keys.STEP_PATH, e.stepPath()).setAttribute(Keys.TURN, (long) e.turn()).startSpan();
        Open previous = models.put(e.stepPath() + "#" + e.turn(), new Open(span, parent.with(span), e.timestamp(), e.stepPath(), labels));
        if (previous != null) {
            previous.span().end(e.timestamp());
        }
    }

    private void modelResponded(RunEvent.ModelResponded e) {
        Open call = models.remove(e.stepPath() + "#" + e.turn());
        if (call == null) {
            modelRequested(new RunEvent.ModelRequested(e.runId(), e.stepPath(), e.seq(), e.timestamp(), e.agent(), e.model(),
                    e.turn(), List.of(), List.of()));
            call = models.remove(e.stepPath() + "#" + e.turn());
        }
        Span span = call.span();
        Usage usage = e.usage() == null ? Usage.ZERO : e.usage();
        span.setAttribute(Keys.INPUT_TOKENS, usage.inputTokens());
        span.setAttribute(Keys.OUTPUT_TOKENS, usage.outputTokens());
        span.setAttribute(Keys.CACHED, e.cached());
        if (e.finishReason() != null) {
            span.setAttribute(Keys.FINISH_REASONS, List.of(e.finishReason().toLowerCase(Locale.ROOT)));
        }
        if (usage.cost().signum() > 0) {
            span.setAttribute(Keys.COST, usage.cost().doubleValue());
        }
        span.end(e.timestamp());
        if (!live) {
            return;
        }
        metrics.modelDuration.record(CadreMetrics.seconds(call.start(), e.timestamp()),
                CadreMetrics.with(call.labels(), Attributes.of(Keys.CACHED, e.cached())));
        if (e.cached()) {
            return;
        }
        count(call.labels(), "input", usage.inputTokens());
        count(call.labels(), "output", usage.outputTokens());
        BigDecimal cost = usage.cost();
        if (cost.signum() > 0) {
            metrics.cost.add(cost.doubleValue(), call.labels());
        }
    }

    private void count(Attributes labels, String type, long tokens) {
        Attributes typed = CadreMetrics.with(labels, Attributes.of(Keys.TOKEN_TYPE, type));
        metrics.tokenUsage.record(tokens, typed);
        metrics.tokens.add(tokens, typed);
    }

    // ---- tool calls ----

    private void toolCalled(RunEvent.ToolCalled e) {
        Context parent = nearestStep(e.stepPath());
        Attributes labels = Attributes.builder().put(Keys.TOOL, e.tool()).put(Keys.AGENT, e.agent()).put(Keys.CREW, crew).build();
        Span span = tracer.spanBuilder("execute_tool " + e.tool()).setParent(parent).setSpanKind(SpanKind.INTERNAL)
                .setStartTimestamp(e.timestamp()).setAllAttributes(labels).setAttribute(Keys.OPERATION, "execute_tool")
                .setAttribute(Keys.TOOL_TYPE, "function").setAttribute(Keys.TOOL_CALL_ID, e.callId())
                .setAttribute(Keys.RUN_ID, runId).setAttribute(Keys.STEP_PATH, e.stepPath()).setAttribute(Keys.TURN, (long) e.turn())
                .startSpan();
        tools.put(e.stepPath() + "#" + e.callId(), new Open(span, parent.with(span), e.timestamp(), e.stepPath(), labels,
                e.callId()));
    }

    private void toolReturned(RunEvent.ToolReturned e) {
        Open call = tools.remove(e.stepPath() + "#" + e.callId());
        if (call == null) {
            return;
        }
        Span span = call.span();
        span.setAttribute(Keys.CACHED, e.cached());
        if (e.error()) {
            span.setStatus(StatusCode.ERROR, truncate(e.result()));
            span.setAttribute(Keys.ERROR_TYPE, "tool_error");
        }
        span.end(e.timestamp());
        if (live) {
            Attributes labels = CadreMetrics.with(call.labels(), Attributes.of(Keys.TOOL_OUTCOME, e.error() ? "error" : "ok",
                    Keys.CACHED, e.cached()));
            metrics.toolCalls.add(1, labels);
            metrics.toolDuration.record(CadreMetrics.seconds(call.start(), e.timestamp()), labels);
        }
    }

    // ---- checkpoints ----

    private void checkpointRequested(RunEvent.CheckpointRequested e) {
        Checkpoint checkpoint = e.checkpoint();
        Open gated = null;
        for (Open tool : tools.values()) {
            String callId = tool.callId();
            if (tool.path().equals(e.stepPath()) && callId != null && !callId.isEmpty() && checkpoint.id().contains(callId)) {
                gated = tool;
            }
        }
        Context parent = gated != null ? gated.context() : nearestStep(e.stepPath());
        String kind = checkpoint.kind().name().toLowerCase(Locale.ROOT);
        AttributesBuilder attributes = Attributes.builder().put(Keys.RUN_ID, runId).put(Keys.STEP_PATH, e.stepPath())
                .put(Keys.CHECKPOINT_ID, checkpoint.id()).put(Keys.CHECKPOINT_KIND, kind);
        if (checkpoint.agent() != null) {
            attributes.put(Keys.AGENT, checkpoint.agent());
        }
        if (checkpoint.risk() != null) {
            attributes.put(Keys.CHECKPOINT_RISK, checkpoint.risk().name().toLowerCase(Locale.ROOT));
        }
        Span span = tracer.spanBuilder("cadre.checkpoint " + kind).setParent(parent).setSpanKind(SpanKind.INTERNAL)
                .setStartTimestamp(e.timestamp()).setAllAttributes(attributes.build()).startSpan();
        checkpoints.put(checkpoint.id(), new Open(span, parent.with(span), e.timestamp(), e.stepPath(),
                Attributes.of(Keys.CHECKPOINT_KIND, kind, Keys.CREW, crew)));
    }

    private void checkpointResolved(RunEvent.CheckpointResolved e) {
        Open waiting = checkpoints.remove(e.checkpointId());
        if (waiting == null) {
            return;
        }
        String decision = e.decision() == null ? "none" : e.decision().kind().name().toLowerCase(Locale.ROOT);
        Span span = waiting.span();
        span.setAttribute(Keys.DECISION, decision);
        if (e.decision() != null && e.decision().decidedBy() != null) {
            span.setAttribute(Keys.DECIDED_BY, e.decision().decidedBy());
        }
        span.end(e.timestamp());
        if (live) {
            metrics.checkpointWait.record(CadreMetrics.seconds(waiting.start(), e.timestamp()),
                    CadreMetrics.with(waiting.labels(), Attributes.of(Keys.DECISION, decision)));
        }
    }

    // ---- helpers ----

    private void putUsage(Span span, Usage usage) {
        if (usage == null) {
            return;
        }
        span.setAttribute(Keys.INPUT_TOKENS, usage.inputTokens());
        span.setAttribute(Keys.OUTPUT_TOKENS, usage.outputTokens());
        span.setAttribute(Keys.MODEL_CALLS, usage.modelCalls());
        span.setAttribute(Keys.TOOL_CALLS, usage.toolCalls());
        if (usage.cost().signum() > 0) {
            span.setAttribute(Keys.COST, usage.cost().doubleValue());
        }
    }

    private static boolean inside(String path, String ancestor) {
        return ancestor.isEmpty() || path.equals(ancestor) || path.startsWith(ancestor + "/");
    }

    static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    private static String lastSegment(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static String truncate(String text) {
        if (text == null) {
            return null;
        }
        String line = text.strip();
        return line.length() <= MAX_DESCRIPTION ? line : line.substring(0, MAX_DESCRIPTION - 1) + "…";
    }
}
