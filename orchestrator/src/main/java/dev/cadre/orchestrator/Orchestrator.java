package dev.cadre.orchestrator;

import dev.cadre.api.Agent;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.Persona;
import dev.cadre.api.PriceTable;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.Task;
import dev.cadre.api.Tool;
import dev.cadre.api.journal.JournalWriter;
import dev.cadre.orchestrator.internal.AgentTurn;
import dev.cadre.orchestrator.internal.DefaultRunHandle;
import dev.cadre.orchestrator.internal.JsonSchemas;
import dev.cadre.orchestrator.internal.RunRecorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Runs agents on tasks. Every run is a stream of {@link RunEvent}s, each appended to the run's journal
 * ({@code <runsDirectory>/<runId>.jsonl}) before it is published.
 *
 * <pre>{@code
 * Orchestrator orchestrator = Orchestrator.builder()
 *     .models(ModelRegistry.of("openai:gpt-4.1-mini", chatModel))
 *     .tools(List.of(myTool))
 *     .runsDirectory(Path.of(".cadre/runs"))
 *     .build();
 * RunHandle run = orchestrator.run(orchestrator.agent(persona), task);
 * run.events().subscribe(System.out::println);
 * RunResult result = run.result().block();
 * }</pre>
 */
public final class Orchestrator {

    private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final ModelRegistry models;
    private final List<Tool> tools;
    private final Path runsDirectory;
    private final Clock clock;
    private final Scheduler blocking;
    private final PriceTable prices;
    private final boolean fsync;
    private final int maxConcurrentTools;
    private final JsonSchemas schemas = new JsonSchemas();
    private final SecureRandom random = new SecureRandom();

    private Orchestrator(Builder b) {
        this.models = Objects.requireNonNull(b.models, "models: configure a ModelRegistry");
        this.tools = List.copyOf(b.tools);
        this.runsDirectory = b.runsDirectory;
        this.clock = b.clock;
        this.blocking = b.blocking;
        this.prices = b.prices;
        this.fsync = b.fsync;
        this.maxConcurrentTools = b.maxConcurrentTools;
        tools.forEach(t -> Tool.requireValidName(t.name()));
    }

    public static Builder builder() {
        return new Builder();
    }

    public Path runsDirectory() {
        return runsDirectory;
    }

    /** The tools this orchestrator offers to agents. */
    public List<Tool> tools() {
        return tools;
    }

    /** An agent for {@code persona}, its tool names and globs resolved against this orchestrator's tools. */
    public Agent agent(Persona persona) {
        return Agent.resolve(persona, tools);
    }

    /** Runs one agent on one task. */
    public RunHandle run(Agent agent, Task task) {
        return run(agent, task, RunOptions.DEFAULTS);
    }

    /** Runs one agent on one task; the step's path is the task's id. */
    public RunHandle run(Agent agent, Task task, RunOptions options) {
        String runId = options.runId() != null ? options.runId() : newRunId();
        if (options.runId() != null && Files.exists(JournalWriter.fileFor(runsDirectory, runId))) {
            throw new IllegalArgumentException("Run id '" + runId + "' is taken: its journal "
                    + JournalWriter.fileFor(runsDirectory, runId) + " already exists.");
        }
        RunRecorder recorder = new RunRecorder(runId, JournalWriter.open(runsDirectory, runId, fsync), clock);
        DefaultRunHandle handle = new DefaultRunHandle(recorder);
        recorder.emit((id, seq, at) -> new RunEvent.RunStarted(id, "", seq, at, agent.id(), task.id(), task.inputs()));
        AgentTurn turn = new AgentTurn(recorder, new AgentTurn.Settings(models, prices, blocking, schemas,
                options.maxOutputRetries(), options.streaming(), maxConcurrentTools));
        String path = task.id();
        handle.start(turn.run(new AgentTurn.Spec(agent, task, options.context(), path))
                .doOnNext(output -> handle.stepOutput(path, output))
                .contextWrite(ctx -> ctx.put("cadre.run_id", runId)));
        return handle;
    }

    private String newRunId() {
        byte[] bytes = new byte[4];
        random.nextBytes(bytes);
        return RUN_ID_TIME.format(clock.instant()) + "-" + HexFormat.of().formatHex(bytes);
    }

    /** Builds an {@link Orchestrator}; only the model registry is required. */
    public static final class Builder {
        private ModelRegistry models;
        private final List<Tool> tools = new ArrayList<>();
        private Path runsDirectory = Path.of(".cadre", "runs");
        private Clock clock = Clock.systemUTC();
        private Scheduler blocking = Schedulers.boundedElastic();
        private PriceTable prices = PriceTable.NONE;
        private boolean fsync;
        private int maxConcurrentTools = 4;

        private Builder() {}

        public Builder models(ModelRegistry models) { this.models = models; return this; }
        public Builder tool(Tool tool) { this.tools.add(tool); return this; }
        public Builder tools(List<? extends Tool> tools) { this.tools.addAll(tools); return this; }
        /** Where journals go (default {@code .cadre/runs} under the working directory). */
        public Builder runsDirectory(Path directory) { this.runsDirectory = Objects.requireNonNull(directory); return this; }
        public Builder clock(Clock clock) { this.clock = Objects.requireNonNull(clock); return this; }
        /** Where blocking model clients and tools run (default Reactor's boundedElastic). */
        public Builder blockingScheduler(Scheduler scheduler) { this.blocking = Objects.requireNonNull(scheduler); return this; }
        public Builder prices(PriceTable prices) { this.prices = Objects.requireNonNull(prices); return this; }
        /** Force each journal line to disk (survives power loss; slower). Off by default: lines survive a killed process either way. */
        public Builder fsyncJournal(boolean fsync) { this.fsync = fsync; return this; }
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
