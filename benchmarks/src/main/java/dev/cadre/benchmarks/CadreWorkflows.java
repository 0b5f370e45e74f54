package dev.cadre.benchmarks;

import dev.cadre.api.Agent;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.Persona;
import dev.cadre.orchestrator.redaction.Redactor;
import dev.cadre.api.RunResult;
import dev.cadre.api.Task;
import dev.cadre.api.Tool;
import dev.cadre.api.crew.Crew;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.orchestrator.RunOptions;
import dev.cadre.api.crew.Step;
import dev.cadre.api.crew.Until;
import dev.cadre.tools.LangChain4jTools;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The workflows on Cadre's orchestrator, as a user writes them: crews of {@link Step}s, each run journaled to the
 * store {@link BenchStore} names (default the local segment store in a temporary directory, process durability), the debate with its own pattern ({@link Step.Debate}
 * with a judge, 2 revision rounds after the first answers = 3 rounds).
 */
public final class CadreWorkflows implements Workflows {

    private final BenchModel model;
    private final ScheduledExecutorService timer;
    private final BenchStore store;
    private final Orchestrator orchestrator;
    private final Crew sequential;
    private final Crew loop;
    private final Crew parallel;
    private final Crew debate;
    private final Task task = Task.of("bench", "Do the benchmark task.");
    private final RunOptions options;

    public CadreWorkflows() {
        this(Duration.ZERO);
    }

    public CadreWorkflows(Duration delay) {
        this(delay, false);
    }

    /**
     * With a non-zero delay the model streams its answer after {@code delay} without holding a thread. With
     * {@code streaming} W1-W4 call the model through its streaming interface too (the instant model then answers on
     * the calling thread); without it they call the blocking {@code ChatModel}, which Cadre moves to its blocking
     * scheduler, as it does for every blocking client.
     */
    public CadreWorkflows(Duration delay, boolean streaming) {
        this(delay, streaming, "file");
    }

    /** {@code storeName}: the journal store ({@link BenchStore#NAMES}: {@code file}, {@code memory}, {@code runfiles}). */
    public CadreWorkflows(Duration delay, boolean streaming, String storeName) {
        this(delay, streaming, new BenchStore(storeName));
    }

    CadreWorkflows(Duration delay, boolean streaming, BenchStore store) {
        this.store = store;
        this.options = RunOptions.DEFAULTS.withStreaming(streaming);
        this.timer = delay.isZero() ? null : BenchModel.timer("bench-model-timer");
        this.model = new BenchModel(delay, timer);
        List<Tool> tools = LangChain4jTools.from(new BumpTool());
        // -Dbench.redactor=none measures without redaction (the default redactor masks this process's env secrets)
        Redactor redactor = "none".equals(System.getProperty("bench.redactor")) ? Redactor.none()
                : Redactor.fromEnvironment(System.getenv());
        this.orchestrator = Orchestrator.builder()
                .models(ModelRegistry.builder().model("bench:m", model).defaultModel("bench:m").build())
                .tools(tools)
                .journalStore(store)
                .redactor(redactor)
                .build();

        List<Step> seq = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            Task.Builder t = Task.builder("s" + i).description("Step " + i + " of the task.");
            if (i > 1) {
                t.context("s" + (i - 1));
            }
            seq.add(Step.work(agent("a" + i), t.build()));
        }
        this.sequential = Crew.of("w1-sequential", new Step.Sequential("sequential", seq));

        this.loop = loopCrew(tools);

        List<Step> branches = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            branches.add(Step.work(agent("p" + i), Task.of("p" + i, "Part " + i + " of the task.")));
        }
        this.parallel = Crew.of("w3-parallel", new Step.Parallel("parallel", branches, 8));

        this.debate = Crew.of("w4-debate", new Step.Debate("debate",
                List.of(agent("d1"), agent("d2"), agent("d3")), Task.of("question", "Answer the question."),
                2, agent("judge"), null, null));
    }

    /** W2: coder (with {@code tools}, the {@code bump} tool) and reviewer, 3 iterations (9 model calls, 3 tool calls). */
    static Crew loopCrew(List<Tool> tools) {
        Agent coder = Agent.resolve(Persona.builder("coder").role("Coder").tools("bump").build(), tools);
        return Crew.of("w2-loop", Step.loop("loop", Until.textContains("review", "APPROVED"), 3,
                Step.work(coder, Task.builder("code").description("Write the code.").context("review").build()),
                Step.work(agent("reviewer"), Task.builder("review").description("Review the code.").context("code").build())));
    }

    private static Agent agent(String id) {
        return Agent.of(Persona.builder(id).role("Agent " + id).build());
    }

    private String run(Crew crew) {
        RunResult result = orchestrator.run(crew, task, options).result().block();
        if (result == null || !result.succeeded()) {
            throw new IllegalStateException("Cadre run of " + crew.name() + " failed: " + (result == null ? "no result" : result.reason()));
        }
        return result.output();
    }

    @Override
    public String sequential() {
        return run(sequential);
    }

    @Override
    public String loop() {
        return run(loop);
    }

    @Override
    public String parallel() {
        return run(parallel);
    }

    @Override
    public String debate() {
        return run(debate);
    }

    @Override
    public CompletionStage<String> loopAsync() {
        return orchestrator.run(loop, task, RunOptions.DEFAULTS.withStreaming(true)).result()
                .map(r -> {
                    if (!r.succeeded()) {
                        throw new IllegalStateException("Cadre loop run failed: " + r.reason());
                    }
                    return r.output();
                })
                .toFuture();
    }

    @Override
    public long modelCalls() {
        return model.calls();
    }

    @Override
    public void cleanUp() {
        store.reset();
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
        store.close();
    }
}
