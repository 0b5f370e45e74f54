package dev.cadre.temporal.internal;

import dev.cadre.api.Checkpoint;
import dev.cadre.api.Decision;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunResult;
import dev.cadre.api.crew.Crew;
import dev.cadre.orchestrator.RunOptions;
import dev.cadre.orchestrator.driver.DriverCommand;
import dev.cadre.orchestrator.driver.DriverInput;
import dev.cadre.orchestrator.driver.RunCore;
import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Drives a {@link RunCore} inside a Temporal workflow: events journaled through a local activity before the calls they
 * announce, model and tool calls as activities (concurrent when the core asks for several), checkpoints as pending
 * entries a {@code decide} update answers, their timeouts as durable timers, cancel as workflow cancellation. No
 * pattern's meaning is here: it is all in the core, which is deterministic, so replaying this workflow replays it.
 *
 * <p>Just over 300 lines: it is the workflow interface's one implementation (run, decide and its validator, the move
 * update, the queries, continue-as-new), each a few lines over state they share; tool routing and payload references
 * are already classes of their own ({@link ToolRouting}, {@link PayloadStore}).
 */
public final class CrewWorkflowImpl implements CrewWorkflow {

    /** The version of how this workflow drives the core; raise it (with {@link Workflow#getVersion}) on a change in flight. */
    static final int CORE_VERSION = 1;

    private final WorkerSetup setup;
    private final Map<String, Checkpoint> pending = new LinkedHashMap<>();
    private final Deque<DriverInput> inbox = new ArrayDeque<>();
    private final Map<String, CancellationScope> timers = new HashMap<>();
    /** Local activities whose arguments (events, chat requests) stay out of the history: only their results are in it. */
    private static final LocalActivityOptions LOCAL = LocalActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(30))
            .setDoNotIncludeArgumentsIntoMarker(true).build();
    /** The version from which a model call's request goes by reference ({@link PayloadStore}); 1 since it was added. */
    static final int PAYLOAD_REFS_VERSION = 1;

    private final RunActivities.Journal journal = Workflow.newLocalActivityStub(RunActivities.Journal.class, LOCAL);
    private final RunActivities.Payloads payloads = Workflow.newLocalActivityStub(RunActivities.Payloads.class, LOCAL);
    private RunActivities.Models models;
    private ToolRouting tools;
    private RunCore core;
    private String runId;
    private RunResult result;
    private Start start;
    private int inFlight;

    public CrewWorkflowImpl(WorkerSetup setup) {
        this.setup = setup;
    }

    @Override
    public RunResult run(Start start) {
        Workflow.getVersion("cadre-core", Workflow.DEFAULT_VERSION, CORE_VERSION);
        this.start = start;
        runId = start.runId();
        Crew crew = setup.crews().apply(start.crew());
        if (crew == null) {
            throw ApplicationFailure.newNonRetryableFailure("Crew '" + start.crew() + "' of run '" + runId
                    + "' is not registered on this worker: register it on every worker of the task queue.", "CadreUnknownCrew");
        }
        models = Workflow.newActivityStub(RunActivities.Models.class, ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofMinutes(10)).setHeartbeatTimeout(setup.heartbeatTimeout())
                .setRetryOptions(RetryMapping.models(crew.policy().retry())).build());
        tools = new ToolRouting(ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofHours(1))
                .setHeartbeatTimeout(setup.heartbeatTimeout()).setRetryOptions(RetryMapping.tools()).build(), start.toolQueue());
        RunOptions options = new RunOptions(runId, start.context(), false, start.maxOutputRetries(), null).withCrewSource(start.crewSource());
        List<RunEvent> events;
        try {
            if (start.resume()) {
                events = readJournal();
            } else {
                RunEvent.RunStarted first = RunCore.started(runId, crew, start.task(), withWorkspace(options), setup.settings(), now());
                journal.append(runId, new RunActivities.Events(List.of(first)));
                events = List.of(first);
            }
            if (events.get(events.size() - 1).isTerminal()) {
                return RunCore.resultOf(events);
            }
            core = RunCore.of(crew, options, events, setup.settings());
        } catch (IllegalArgumentException e) {
            throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), "CadreBadRun");
        }
        try {
            execute(core.start(now()));
            while (result == null) {
                Workflow.await(() -> !inbox.isEmpty());
                List<DriverCommand> next = core.accept(inbox.poll(), now());
                if (historyIsLong() && next.stream().noneMatch(DriverCommand.End.class::isInstance)) {
                    continueAsNew(next);
                }
                execute(next);
            }
        } catch (CanceledFailure cancelled) {
            Workflow.newDetachedCancellationScope(() -> execute(core.cancel("Cancelled by the user.", now()))).run();
        }
        pending.clear();
        return result;
    }

    /**
     * {@code options} with the workspace of the worker that takes the run's tool calls, as a local run records its
     * {@code --workspace} (from workspace version 1 on; histories from before start without it).
     */
    private RunOptions withWorkspace(RunOptions options) {
        if (Workflow.getVersion("cadre-workspace", Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION) {
            return options;
        }
        String workspace = tools.workspace();
        return workspace == null ? options : new RunOptions(options.runId(), options.context(), options.streaming(),
                options.maxOutputRetries(), options.gate(), options.crewSource(), options.trustUnverifiedJournal(), options.crewChanged(),
                workspace);
    }

    /** The run's journal, for a resume: in pages (each a bounded local activity result), or in one (older histories). */
    private List<RunEvent> readJournal() {
        if (Workflow.getVersion("cadre-journal-pages", Workflow.DEFAULT_VERSION, PAYLOAD_REFS_VERSION) == Workflow.DEFAULT_VERSION) {
            return journal.read(runId).events();
        }
        List<RunEvent> events = new ArrayList<>();
        RunActivities.Page page;
        do {
            page = journal.readPage(runId, events.isEmpty() ? 1 : events.get(events.size() - 1).seq() + 1);
            events.addAll(page.events());
        } while (!page.last() && !page.events().isEmpty());
        return events;
    }

    /**
     * Whether to go on in a new workflow run: the history passed the worker's bound (or Temporal suggests it), no call
     * is in flight and no update is being handled.
     */
    private boolean historyIsLong() {
        return inFlight == 0 && Workflow.isEveryHandlerFinished()
                && (Workflow.getInfo().getHistoryLength() >= setup.continueAsNewAfter() || Workflow.getInfo().isContinueAsNewSuggested());
    }

    /**
     * Journals what the core just decided and goes on as a new run of this workflow that resumes from the journal: the
     * calls and checkpoints it asked for are journaled intents, asked again there as after any resume. The history starts
     * empty again; the journal keeps the whole run.
     */
    private void continueAsNew(List<DriverCommand> next) {
        flush(new ArrayList<>(next.stream().filter(DriverCommand.Record.class::isInstance)
                .map(c -> ((DriverCommand.Record) c).event()).toList()));
        Workflow.continueAsNew(new Start(runId, start.crew(), start.task(), start.context(), start.maxOutputRetries(), true,
                tools.queue(), start.crewSource(), start.streaming()));
    }

    private void execute(List<DriverCommand> commands) {
        List<RunEvent> batch = new ArrayList<>();
        for (DriverCommand command : commands) {
            if (command instanceof DriverCommand.Record r) {
                batch.add(r.event());
                continue;
            }
            flush(batch);
            if (command instanceof DriverCommand.CallModel c) {
                callModel(c);
            } else if (command instanceof DriverCommand.CallTool c) {
                callTool(c);
            } else if (command instanceof DriverCommand.AskHuman a) {
                pending.put(a.checkpoint().id(), a.checkpoint());
                journal.ask(a.checkpoint());
            } else if (command instanceof DriverCommand.CheckpointClosed c) {
                pending.remove(c.checkpointId());
                CancellationScope timer = timers.remove(c.checkpointId());
                if (timer != null) {
                    timer.cancel();
                }
                journal.closed(runId, c.checkpointId());
            } else if (command instanceof DriverCommand.StartTimer t) {
                startTimer(t);
            } else if (command instanceof DriverCommand.End e) {
                result = e.result();
            }
        }
        flush(batch);
    }

    private void flush(List<RunEvent> batch) {
        if (!batch.isEmpty()) {
            journal.append(runId, new RunActivities.Events(batch));
            batch.clear();
        }
    }

    private void callModel(DriverCommand.CallModel c) {
        RunActivities.ModelCall call;
        if (Workflow.getVersion("cadre-payload-refs", Workflow.DEFAULT_VERSION, PAYLOAD_REFS_VERSION) == Workflow.DEFAULT_VERSION) {
            call = new RunActivities.ModelCall(runId, c.stepPath(), c.agent(), c.turn(), c.model(), c.request());
        } else {
            String ref = payloads.putRequest(runId, c.request());
            call = new RunActivities.ModelCall(runId, c.stepPath(), c.agent(), c.turn(), c.model(), null, ref, start.streaming());
        }
        Promise<RunActivities.ModelAnswer> answer = Async.function(models::call, call);
        inFlight++;
        answer.handle((a, failure) -> {
            inFlight--;
            if (failure != null) {
                inbox.add(new DriverInput.ModelFailed(c.key(), "Model '" + c.model() + "' failed for agent '" + c.agent()
                        + "' at step '" + c.stepPath() + "': " + reason(failure)));
            } else if (a.failure() != null) {
                inbox.add(new DriverInput.ModelFailed(c.key(), a.failure()));
            } else {
                inbox.add(new DriverInput.ModelAnswered(c.key(), a.response()));
            }
            return null;
        });
    }

    private void callTool(DriverCommand.CallTool c) {
        inFlight++;
        tools.call(new RunActivities.ToolCall(c.tool().name(), c.arguments(), c.context(), c.recover()), (r, failure) -> {
            inFlight--;
            inbox.add(new DriverInput.ToolDone(c.key(), failure != null
                    ? dev.cadre.api.ToolResult.error("Tool '" + c.tool().name() + "' failed: " + reason(failure)) : r));
        });
    }

    private void startTimer(DriverCommand.StartTimer t) {
        Duration left = Duration.between(now(), t.at());
        Duration wait = left.isNegative() ? Duration.ZERO : left;
        CancellationScope scope = Workflow.newCancellationScope(() -> Workflow.newTimer(wait).thenApply(x -> {
            timers.remove(t.id());
            inbox.add(new DriverInput.TimerFired(t.id()));
            return null;
        }));
        timers.put(t.id(), scope);
        scope.run();
    }

    private static String reason(Throwable failure) {
        Throwable cause = failure instanceof ActivityFailure && failure.getCause() != null ? failure.getCause() : failure;
        return cause instanceof TemporalFailure t ? t.getOriginalMessage() : String.valueOf(cause.getMessage());
    }

    private static Instant now() {
        return Instant.ofEpochMilli(Workflow.currentTimeMillis());
    }

    @Override
    public Decision decide(String checkpointId, Decision decision) {
        pending.remove(checkpointId);
        inbox.add(new DriverInput.Decided(checkpointId, decision));
        return decision;
    }

    @Override
    public void validateDecide(String checkpointId, Decision decision) {
        String runId = Workflow.getInfo().getWorkflowId();
        if (decision == null) {
            throw new IllegalArgumentException("A decision for checkpoint '" + checkpointId + "' of run '" + runId + "' is missing.");
        }
        if (!pending.containsKey(checkpointId)) {
            List<String> ids = List.copyOf(pending.keySet());
            throw new IllegalArgumentException("Run '" + runId + "' has no pending checkpoint '" + checkpointId + "'; pending: "
                    + (ids.isEmpty() ? "none" : String.join(", ", ids)) + ".");
        }
    }

    @Override
    public String moveWorkspace(String toolQueue) {
        String from = tools.queue();
        tools.move(toolQueue);
        return from == null ? Workflow.getInfo().getTaskQueue() : from;
    }

    @Override
    public void validateMoveWorkspace(String toolQueue) {
        String runId = Workflow.getInfo().getWorkflowId();
        if (toolQueue == null || toolQueue.isBlank()) {
            throw new IllegalArgumentException("Moving run '" + runId + "' needs the task queue of its new workspace host.");
        }
        if (tools == null || result != null) {
            throw new IllegalArgumentException("Run '" + runId + "' is not running: there is nothing to move.");
        }
        if (toolQueue.equals(toolQueue())) {
            throw new IllegalArgumentException("Run '" + runId + "' already sends its tool calls to task queue " + toolQueue + ".");
        }
    }

    @Override
    public String toolQueue() {
        return tools == null || tools.queue() == null ? Workflow.getInfo().getTaskQueue() : tools.queue();
    }

    @Override
    public RunResult result() {
        return result;
    }

    @Override
    public List<Checkpoint> pending() {
        return List.copyOf(pending.values());
    }
}
