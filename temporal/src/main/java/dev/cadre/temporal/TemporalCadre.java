package dev.cadre.temporal;

import dev.cadre.api.HumanGate;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.Task;
import dev.cadre.api.Tool;
import dev.cadre.api.crew.Crew;
import dev.cadre.orchestrator.RunOptions;
import dev.cadre.orchestrator.driver.RunCore;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.orchestrator.journal.Durability;
import dev.cadre.orchestrator.journal.JournalStore;
import dev.cadre.orchestrator.journal.RunFilesJournalStore;
import dev.cadre.orchestrator.redaction.Redactor;
import dev.cadre.temporal.internal.ChatJson;
import dev.cadre.temporal.internal.CrewWorkflow;
import dev.cadre.temporal.internal.CrewWorkflowImpl;
import dev.cadre.temporal.internal.JournalActivities;
import dev.cadre.temporal.internal.ModelActivities;
import dev.cadre.temporal.internal.PayloadActivities;
import dev.cadre.temporal.internal.PayloadStore;
import dev.cadre.temporal.internal.TemporalRunHandle;
import dev.cadre.temporal.internal.ToolActivities;
import dev.cadre.temporal.internal.WorkerSetup;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.converter.JacksonJsonPayloadConverter;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cadre crews as durable Temporal workflows, from Java: register a worker on a {@link WorkerFactory}, start and resume
 * runs through a {@link WorkflowClient} made with {@link #dataConverter()}.
 *
 * <pre>{@code
 * WorkflowClient client = WorkflowClient.newInstance(service,
 *     WorkflowClientOptions.newBuilder().setNamespace("default").setDataConverter(TemporalCadre.dataConverter()).build());
 * TemporalCadre cadre = TemporalCadre.builder(client).models(models).tools(tools).crew(crew).build();
 * WorkerFactory factory = WorkerFactory.newInstance(client);
 * cadre.register(factory);
 * factory.start();
 * RunResult result = cadre.run(crew, task, RunOptions.DEFAULTS).result().block();
 * }</pre>
 *
 * <p>A run's workflow id is its run id; its events go to a journal store local runs, the console and {@code cadre runs}
 * read: by default per-run files in the runs directory (workers sharing it append a run in turn), or a shared store
 * such as PostgreSQL for workers on several machines ({@link Builder#journalStore}). Crews are code, as workflows
 * are: every worker on the task queue registers the crews it may run.
 *
 * <p>Over 300 lines: the embedded API (register workers, run, resume, handle, move, the workspace-host status) and its
 * builder's documented settings; the workflow and activities it wires are in {@code internal}.
 */
public final class TemporalCadre implements AutoCloseable {

    /** How long a run's next workflow task waits for the worker that ran its last one (Temporal's default). */
    public static final java.time.Duration STICKY_TIMEOUT = java.time.Duration.ofSeconds(5);

    /** The task queue workflows and model calls use unless told otherwise. */
    public static final String DEFAULT_TASK_QUEUE = "cadre";

    private final WorkflowClient client;
    private final String taskQueue;
    private final String toolQueue;
    private final Path runs;
    private final JournalKey key;
    private final boolean fsync;
    /** This process's store in the runs directory: its workers append to it, its handles read from it. */
    private final JournalStore store;
    private final HumanGate gate;
    private final List<Tool> tools;
    /** The directory this worker's tools work in (absolute), recorded in the run_started of runs it takes tool calls of. */
    private final String workspace;
    private final RunCore.Settings settings;
    private final int continueAsNewAfter;
    private final java.time.Duration heartbeatTimeout;
    private final java.time.Duration stickyTimeout;
    private final Map<String, Crew> crews = new ConcurrentHashMap<>();
    private final List<AutoCloseable> opened = new ArrayList<>();

    private TemporalCadre(Builder b) {
        this.client = b.client;
        this.taskQueue = b.taskQueue;
        this.toolQueue = b.toolQueue;
        this.runs = Objects.requireNonNull(b.runs, "runsDirectory: where the runs' journals go");
        this.key = Objects.requireNonNull(b.key, "journalKey: the key every worker shares");
        this.fsync = b.fsync;
        // Per-run files by default, not the local segment store: a run's workflow tasks move between workers, so several
        // processes append one run in turn, and per-run files show each appender what the others wrote (a segment
        // store's reader in one process does not see another's later appends to the same run; docs/journal.md).
        // Local runs, the console and `cadre runs` read these files through their own (segment) store.
        this.store = b.store != null ? b.store : new RunFilesJournalStore(runs, key, Durability.of(fsync));
        this.continueAsNewAfter = b.continueAsNewAfter;
        this.heartbeatTimeout = b.heartbeatTimeout;
        this.stickyTimeout = b.stickyTimeout;
        this.gate = b.gate;
        this.tools = List.copyOf(b.tools);
        this.workspace = b.workspace == null ? null : b.workspace.toAbsolutePath().normalize().toString();
        this.settings = RunCore.Settings.of(Objects.requireNonNull(b.models, "models: configure a ModelRegistry"), b.redactor);
        b.crews.forEach(this::crew);
    }

    public static Builder builder(WorkflowClient client) {
        return new Builder(client);
    }

    /** The data converter clients and workers of Cadre runs must use: JSON through Cadre's Jackson mapping. */
    public static DataConverter dataConverter() {
        return DefaultDataConverter.newDefaultInstance().withPayloadConverterOverrides(new JacksonJsonPayloadConverter(ChatJson.mapper()));
    }

    /** The task queue of this process's workflows and model calls. */
    public String taskQueue() {
        return taskQueue;
    }

    /** Registers a crew this process's workers may run (by its name); returns it. */
    public Crew crew(Crew crew) {
        crews.put(crew.name(), crew);
        return crew;
    }

    /**
     * Registers Cadre's workflow and activities on {@code factory}: workflows and model calls on the task queue, tool
     * calls on the tool queue (the same queue unless this worker holds a workspace of its own).
     */
    public void register(WorkerFactory factory) {
        WorkerSetup setup = new WorkerSetup(crews::get, settings, continueAsNewAfter, heartbeatTimeout);
        Worker worker = factory.newWorker(taskQueue, WorkerOptions.newBuilder().setStickyQueueScheduleToStartTimeout(stickyTimeout).build());
        worker.registerWorkflowImplementationFactory(CrewWorkflow.class, () -> new CrewWorkflowImpl(setup));
        JournalActivities journal = new JournalActivities(store, gate, client);
        PayloadStore payloads = new PayloadStore(store, runs);   // the store's payloads (a PostgreSQL table), else files in runs
        ToolActivities toolCalls = new ToolActivities(tools, payloads, workspace);
        synchronized (opened) {
            opened.add(journal);
            opened.add(toolCalls);
        }
        worker.registerActivitiesImplementations(new ModelActivities(settings.models(), payloads, toolCalls.heartbeats(),
                store.liveTokens().orElse(null), settings.redactor()), journal, new PayloadActivities(payloads));
        if (toolQueue == null || toolQueue.equals(taskQueue)) {
            worker.registerActivitiesImplementations(toolCalls);
        } else {
            factory.newWorker(toolQueue).registerActivitiesImplementations(toolCalls);
        }
    }

    /** Starts {@code crew} on {@code task} as a workflow; bad input (a context no step produces) is refused here. */
    public RunHandle run(Crew crew, Task task, RunOptions options) {
        crew(crew);
        String runId = options.runId() != null ? options.runId() : newRunId();
        RunCore.started(runId, crew, task, options, settings, Instant.now());
        if (store.contains(runId)) {
            throw new IllegalArgumentException("Run id '" + runId + "' is taken: its journal " + store.location(runId)
                    + " already exists.");
        }
        return start(new CrewWorkflow.Start(runId, crew.name(), task, options.context(), options.maxOutputRetries(), false, toolQueue,
                options.crewSource(), options.streaming()));
    }

    /**
     * Resumes a run from its journal on the cluster (after every worker was stopped, or a cut journal): what the
     * journal holds is not done again. A run whose journal shows it ended is returned ended.
     */
    public RunHandle resume(String runId, Crew crew, RunOptions options) {
        crew(crew);
        List<RunEvent> events = store.read(runId)
                .requireVerified(options.trustUnverifiedJournal()).events();
        if (events.isEmpty() || !(events.get(0) instanceof RunEvent.RunStarted started)) {
            throw new IllegalArgumentException("Run '" + runId + "' cannot be resumed: its journal does not begin with the run's start.");
        }
        if (!started.crew().equals(crew.name())) {
            throw new IllegalArgumentException("Run '" + runId + "' was started with crew '" + started.crew() + "', not '"
                    + crew.name() + "': resume it with the same crew.");
        }
        return start(new CrewWorkflow.Start(runId, crew.name(), started.task(), options.context(), options.maxOutputRetries(), true,
                toolQueue, null, options.streaming()));
    }

    private RunHandle start(CrewWorkflow.Start start) {
        CrewWorkflow workflow = client.newWorkflowStub(CrewWorkflow.class,
                WorkflowOptions.newBuilder().setWorkflowId(start.runId()).setTaskQueue(taskQueue).build());
        WorkflowClient.start(workflow::run, start);
        return new TemporalRunHandle(start.runId(), client, store);
    }

    /** The handle of a run on the cluster, by id (to watch it, answer its checkpoints or cancel it from another process). */
    public RunHandle handle(String runId) {
        return new TemporalRunHandle(runId, client, store);
    }

    /**
     * Moves open run {@code runId} to the workspace host whose worker polls {@code toolQueue} ({@code cadre runs move}):
     * its tool calls go there from now on, and those waiting on the old host's queue are asked again there (with the
     * interrupted-call check). For a run whose host is gone and will not return; returns the queue it used before.
     */
    public static String move(WorkflowClient client, String runId, String toolQueue) {
        Builder.requireQueue(toolQueue);
        try {
            return client.newWorkflowStub(CrewWorkflow.class, runId).moveWorkspace(toolQueue);
        } catch (io.temporal.client.WorkflowNotFoundException e) {
            throw new IllegalArgumentException("Run '" + runId + "' has no open workflow on this cluster: there is nothing to move.", e);
        } catch (io.temporal.client.WorkflowUpdateException e) {
            Throwable cause = e.getCause();
            throw new IllegalArgumentException(cause instanceof io.temporal.failure.TemporalFailure t ? t.getOriginalMessage()
                    : String.valueOf(e.getMessage()), e);
        }
    }

    /**
     * Why run {@code runId} waits, when a tool call of it has waited longer than {@code after} on the tool queue with no
     * worker taking it: "Workspace host H is unavailable: ..." (the worker that holds the run's workspace is gone; the
     * run waits until it returns). Empty while no tool call waits that long (or the run is not open).
     */
    public java.util.Optional<String> workspaceHostUnavailable(String runId, java.time.Duration after) {
        String queue = routedTo(runId);
        io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse described;
        try {
            described = client.newUntypedWorkflowStub(runId).describe().getRawDescription();
        } catch (RuntimeException e) {
            return java.util.Optional.empty();
        }
        long now = Instant.now().toEpochMilli();
        for (io.temporal.api.workflow.v1.PendingActivityInfo a : described.getPendingActivitiesList()) {
            long waited = Math.max(0, now - com.google.protobuf.util.Timestamps.toMillis(a.getScheduledTime()));
            if (a.getActivityType().getName().endsWith("CallTool")
                    && a.getState() == io.temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED
                    && waited >= after.toMillis()) {
                String host = queue.contains("@") ? queue.substring(queue.lastIndexOf('@') + 1) : "of task queue " + queue;
                return java.util.Optional.of("Workspace host " + host + " is unavailable: a tool call of run " + runId + " has waited "
                        + java.time.Duration.ofMillis(waited).toSeconds() + " s on task queue " + queue
                        + " and no worker took it. The run waits until that worker returns; or move the run to another host, or"
                        + " put the workspace on shared storage (docs/temporal.md).");
            }
        }
        return java.util.Optional.empty();
    }

    /** The task queue run {@code runId}'s tool calls go to now (moved, perhaps), else this process's setting. */
    private String routedTo(String runId) {
        try {
            return client.newWorkflowStub(CrewWorkflow.class, runId).toolQueue();
        } catch (RuntimeException noWorkerToAnswer) {
            return toolQueue != null ? toolQueue : taskQueue;
        }
    }

    private static String newRunId() {
        return java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(java.time.ZoneOffset.UTC).format(Instant.now())
                + "-" + java.util.HexFormat.of().toHexDigits(java.util.concurrent.ThreadLocalRandom.current().nextLong());
    }

    /** Stops asking gates and closes open journals of this process's workers (the factory is the caller's to shut down). */
    @Override
    public void close() {
        synchronized (opened) {
            for (AutoCloseable c : opened) {
                try {
                    c.close();
                } catch (Exception e) {
                    // closing the rest matters more
                }
            }
            opened.clear();
        }
    }

    /** Builds a {@link TemporalCadre}; models, the runs directory and the journal key are required. */
    public static final class Builder {
        private final WorkflowClient client;
        private String taskQueue = DEFAULT_TASK_QUEUE;
        private String toolQueue;
        private Path runs;
        private JournalKey key;
        private boolean fsync;
        private JournalStore store;
        private int continueAsNewAfter = WorkerSetup.CONTINUE_AS_NEW_AFTER;
        private java.time.Duration heartbeatTimeout = WorkerSetup.HEARTBEAT_TIMEOUT;
        private java.time.Duration stickyTimeout = STICKY_TIMEOUT;
        private HumanGate gate = HumanGate.programmatic();
        private ModelRegistry models;
        private Redactor redactor = Redactor.none();
        private final List<Tool> tools = new ArrayList<>();
        private final List<Crew> crews = new ArrayList<>();
        private Path workspace;

        private Builder(WorkflowClient client) {
            this.client = Objects.requireNonNull(client, "client");
        }

        /** The task queue of workflows and model calls (default {@value #DEFAULT_TASK_QUEUE}). */
        public Builder taskQueue(String queue) { this.taskQueue = requireQueue(queue); return this; }
        /** The task queue of tool calls: a queue per workspace host (default: the task queue). */
        public Builder toolQueue(String queue) { this.toolQueue = requireQueue(queue); return this; }
        /**
         * Where journals and payloads go with the default store: a directory every worker and client of these runs shares
         * (with a shared {@link #journalStore(JournalStore)} that keeps payloads, such as PostgreSQL, each may have its own).
         */
        public Builder runsDirectory(Path directory) { this.runs = Objects.requireNonNull(directory); return this; }
        /** The key authenticating journal lines: from configuration every worker shares, not a file on one of them. */
        public Builder journalKey(JournalKey journalKey) { this.key = Objects.requireNonNull(journalKey); return this; }
        public Builder fsyncJournal(boolean on) { this.fsync = on; return this; }
        /**
         * Where runs are journaled (default: per-run files in {@link #runsDirectory(Path)}, which every worker sharing the
         * directory appends in turn and local runs of that directory read; durability as {@link #fsyncJournal(boolean)}
         * says; a shared PostgreSQL store for workers on machines without a shared directory; see docs/journal.md).
         */
        public Builder journalStore(JournalStore journalStore) { this.store = Objects.requireNonNull(journalStore); return this; }
        /**
         * The history length (events) past which a run continues as a new workflow run that resumes from its journal
         * (default 8,000, below Temporal's warning at 10,240; Temporal's own suggestion is followed too).
         */
        public Builder continueAsNewAfter(int events) {
            if (events < 50) {
                throw new IllegalArgumentException("continueAsNewAfter is " + events + ": give at least 50 history events.");
            }
            this.continueAsNewAfter = events;
            return this;
        }
        /**
         * How long a model or tool call may go without a heartbeat (calls heartbeat at a third of it) before Temporal
         * retries it on another worker (default 30 s): how soon the calls of a killed worker go on elsewhere. The
         * workflow sets it, so give every worker of a task queue the same.
         */
        public Builder heartbeatTimeout(java.time.Duration timeout) {
            if (timeout == null || timeout.compareTo(java.time.Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("heartbeatTimeout is " + timeout + ": give at least 1 second.");
            }
            this.heartbeatTimeout = timeout;
            return this;
        }
        /**
         * How long a run's next workflow task waits for this worker, which holds the run's workflow in its cache (Temporal's
         * sticky execution), before the cluster gives it to any worker of the task queue (default Temporal's 5 s): how soon
         * a run whose worker died between two tasks goes on elsewhere. {@link java.time.Duration#ZERO} turns sticky
         * execution off (each task replays the run's history): for Temporal's Java test server, which never moves a task
         * off a dead worker's sticky queue (docs/temporal.md).
         */
        public Builder stickyTimeout(java.time.Duration timeout) {
            if (timeout == null || timeout.isNegative()) {
                throw new IllegalArgumentException("stickyTimeout is " + timeout + ": give 0 (no sticky execution) or more.");
            }
            this.stickyTimeout = timeout;
            return this;
        }
        /** Who decides checkpoints on this process's workers (default: nobody but the run's handle and the decide update). */
        public Builder gate(HumanGate humanGate) { this.gate = Objects.requireNonNull(humanGate); return this; }
        public Builder models(ModelRegistry registry) { this.models = registry; return this; }
        /** What masks secrets in events (default: nothing masked). */
        public Builder redactor(Redactor r) { this.redactor = Objects.requireNonNull(r); return this; }
        public Builder tools(List<? extends Tool> more) { more.forEach(t -> Tool.requireValidName(t.name())); this.tools.addAll(more); return this; }
        public Builder crew(Crew crew) { this.crews.add(Objects.requireNonNull(crew)); return this; }
        /**
         * The directory this worker's tools work in ({@code cadre worker --workspace}): recorded, as a local run records
         * its workspace, in the {@code run_started} of each run whose tool calls this worker takes (default: none recorded).
         */
        public Builder workspace(Path directory) { this.workspace = Objects.requireNonNull(directory); return this; }

        public TemporalCadre build() {
            return new TemporalCadre(this);
        }

        private static String requireQueue(String queue) {
            if (queue == null || queue.isBlank() || queue.length() > 200) {
                throw new IllegalArgumentException("Task queue '" + queue + "' is invalid: give 1 to 200 characters.");
            }
            return queue;
        }
    }
}
