package dev.cadre.orchestrator;

import dev.cadre.api.crew.Crew;
import dev.cadre.orchestrator.pattern.Pattern;
import dev.cadre.api.crew.Review;
import dev.cadre.api.crew.Step;
import dev.cadre.api.Agent;
import dev.cadre.api.ForkedFrom;
import dev.cadre.orchestrator.internal.Forks;
import dev.cadre.api.CadreState;
import dev.cadre.api.ModelRef;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.Persona;
import dev.cadre.api.PriceTable;
import dev.cadre.orchestrator.redaction.Redactor;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunListener;
import dev.cadre.api.Task;
import dev.cadre.api.Tool;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.orchestrator.journal.Durability;
import dev.cadre.orchestrator.journal.JournalStore;
import dev.cadre.orchestrator.journal.LocalJournalStore;
import dev.cadre.orchestrator.journal.StoredJournal;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cadre.api.HumanGate;
import dev.cadre.orchestrator.internal.Crews;
import dev.cadre.orchestrator.internal.DefaultRunHandle;
import dev.cadre.orchestrator.internal.JsonSchemas;
import dev.cadre.orchestrator.internal.RecordedRun;
import dev.cadre.orchestrator.internal.RunRecorder;
import dev.cadre.orchestrator.internal.core.Core;
import dev.cadre.orchestrator.internal.local.LocalDriver;
import dev.cadre.orchestrator.internal.local.RateLimits;
import dev.cadre.api.RateLimit;
import dev.langchain4j.model.TokenCountEstimator;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.time.Instant;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.Objects;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Runs crews (and single agents) on tasks. Every run is a stream of {@link RunEvent}s, each appended to the run's
 * journal (by default the {@link LocalJournalStore} in the runs directory, see docs/journal.md) before it is published;
 * a run can be resumed from its journal.
 *
 * <pre>{@code
 * Orchestrator orchestrator = Orchestrator.builder()
 *     .models(ModelRegistry.of("openai:gpt-4.1-mini", chatModel))
 *     .tools(List.of(myTool))
 *     .build();
 * RunHandle run = orchestrator.run(orchestrator.agent(persona), task);
 * run.events().subscribe(System.out::println);
 * RunResult result = run.result().block();
 * }</pre>
 *
 * <p>Over 300 lines: the one public door, its builder (models, tools, journal, gates, redaction, interceptors, token
 * estimators, patterns) and run, resume and fork with their checks before a run starts; the engine itself is in
 * {@code internal}, fork's history in {@code internal.Forks}. The builder's settings are the part to move into a
 * record of their own if it grows.
 */
public final class Orchestrator {

    private static final Logger log = LoggerFactory.getLogger(Orchestrator.class);
    private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final ModelRegistry models;
    private final List<Tool> tools;
    private final Path runsDirectory;
    private final JournalKey journalKey;
    private final Clock clock;
    private final Scheduler blocking;
    private final PriceTable prices;
    private final JournalStore store;
    private final int maxConcurrentTools;
    private final HumanGate gate;
    private final Redactor redactor;
    private final List<RunListener> listeners;
    private final List<TurnInterceptor> interceptors;
    private final Map<String, TokenCountEstimator> tokenEstimators;
    private final JsonSchemas schemas = new JsonSchemas();
    private final Cache<LocalDriver.ModelCacheKey, ChatResponse> modelCache;
    private final java.util.Map<String, Pattern<Step.Custom>> patterns;
    private final RateLimits rateLimits;

    private Orchestrator(Builder b) {
        this.models = Objects.requireNonNull(b.models, "models: configure a ModelRegistry");
        this.tools = List.copyOf(b.tools);
        this.runsDirectory = b.runsDirectory != null ? b.runsDirectory : CadreState.runsDirectory();
        this.journalKey = b.journalKey != null ? b.journalKey : JournalKey.fromStateDirectory();
        this.clock = b.clock;
        this.blocking = b.blocking;
        this.prices = b.prices;
        this.store = b.store != null ? b.store : LocalJournalStore.open(runsDirectory, journalKey, Durability.of(b.fsync));
        this.maxConcurrentTools = b.maxConcurrentTools;
        this.gate = b.gate;
        this.redactor = b.redactor != null ? b.redactor : Redactor.fromEnvironment(System.getenv());
        List<RunListener> all = new ArrayList<>(b.listeners);
        all.add(new dev.cadre.orchestrator.internal.WaitingLog());   // a waiting run says so (issue #18)
        this.listeners = List.copyOf(all);
        this.interceptors = List.copyOf(b.interceptors);
        this.tokenEstimators = Map.copyOf(b.tokenEstimators);
        this.modelCache = Caffeine.newBuilder().maximumSize(b.modelCacheSize).build();
        this.patterns = java.util.Map.copyOf(b.patterns);
        this.rateLimits = new RateLimits(b.rateLimits, b.rateLimitTimer, b.maxRateLimitWaiters);
        tools.forEach(t -> Tool.requireValidName(t.name()));
    }

    public static Builder builder() {
        return new Builder();
    }

    public Path runsDirectory() {
        return runsDirectory;
    }

    /** Where this orchestrator's runs are journaled (and read back from by resume, fork, replay and the console). */
    public JournalStore journalStore() {
        return store;
    }

    /** The key that authenticates this orchestrator's journal lines. */
    public JournalKey journalKey() {
        return journalKey;
    }

    /** What masks secrets in this orchestrator's runs. */
    public Redactor redactor() {
        return redactor;
    }

    /**
     * The rate limit calls to {@code model} keep to now, shared by all this orchestrator's runs: the configured one,
     * a crew's where stricter, or what the provider's headers said; empty when the model has none.
     */
    public java.util.Optional<RateLimit> rateLimit(String model) {
        return java.util.Optional.ofNullable(rateLimits.limitOf(model));
    }

    /** The tools this orchestrator offers to agents. */
    public List<Tool> tools() {
        return tools;
    }

    /** An agent for {@code persona}, its tool names and globs resolved against this orchestrator's tools. */
    public Agent agent(Persona persona) {
        return Agent.resolve(persona, tools);
    }

    /** Runs one agent on one task, under the default crew policy. */
    public RunHandle run(Agent agent, Task task) {
        return run(agent, task, RunOptions.DEFAULTS);
    }

    /** Runs one agent on one task, under the default crew policy; the step's path is the task's id. */
    public RunHandle run(Agent agent, Task task, RunOptions options) {
        return run(soloCrew(agent, task), task, options);
    }

    /** Runs a crew on a task: the task's inputs fill every step's variables, and {@code {task}} is its description. */
    public RunHandle run(Crew crew, Task task) {
        return run(crew, task, RunOptions.DEFAULTS);
    }

    /** Runs a crew on a task. Configuration errors (a context no step produces) are thrown before anything runs. */
    public RunHandle run(Crew crew, Task task, RunOptions options) {
        Set<String> names = Crews.outputNames(crew.process());
        Crews.validate(crew, names, options.context().keySet());
        Crews.requirePatterns(crew, crew.process(), patterns.keySet());
        String runId = options.runId() != null ? options.runId() : newRunId();
        if (options.runId() != null) {
            requireFree(runId);
        }
        JournalStore.Appender journal = options.runId() != null ? store.open(runId) : store.create(runId);   // a made-up id is new
        RunRecorder recorder = new RunRecorder(runId, store, journal, clock, redactor);
        recorder.emit((id, seq, at) -> new RunEvent.RunStarted(id, "", seq, at, crew.name(), task, options.crewSource(), null,
                RunEvent.RunStarted.CURRENT_SCHEMA, options.workspace()));
        return start(recorder, crew, task, options, names, clock.instant(), null);
    }

    /**
     * Resumes a run from its journal after a crash or restart: finished steps are not executed again (recorded
     * model answers, tool results and decisions are reused), a checkpoint still waiting waits again, and the rest
     * continues. {@code crew} must be the crew the run was started with. A run that had already ended is returned
     * ended.
     *
     * <p>The journal must verify under this orchestrator's {@link JournalKey}: one that was changed is refused with a
     * {@link dev.cadre.orchestrator.journal.JournalChangedException} naming the line, and so is one without a MAC chain unless
     * {@link RunOptions#trustUnverifiedJournal()}. When {@code options} carry the crew's source and the journal
     * recorded one, their digests must agree unless {@link RunOptions#crewChanged()}. A journal written with a newer
     * event schema than {@link RunEvent.RunStarted#CURRENT_SCHEMA} is refused; older ones resume.
     */
    public RunHandle resume(String runId, Crew crew, RunOptions options) {
        StoredJournal journal = store.read(runId).requireVerified(options.trustUnverifiedJournal());
        List<RunEvent> events = journal.events();
        RunEvent.RunStarted started = Crews.startOf(runId, journal, crew, options.crewSource(), options.crewChanged());
        RecordedRun recorded = RecordedRun.of(events);
        RunEvent last = events.get(events.size() - 1);
        if (last.isTerminal()) {
            RunRecorder recorder = new RunRecorder(runId, store, null, clock, recorded, redactor);
            recorder.complete();
            return DefaultRunHandle.ended(recorder, Crews.resultFrom(events));
        }
        Set<String> names = Crews.outputNames(crew.process());
        RunRecorder recorder = new RunRecorder(runId, store, store.open(runId), clock, recorded, redactor);
        return start(recorder, crew, started.task(), options, names, started.timestamp(), started.forkedFrom());
    }

    /**
     * Forks a run: a new run (its own journal, linked to the parent in its {@code run_started}) that starts from the
     * parent's state at event {@code atSeq} with {@code change} applied: everything the parent's journal holds up to
     * that event is reused, nothing of it runs again; a step whose output the change replaces is not run. {@code crew}
     * must be the crew the parent ran, as for {@link #resume(String, Crew, RunOptions)}; the parent is not touched.
     */
    public RunHandle fork(String parentRunId, long atSeq, Fork change, Crew crew, RunOptions options) {
        StoredJournal journal = store.read(parentRunId).requireVerified(options.trustUnverifiedJournal());
        RunEvent.RunStarted started = Crews.startOf(parentRunId, journal, crew, options.crewSource(), options.crewChanged());
        List<RunEvent> events = journal.events();
        Forks.validate(parentRunId, events, atSeq, change.editedOutputs(), change.models(), models);
        ForkedFrom link = Forks.link(parentRunId, atSeq, started.forkedFrom(), change.editedOutputs(), change.models());
        String runId = options.runId() != null ? options.runId() : newRunId();
        requireFree(runId);
        RunEvent.RunStarted forkStart = new RunEvent.RunStarted(runId, "", 1, clock.instant(), crew.name(), started.task(),
                options.crewSource() != null ? options.crewSource() : started.crewSource(), link, RunEvent.RunStarted.CURRENT_SCHEMA,
                options.workspace() != null ? options.workspace() : started.workspace());
        List<RunEvent> history = Forks.history(forkStart, events, atSeq, change.editedOutputs().keySet());
        JournalStore.Appender writer = store.open(runId);
        history.forEach(writer::append);
        RunRecorder recorder = new RunRecorder(runId, store, writer, clock, RecordedRun.of(history), redactor);
        Crews.validate(crew, Crews.outputNames(crew.process()), options.context().keySet());
        return start(recorder, crew, started.task(), options, Crews.outputNames(crew.process()), forkStart.timestamp(), link);
    }

    /** {@link #fork(String, long, Fork, Crew, RunOptions)} with default options. */
    public RunHandle fork(String parentRunId, long atSeq, Fork change, Crew crew) {
        return fork(parentRunId, atSeq, change, crew, RunOptions.DEFAULTS);
    }

    /** Resumes a one-agent run (see {@link #resume(String, Crew, RunOptions)}). */
    public RunHandle resume(String runId, Agent agent, RunOptions options) {
        RunEvent first = store.read(runId).events().stream().findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Run '" + runId + "' cannot be resumed: its journal is empty."));
        if (!(first instanceof RunEvent.RunStarted started)) {
            throw new IllegalArgumentException("Run '" + runId + "' cannot be resumed: its journal does not begin with the run's start.");
        }
        return resume(runId, soloCrew(agent, started.task()), options);
    }

    private void requireFree(String runId) {
        if (store.contains(runId)) {
            throw new IllegalArgumentException("Run id '" + runId + "' is taken: its journal " + store.location(runId) + " already exists.");
        }
    }

    private static Crew soloCrew(Agent agent, Task task) {
        return Crew.of(agent.id(), new Step.Work(task.id(), agent, null, Review.NONE));
    }

    private RunHandle start(RunRecorder recorder, Crew crew, Task task, RunOptions options, Set<String> names, Instant startedAt,
                            ForkedFrom fork) {
        rateLimits.add(crew.policy().rateLimits());
        DefaultRunHandle handle = new DefaultRunHandle(recorder, startedAt);
        HumanGate runGate = options.gate() != null ? options.gate() : gate;
        Core core = new Core(new Core.Setup(recorder.runId(), crew, task, recorder.recorded(), models, prices, schemas, redactor,
                maxConcurrentTools, options.maxOutputRetries(), startedAt, names, options.context(), fork, patterns, interceptors,
                tokenEstimators));
        LocalDriver driver = new LocalDriver(core, recorder, handle, new LocalDriver.Services(models, blocking, modelCache, clock, rateLimits),
                crew.policy(), options.streaming(), runGate);
        tellListeners(handle);
        driver.start();
        return handle;
    }

    private void tellListeners(RunHandle handle) {
        for (RunListener listener : listeners) {
            try {
                listener.runStarted(handle);
            } catch (RuntimeException e) {
                log.warn("Run listener {} failed on run {}; the run goes on.", listener, handle.runId(), e);
            }
        }
    }

    /**
     * A time-ordered id with 64 random bits, so thousands of runs started in the same second do not collide. Not
     * SecureRandom: it may read /dev/urandom, a blocking call on the caller's (possibly non-blocking) thread.
     */
    private String newRunId() {
        return RUN_ID_TIME.format(clock.instant()) + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }

    /** Builds an {@link Orchestrator}; only the model registry is required. */
    public static final class Builder {
        private ModelRegistry models;
        private final List<Tool> tools = new ArrayList<>();
        private Path runsDirectory;
        private JournalKey journalKey;
        private Clock clock = Clock.systemUTC();
        private Scheduler blocking = Schedulers.boundedElastic();
        private PriceTable prices = PriceTable.NONE;
        private boolean fsync;
        private JournalStore store;
        private int maxConcurrentTools = 4;
        private HumanGate gate = HumanGate.programmatic();
        private Redactor redactor;
        private long modelCacheSize = 10_000;
        private final List<RunListener> listeners = new ArrayList<>();
        private final java.util.Map<String, Pattern<Step.Custom>> patterns = new java.util.LinkedHashMap<>();

        private final List<TurnInterceptor> interceptors = new ArrayList<>();
        private final Map<String, TokenCountEstimator> tokenEstimators = new LinkedHashMap<>();
        private final Map<String, RateLimit> rateLimits = new LinkedHashMap<>();
        private Scheduler rateLimitTimer = Schedulers.parallel();
        private int maxRateLimitWaiters = 100_000;

        private Builder() {}

        /**
         * A rate limit for {@code model} ({@code openai:gpt-4.1-mini}) shared by every agent and run of this
         * orchestrator (see docs/rate-limits.md); a crew's own limit for the model applies too where it is stricter.
         */
        public Builder rateLimit(String model, RateLimit limit) {
            this.rateLimits.merge(ModelRef.parse(model).toString(), Objects.requireNonNull(limit, "limit"), RateLimit::stricter);
            return this;
        }

        /** How many calls may wait for one model's rate limit at once (default 100,000); more are refused with an error. */
        public Builder maxRateLimitWaiters(int max) {
            if (max < 1) throw new IllegalArgumentException("maxRateLimitWaiters is " + max + ": it must be at least 1.");
            this.maxRateLimitWaiters = max;
            return this;
        }

        /**
         * Where rate-limit waits and retry backoffs are timed (default Reactor's parallel scheduler; a
         * {@code VirtualTimeScheduler} in tests). Waiting holds no thread: one timer per model wakes its queue.
         */
        public Builder rateLimitTimer(Scheduler timer) { this.rateLimitTimer = Objects.requireNonNull(timer); return this; }

        /**
         * A stage of your own in every agent turn (guardrails, redaction); interceptors run in the order they are added.
         * It must be deterministic: it runs again when a run resumes (see {@link TurnInterceptor}).
         */
        public Builder interceptor(TurnInterceptor interceptor) { this.interceptors.add(Objects.requireNonNull(interceptor)); return this; }

        /**
         * Counts the prompt tokens of requests to {@code model} (a reference such as {@code openai:gpt-4.1-mini}) for
         * budgets and the context window, e.g. LangChain4j's {@code OpenAiTokenCountEstimator}; models without one count
         * characters / 4. It must be deterministic and do no I/O.
         */
        public Builder tokenCountEstimator(String model, TokenCountEstimator estimator) {
            this.tokenEstimators.put(ModelRef.parse(model).toString(), Objects.requireNonNull(estimator));
            return this;
        }

        /** Runs a crew's {@link Step.Custom} steps of {@code kind} with {@code pattern} (see docs/patterns.md). */
        public Builder pattern(String kind, Pattern<Step.Custom> pattern) {
            if (kind == null || !Step.NAME.matcher(kind).matches()) {
                throw new IllegalArgumentException("Pattern kind '" + kind + "' is invalid: use 1 to 64 letters, digits, '_' or '-'.");
            }
            if (patterns.putIfAbsent(kind, java.util.Objects.requireNonNull(pattern, "pattern")) != null) {
                throw new IllegalArgumentException("A pattern for kind '" + kind + "' is already registered.");
            }
            return this;
        }

        /** Who decides checkpoints (default: nobody but {@link RunHandle#resolve}, so runs wait for it). */
        public Builder gate(HumanGate gate) { this.gate = Objects.requireNonNull(gate); return this; }
        /**
         * What masks secrets (as {@value Redactor#MASK}) in every event before it is journaled and published, in tool
         * results before a model sees them, and in outputs. Default: {@link Redactor#fromEnvironment} of this
         * process's environment (API keys, tokens, passwords) plus well-known key shapes; {@link Redactor#none()}
         * turns redaction off.
         */
        public Builder redactor(Redactor redactor) { this.redactor = Objects.requireNonNull(redactor); return this; }

        /** How many model answers the cache of crews with caching on keeps (default 10,000). */
        public Builder modelCacheSize(long size) { this.modelCacheSize = size; return this; }

        /** Told about every run this orchestrator starts or resumes (tracing, metrics, the web console). */
        public Builder listener(RunListener listener) { this.listeners.add(Objects.requireNonNull(listener)); return this; }

        public Builder models(ModelRegistry models) { this.models = models; return this; }
        public Builder tool(Tool tool) { this.tools.add(tool); return this; }
        public Builder tools(List<? extends Tool> tools) { this.tools.addAll(tools); return this; }
        /**
         * Where journals go (default {@link CadreState#runsDirectory()}: {@code runs} in the user's state directory,
         * outside every workspace). Keep it out of the directories agents' tools can write.
         */
        public Builder runsDirectory(Path directory) { this.runsDirectory = Objects.requireNonNull(directory); return this; }
        /**
         * The key that authenticates journal lines (HMAC-SHA256, each line chained to the one before); default
         * {@link JournalKey#fromStateDirectory()}, created there on first use. Journals verify only under their key.
         */
        public Builder journalKey(JournalKey key) { this.journalKey = Objects.requireNonNull(key); return this; }
        public Builder clock(Clock clock) { this.clock = Objects.requireNonNull(clock); return this; }
        /** Where blocking model clients and tools run (default Reactor's boundedElastic). */
        public Builder blockingScheduler(Scheduler scheduler) { this.blocking = Objects.requireNonNull(scheduler); return this; }
        public Builder prices(PriceTable prices) { this.prices = Objects.requireNonNull(prices); return this; }
        /**
         * Force each journal line to disk before it is published (survives power loss; concurrent runs share each sync).
         * Off by default: lines survive a killed process either way.
         */
        public Builder fsyncJournal(boolean fsync) { this.fsync = fsync; return this; }
        /**
         * Where runs are journaled (default: the local store in {@link #runsDirectory(Path)}, durability as
         * {@link #fsyncJournal(boolean)} says); e.g. a {@link dev.cadre.orchestrator.journal.MemoryJournalStore} for tests.
         */
        public Builder journalStore(JournalStore store) { this.store = Objects.requireNonNull(store); return this; }
        /** How many read-only tool calls of one model answer may run at once (default 4). */
        public Builder maxConcurrentTools(int max) {
            if (max < 1) throw new IllegalArgumentException("maxConcurrentTools is " + max + ": it must be at least 1.");
            this.maxConcurrentTools = max;
            return this;
        }

        public Orchestrator build() {
            return new Orchestrator(this);
        }
    }
}
