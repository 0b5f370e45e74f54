package dev.cadre.orchestrator.internal.core;

import dev.cadre.orchestrator.pattern.Promise;
import dev.cadre.orchestrator.pattern.Failure;
import dev.cadre.api.ForkedFrom;
import dev.cadre.api.ModelRef;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.PriceTable;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Task;
import dev.cadre.api.ToolResult;
import dev.cadre.api.Usage;
import dev.cadre.api.crew.BudgetPolicy;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Step;
import dev.cadre.orchestrator.pattern.Pattern;
import dev.cadre.orchestrator.TurnInterceptor;
import dev.cadre.orchestrator.internal.JsonSchemas;
import dev.cadre.orchestrator.internal.RecordedRun;
import dev.cadre.orchestrator.internal.RunRecorder;
import dev.cadre.orchestrator.redaction.Redactor;
import dev.langchain4j.model.TokenCountEstimator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The deterministic core of one run: given the crew, the task and the results fed back so far, it says what to do
 * next as {@link Command}s. It does no I/O, reads no clock (the driver gives the time of every input) and knows no
 * threads: a driver calls {@link #start} once and {@link #accept} for each result, one call at a time.
 *
 * <p>Resume is a fold: the journal's events ({@code facts}) are facts the core accepts where it would otherwise ask
 * for them: a recorded model answer, tool result or decision is used, not asked for again, and a recorded intent (a
 * model request, a tool call, a checkpoint) is taken as made, never decided again. What the journal does not hold is
 * asked for.
 */
public final class Core {

    /**
     * What the core needs to know about the run; all of it data or pure functions. {@code interceptors}: the users'
     * turn stages, in order; {@code tokenEstimators}: token counters by model reference (others count characters / 4).
     */
    public record Setup(String runId, Crew crew, Task task, RecordedRun facts, ModelRegistry models, PriceTable prices,
                        JsonSchemas schemas, Redactor redactor, int maxConcurrentTools, int maxOutputRetries,
                        Instant startedAt, Set<String> crewOutputNames, Map<String, String> initialContext, ForkedFrom fork,
                        Map<String, Pattern<Step.Custom>> patterns, List<TurnInterceptor> interceptors,
                        Map<String, TokenCountEstimator> tokenEstimators) {

        public Setup {
            fork = fork == null ? new ForkedFrom("", 0, Map.of(), Map.of()) : fork;
            patterns = patterns == null ? Map.of() : Map.copyOf(patterns);
            interceptors = interceptors == null ? List.of() : List.copyOf(interceptors);
            tokenEstimators = tokenEstimators == null ? Map.of() : Map.copyOf(tokenEstimators);
        }

        /** A setup of a run started afresh, with no patterns of one's own, interceptors or token estimators. */
        public Setup(String runId, Crew crew, Task task, RecordedRun facts, ModelRegistry models, PriceTable prices,
                     JsonSchemas schemas, Redactor redactor, int maxConcurrentTools, int maxOutputRetries,
                     Instant startedAt, Set<String> crewOutputNames, Map<String, String> initialContext) {
            this(runId, crew, task, facts, models, prices, schemas, redactor, maxConcurrentTools, maxOutputRetries, startedAt,
                    crewOutputNames, initialContext, null, Map.of(), List.of(), Map.of());
        }
    }

    final Setup setup;
    final Trampoline trampoline = new Trampoline();
    final Checkpointing checkpoints;
    final BudgetCheck budgets;
    final Interceptors interceptors;
    final ContextWindow window;
    /** Outputs by name (task id or step name), the latest one for steps that repeat. */
    final Map<String, String> outputs = new HashMap<>();
    /** Idempotent tools' results within this run, by tool and arguments. */
    final Map<String, ToolResult> toolCache = new HashMap<>();
    /** How often each agent called each tool with each arguments. */
    final Map<String, Integer> repeats = new HashMap<>();
    private final Map<String, Promise<Input>> waiting = new LinkedHashMap<>();
    private List<Command> out = new ArrayList<>();
    private Instant now;
    private boolean ended;
    private boolean replaying;

    public Core(Setup setup) {
        this.setup = setup;
        this.outputs.putAll(setup.initialContext());
        this.checkpoints = new Checkpointing(this);
        this.budgets = new BudgetCheck(this);
        this.interceptors = new Interceptors(setup.runId(), setup.interceptors());
        this.window = new ContextWindow(setup.tokenEstimators());
    }

    /** Starts the run (its {@code run_started} is already journaled): the first commands, and any the journal already answers. */
    public List<Command> start(Instant at) {
        now = at;
        Duration wallTime = setup.crew().policy().runBudget().maxWallTime();
        if (wallTime != null && setup.crew().policy().onBudgetExceeded() == BudgetPolicy.FAIL) {
            out.add(new Command.StartTimer(WALL_TIME, setup.startedAt().plus(wallTime)));
        }
        Promise<String> run = new Steps(this).run(setup.crew().process(), "");
        run.whenDone(output -> end(RunStatus.SUCCEEDED, output, null),
                f -> end(f.kind() == Failure.Kind.ABORTED ? RunStatus.CANCELLED : RunStatus.FAILED, null, f.reason()));
        replaying = true;
        try {
            return drain();
        } finally {
            replaying = false;
        }
    }

    /**
     * Whether the core is folding the journal: everything it decides while it starts follows from the journal's facts
     * (no result has come in yet), so a decision that depends on time takes the time the journal recorded.
     */
    boolean replaying() {
        return replaying;
    }

    /** Takes one result; gives what to do next. Results for commands the core no longer waits for are ignored. */
    public List<Command> accept(Input input, Instant at) {
        now = at;
        if (!ended) {
            if (input instanceof Input.TimerFired t && t.id().equals(WALL_TIME)) {
                Duration wallTime = setup.crew().policy().runBudget().maxWallTime();
                end(RunStatus.FAILED, null, "Budget exceeded: the limit of " + wallTime.toMillis() + " ms of wall time for the run has passed.");
            } else if (input instanceof Input.Decided d) {
                checkpoints.decide(d.checkpointId(), d.decision());
            } else if (input instanceof Input.TimerFired t) {
                checkpoints.timedOut(t.id());
            } else {
                Promise<Input> p = waiting.remove(keyOf(input));
                if (p != null) {
                    p.complete(input);
                }
            }
        }
        return drain();
    }

    private static final String WALL_TIME = "run#wall-time";

    private List<Command> drain() {
        trampoline.drain();
        List<Command> commands = out;
        out = new ArrayList<>();
        return commands;
    }

    private static String keyOf(Input input) {
        if (input instanceof Input.ModelAnswered m) return m.key();
        if (input instanceof Input.ModelFailed m) return m.key();
        if (input instanceof Input.ToolDone t) return t.key();
        return null;
    }

    /** Issues a command that asks for a result; the promise settles when the result is accepted. */
    Promise<Input> ask(String key, Command command) {
        Promise<Input> result = trampoline.promise();
        waiting.put(key, result);
        out.add(command);
        return result;
    }

    void emit(RunRecorder.EventFactory<? extends RunEvent> event) {
        if (!ended) {
            out.add(new Command.Record(event));
        }
    }

    void command(Command command) {
        if (!ended) {
            out.add(command);
        }
    }

    /** The output a fork gave the step at {@code path} in place of running it, or {@code null}. */
    String editedOutput(String path) {
        return setup.fork().editedOutputs().get(path);
    }

    /** The model an agent's new calls use: the fork's choice for it, else its own. */
    ModelRef modelFor(String agent, ModelRef own) {
        String swapped = setup.fork().models().get(agent);
        return swapped == null ? own : ModelRef.parse(swapped);
    }

    Instant now() {
        return now;
    }

    /** The run's usage so far (read by the driver when the user cancels): what the budgets have counted. */
    public Usage usage() {
        return budgets.run();
    }

    public boolean ended() {
        return ended;
    }

    private void end(RunStatus status, String output, String reason) {
        if (ended) {
            return;
        }
        out.add(new Command.EndRun(status, output, reason, budgets.run()));
        ended = true;
        waiting.clear();
    }
}
