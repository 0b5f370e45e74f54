package dev.cadre.cli;

import dev.cadre.api.Checkpoint;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.crew.Crew;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.orchestrator.redaction.Redactor;
import dev.cadre.temporal.TemporalCadre;
import dev.cadre.temporal.TemporalConnection;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowNotFoundException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@code cadre run --temporal} and {@code cadre runs resume --temporal}: the run goes to the cluster's workers, this
 * process shows it from the shared runs directory as a local run is shown and answers its checkpoints with the
 * invocation's gate (the terminal, or {@code --yes}) through the workflow's {@code decide} update.
 */
final class TemporalRuns implements AutoCloseable {

    /** How long a refused or undelivered decision waits, five times over, before it is sent again. */
    static final Duration SETTLE = Duration.ofSeconds(5);

    private final TemporalConnection.Open open;
    private final TemporalCadre cadre;
    private final String target;

    private TemporalRuns(TemporalOptions options, ModelRegistry models, Path runs, dev.cadre.orchestrator.journal.JournalStore shared,
                         Map<String, String> env) {
        TemporalConnection connection = options.connection(env);
        this.target = connection.target();
        this.open = connection.connect();
        TemporalCadre.Builder builder = TemporalCadre.builder(open.client()).taskQueue(options.taskQueue).models(models)
                .runsDirectory(runs).journalKey(JournalKey.fromStateDirectory()).redactor(Redactor.fromEnvironment(env));
        if (options.toolQueue() != null) {
            builder.toolQueue(options.toolQueue());
        }
        if (shared != null) {
            builder.journalStore(shared);
        }
        this.cadre = builder.build();
    }

    static TemporalRuns connect(TemporalOptions options, ModelRegistry models, Path runs, Map<String, String> env) {
        return new TemporalRuns(options, models, runs, null, env);
    }

    /** The same, reading and journaling in {@code shared} when it is not null (the store of {@code --journal}), else in {@code runs}. */
    static TemporalRuns connect(TemporalOptions options, ModelRegistry models, Path runs, dev.cadre.orchestrator.journal.JournalStore shared,
                                Map<String, String> env) {
        return new TemporalRuns(options, models, runs, shared, env);
    }

    /** The same, journaling where {@code runs} says: the runs directory, or the shared store of {@code --journal}. */
    static TemporalRuns connect(TemporalOptions options, ModelRegistry models, RunsOption runs, Map<String, String> env) {
        return new TemporalRuns(options, models, runs.runs(), runs.shared() ? runs.store() : null, env);
    }

    TemporalCadre cadre() {
        return cadre;
    }

    /**
     * The run on the cluster: its workflow when one is open (a run waiting at a checkpoint, or still running), else
     * resumed from its journal as a new workflow (every worker was gone, or the run was local).
     */
    RunHandle resume(String runId, Crew crew, dev.cadre.orchestrator.RunOptions options) {
        return isOpen(runId) ? cadre.handle(runId) : cadre.resume(runId, crew, options);
    }

    /** Whether the cluster has an open (running) workflow of run {@code runId}; false for one it never had. */
    boolean isOpen(String runId) {
        return isOpen(open.client(), runId);
    }

    /** Whether {@code client}'s cluster has an open (running) workflow of run {@code runId}. */
    static boolean isOpen(io.temporal.client.WorkflowClient client, String runId) {
        try {
            return client.newUntypedWorkflowStub(runId).describe().getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
        } catch (WorkflowNotFoundException e) {
            return false;   // never on this cluster
        }
    }

    /** The cluster's address, for messages. */
    String target() {
        return target;
    }

    /** Follows {@code run} to its end as {@link Runs#follow} does, answering its checkpoints here when this session can. */
    int follow(RunHandle run, Runs.Session session, RunsOption runs) {
        System.err.println("Run " + run.runId() + " is on " + target + " (task queue " + cadre.taskQueue() + ").");
        Disposable answering = session.canAnswer() ? answer(run, session) : null;
        Disposable watching = watchWorkspaceHost(run, session);
        try {
            return Runs.follow(run, session, runs, System.out, System.err);
        } finally {
            watching.dispose();
            if (answering != null) {
                answering.dispose();
            }
        }
    }

    /** Says once when the run's tool call waits on a workspace host no worker serves, and again when one took it. */
    private Disposable watchWorkspaceHost(RunHandle run, Runs.Session session) {
        java.util.concurrent.atomic.AtomicBoolean said = new java.util.concurrent.atomic.AtomicBoolean();
        return reactor.core.publisher.Flux.interval(WORKSPACE_CHECK, WORKSPACE_CHECK, Schedulers.boundedElastic())
                .subscribe(tick -> {
                    java.util.Optional<String> why = cadre.workspaceHostUnavailable(run.runId(), WORKSPACE_WAIT);
                    if (why.isPresent() && !said.getAndSet(true)) {
                        session.view().clearStatus();
                        System.err.println("cadre: " + TerminalText.line(why.get()));
                    } else if (why.isEmpty() && said.getAndSet(false)) {
                        session.view().clearStatus();
                        System.err.println("cadre: the run's workspace host took its tool call; the run goes on.");
                    }
                });
    }

    /** How often, and after how long a wait, a tool call waiting on no worker is said. */
    static final Duration WORKSPACE_CHECK = Duration.ofSeconds(5);
    static final Duration WORKSPACE_WAIT = Duration.ofSeconds(15);

    /**
     * Asks the session's gate each checkpoint the run's journal shows and the workflow is waiting on, one at a time, and
     * sends the decision; a checkpoint decided meanwhile elsewhere (the console, MCP, a timeout) is not asked. One
     * subscription to the run's events: each resolution is noted as it comes, while the asking goes on one checkpoint at
     * a time behind it (the queue holds only checkpoints asked, one per checkpoint of the run).
     */
    static Disposable answer(RunHandle run, Runs.Session session) {
        Set<String> asked = ConcurrentHashMap.newKeySet();
        Set<String> closed = ConcurrentHashMap.newKeySet();
        return run.events()
                .doOnNext(e -> {
                    if (e instanceof RunEvent.CheckpointResolved r) {
                        closed.add(r.checkpointId());
                    }
                })
                .filter(e -> e instanceof RunEvent.CheckpointRequested)
                .map(e -> ((RunEvent.CheckpointRequested) e).checkpoint())
                .filter(c -> asked.add(c.id()))
                .onBackpressureBuffer()
                .concatMap(c -> Mono.fromCallable(() -> isPending(run, c, closed)).subscribeOn(Schedulers.boundedElastic())
                        .filter(Boolean::booleanValue)
                        .flatMap(yes -> session.gate().decide(c))
                        .publishOn(Schedulers.boundedElastic())
                        .doOnNext(d -> send(run, c, d, closed))
                        .onErrorResume(e -> {
                            System.err.println("cadre: checkpoint " + TerminalText.line(c.id()) + " was not answered here: "
                                    + TerminalText.line(String.valueOf(e.getMessage())));
                            return Mono.empty();
                        }))
                .subscribe();
    }

    /**
     * Sends a decision; while the workflow has no worker to take the update (they are being restarted) it is sent again,
     * for as long as the checkpoint stays open. One decided elsewhere meanwhile is said, not sent.
     */
    private static void send(RunHandle run, Checkpoint c, dev.cadre.api.Decision d, Set<String> closed) {
        while (true) {
            try {
                run.resolve(c.id(), d);
                return;
            } catch (IllegalArgumentException decidedElsewhere) {
                if (closed.contains(c.id()) || run.result().toFuture().isDone()) {
                    System.err.println("cadre: " + TerminalText.line(decidedElsewhere.getMessage()));
                    return;
                }
                pause(); // refused while the workflow is between workers: it holds the checkpoint again once one replays it
            } catch (RuntimeException noWorkerYet) {
                pause();
            }
            try {
                if (!isPending(run, c, closed)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(SETTLE.toMillis() / 5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Whether the workflow waits on {@code c}, asked until it does, the journal shows {@code c} resolved ({@code closed}:
     * decided elsewhere, or timed out) or the run ends. A checkpoint the journal shows may be missing from the workflow for
     * a while: the worker that journaled it died before it reported its workflow task, so the workflow holds it again only
     * once that task timed out and another worker replayed it (Temporal's workflow task timeout, 10 s by default).
     */
    private static boolean isPending(RunHandle run, Checkpoint c, Set<String> closed) throws InterruptedException {
        while (!run.result().toFuture().isDone() && !closed.contains(c.id()) && !Thread.currentThread().isInterrupted()) {
            try {
                if (run.pendingCheckpoints().stream().anyMatch(p -> p.id().equals(c.id()))) {
                    return !closed.contains(c.id());
                }
            } catch (RuntimeException noWorkerToAnswer) {
                // asked again below
            }
            Thread.sleep(50);
        }
        return false;
    }

    @Override
    public void close() {
        cadre.close();
        open.close();
    }
}
