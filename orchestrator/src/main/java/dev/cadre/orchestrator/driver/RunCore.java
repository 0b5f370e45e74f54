package dev.cadre.orchestrator.driver;

import dev.cadre.api.ModelRegistry;
import dev.cadre.api.PriceTable;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Task;
import dev.cadre.api.Usage;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Step;
import dev.cadre.orchestrator.RunOptions;
import dev.cadre.orchestrator.TurnInterceptor;
import dev.cadre.orchestrator.internal.Crews;
import dev.cadre.orchestrator.internal.JsonSchemas;
import dev.cadre.orchestrator.internal.RecordedRun;
import dev.cadre.orchestrator.internal.RunRecorder;
import dev.cadre.orchestrator.internal.core.Command;
import dev.cadre.orchestrator.internal.core.Core;
import dev.cadre.orchestrator.internal.core.Input;
import dev.cadre.orchestrator.pattern.Pattern;
import dev.cadre.orchestrator.redaction.Redactor;
import dev.langchain4j.model.TokenCountEstimator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The engine's deterministic core for a driver of one's own (the local driver is one; cadre-temporal's workflow is
 * another): made from a crew, the run's options and the events journaled so far (at least its {@code run_started}),
 * it says what to do next as {@link DriverCommand}s and takes the results back as {@link DriverInput}s. It does no I/O,
 * reads no clock (the driver gives the time of every call) and knows no threads: call {@link #start} once, then
 * {@link #accept} for each result, one call at a time.
 *
 * <p>Resume is the same door: give it the whole journal, and what the journal holds is taken as done. Events it asks to
 * record come numbered after the journal's last, redacted, and never one the journal already holds.
 */
public final class RunCore {

    /** What every run of a driver shares: the models, prices, redaction and the users' own stages and patterns. */
    public record Settings(ModelRegistry models, PriceTable prices, Redactor redactor, int maxConcurrentTools,
                           Map<String, Pattern<Step.Custom>> patterns, List<TurnInterceptor> interceptors,
                           Map<String, TokenCountEstimator> tokenEstimators) {
        public Settings {
            Objects.requireNonNull(models, "models");
            prices = prices == null ? PriceTable.NONE : prices;
            redactor = redactor == null ? Redactor.none() : redactor;
            if (maxConcurrentTools < 1) {
                throw new IllegalArgumentException("maxConcurrentTools is " + maxConcurrentTools + ": it must be at least 1.");
            }
            patterns = patterns == null ? Map.of() : Map.copyOf(patterns);
            interceptors = interceptors == null ? List.of() : List.copyOf(interceptors);
            tokenEstimators = tokenEstimators == null ? Map.of() : Map.copyOf(tokenEstimators);
        }

        /** Settings with these models and redaction, no prices, 4 concurrent read-only tools, nothing of one's own. */
        public static Settings of(ModelRegistry models, Redactor redactor) {
            return new Settings(models, PriceTable.NONE, redactor, 4, Map.of(), List.of(), Map.of());
        }
    }

    private final Core core;
    private final String runId;
    private final Instant startedAt;
    private final RecordedRun recorded;
    private final Redactor redactor;
    private final Map<String, String> outputs = new LinkedHashMap<>();
    private final Map<String, String> outcomes = new LinkedHashMap<>();
    private long seq;
    private boolean over;

    private RunCore(Crew crew, RunOptions options, RunEvent.RunStarted started, RecordedRun recorded, Settings settings) {
        this.runId = started.runId();
        this.startedAt = started.timestamp();
        this.recorded = recorded;
        this.redactor = settings.redactor();
        this.seq = recorded.lastSeq();
        this.core = new Core(new Core.Setup(runId, crew, started.task(), recorded, settings.models(), settings.prices(),
                new JsonSchemas(), settings.redactor(), settings.maxConcurrentTools(), options.maxOutputRetries(), startedAt,
                Crews.outputNames(crew.process()), options.context(), started.forkedFrom(), settings.patterns(),
                settings.interceptors(), settings.tokenEstimators()));
    }

    /**
     * Checks a crew before a run of it starts (a context no step produces, a custom step kind with no pattern) and makes
     * the run's first event, to journal before the core is made with it (with the workspace {@code options} records).
     */
    public static RunEvent.RunStarted started(String runId, Crew crew, Task task, RunOptions options, Settings settings, Instant at) {
        Set<String> names = Crews.outputNames(crew.process());
        Crews.validate(crew, names, options.context().keySet());
        Crews.requirePatterns(crew, crew.process(), settings.patterns().keySet());
        return (RunEvent.RunStarted) settings.redactor().redact(
                new RunEvent.RunStarted(runId, "", 1, at, crew.name(), task, options.crewSource(), null,
                        RunEvent.RunStarted.CURRENT_SCHEMA, options.workspace()));
    }

    /**
     * The core of a run whose journal so far is {@code journal}: it begins with the run's {@code run_started} (from
     * {@link #started}) and does not end it. {@code crew} must be the crew the run started with.
     */
    public static RunCore of(Crew crew, RunOptions options, List<RunEvent> journal, Settings settings) {
        if (journal.isEmpty() || !(journal.get(0) instanceof RunEvent.RunStarted started)) {
            throw new IllegalArgumentException("A run's journal must begin with its run_started event.");
        }
        if (!started.crew().equals(crew.name())) {
            throw new IllegalArgumentException("Run '" + started.runId() + "' was started with crew '" + started.crew()
                    + "', not '" + crew.name() + "': go on with the same crew.");
        }
        if (journal.get(journal.size() - 1).isTerminal()) {
            throw new IllegalArgumentException("Run '" + started.runId() + "' has already ended: its journal's last event is "
                    + journal.get(journal.size() - 1).getClass().getSimpleName() + ".");
        }
        return new RunCore(crew, options, started, RecordedRun.of(journal), settings);
    }

    /** The result of a run whose whole journal (ending in its last event) is {@code journal}. */
    public static RunResult resultOf(List<RunEvent> journal) {
        return Crews.resultFrom(journal);
    }

    public String runId() {
        return runId;
    }

    /** The first commands, and everything the journal already answers. */
    public List<DriverCommand> start(Instant now) {
        return translate(core.start(now), now);
    }

    /** Takes one result; gives what to do next. Results the core no longer waits for are ignored. */
    public List<DriverCommand> accept(DriverInput input, Instant now) {
        return translate(core.accept(toInput(input), now), now);
    }

    /** Ends the run cancelled (the user or the platform cancelled it): its last event and its result. */
    public List<DriverCommand> cancel(String reason, Instant now) {
        if (over) {
            return List.of();
        }
        List<DriverCommand> out = new ArrayList<>();
        end(RunStatus.CANCELLED, null, reason, core.usage(), now, out);
        return out;
    }

    /** Whether the run has ended (an {@link DriverCommand.End} was given). */
    public boolean ended() {
        return over;
    }

    /** The run's usage so far. */
    public Usage usage() {
        return core.usage();
    }

    /** The sequence number of the last event journaled or asked to be. */
    public long lastSeq() {
        return seq;
    }

    private List<DriverCommand> translate(List<Command> commands, Instant now) {
        List<DriverCommand> out = new ArrayList<>(commands.size());
        for (Command command : commands) {
            if (over) {
                break;
            }
            if (command instanceof Command.Record r) {
                record(r.event(), now, out);
            } else if (command instanceof Command.CallModel c) {
                out.add(new DriverCommand.CallModel(c.key(), c.stepPath(), c.agent(), c.turn(), c.model(), c.request()));
            } else if (command instanceof Command.CallTool c) {
                out.add(new DriverCommand.CallTool(c.key(), c.tool(), c.arguments(), c.context(), c.recover()));
            } else if (command instanceof Command.AskHuman a) {
                out.add(new DriverCommand.AskHuman(a.checkpoint()));
            } else if (command instanceof Command.CheckpointClosed c) {
                out.add(new DriverCommand.CheckpointClosed(c.checkpointId()));
            } else if (command instanceof Command.StartTimer t) {
                out.add(new DriverCommand.StartTimer(t.id(), t.at()));
            } else if (command instanceof Command.StepOutput o) {
                outputs.put(o.stepPath(), o.output());
                if (o.outcome() != null) {
                    outcomes.put(o.stepPath(), o.outcome());
                }
            } else if (command instanceof Command.EndRun e) {
                end(e.status(), e.output(), e.reason(), e.usage(), now, out);
            }
        }
        return out;
    }

    /** As the local recorder does: numbered, timed, redacted, and not again when the journal holds it. */
    private void record(RunRecorder.EventFactory<? extends RunEvent> factory, Instant now, List<DriverCommand> out) {
        RunEvent event = redactor.redact(factory.create(runId, seq + 1, now));
        RunEvent earlier = recorded.get(RecordedRun.key(event));
        if (earlier != null && earlier.getClass() == event.getClass()) {
            return;
        }
        seq++;
        out.add(new DriverCommand.Record(event));
    }

    private void end(RunStatus status, String rawOutput, String rawReason, Usage usage, Instant now, List<DriverCommand> out) {
        String output = redactor.redact(rawOutput);
        String reason = redactor.redact(rawReason);
        RunRecorder.EventFactory<RunEvent> last = switch (status) {
            case SUCCEEDED -> (id, n, at) -> new RunEvent.RunFinished(id, "", n, at, output, usage);
            case FAILED -> (id, n, at) -> new RunEvent.RunFailed(id, "", n, at, reason, usage);
            default -> (id, n, at) -> new RunEvent.RunCancelled(id, "", n, at, reason, usage);
        };
        record(last, now, out);
        Map<String, String> kept = new LinkedHashMap<>(outputs);
        kept.replaceAll((name, text) -> redactor.redact(text));
        out.add(new DriverCommand.End(new RunResult(runId, status, output, kept, usage, reason, Duration.between(startedAt, now),
                new LinkedHashMap<>(outcomes))));
        over = true;
    }

    private static Input toInput(DriverInput input) {
        if (input instanceof DriverInput.ModelAnswered m) return new Input.ModelAnswered(m.key(), m.response(), m.cached(), m.cacheCounts());
        if (input instanceof DriverInput.ModelFailed m) return new Input.ModelFailed(m.key(), m.reason());
        if (input instanceof DriverInput.ToolDone t) return new Input.ToolDone(t.key(), t.result());
        if (input instanceof DriverInput.Decided d) return new Input.Decided(d.checkpointId(), d.decision());
        return new Input.TimerFired(((DriverInput.TimerFired) input).id());
    }
}
