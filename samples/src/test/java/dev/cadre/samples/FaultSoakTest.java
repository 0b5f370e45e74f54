package dev.cadre.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.Agent;
import dev.cadre.api.HumanGate;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Task;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolContext;
import dev.cadre.api.ToolResult;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.RetryPolicy;
import dev.cadre.api.crew.Step;
import dev.cadre.api.crew.Worker;
import dev.cadre.orchestrator.journal.StoredJournal;
import dev.cadre.cli.demo.DemoProject;
import dev.cadre.cli.demo.DemoScript;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.orchestrator.RunOptions;
import dev.cadre.personas.PersonaLibrary;
import dev.cadre.testkit.Fault;
import dev.cadre.testkit.FaultInjectingModel;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.tools.Workspace;
import dev.langchain4j.agent.tool.ToolSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The sample crews under an unreliable model: {@value #DEFAULT_RUNS} runs of each (or {@code -Dfaults.runs=N}) with
 * 20% of model calls faulty ({@code -Dfaults.rate}), every kind of {@link Fault} alike, half of the runs streaming.
 * Each run either ends as the fault-free run does (same output, same files), or fails cleanly (FAILED, a one-line
 * reason, a readable journal ending with RunFailed), or (hierarchical) ends after its manager was told that a worker's
 * step failed, as the pattern's policy says; no run hangs; no call of a tool that writes or executes runs
 * twice; no step starts twice. Runs whose faults were all transient and within the retry bound must succeed.
 * Processes are kept out (in-process stand-ins answer {@code run_command} and {@code git_diff}) so it fits the build.
 */
class FaultSoakTest {

    static final int DEFAULT_RUNS = 200;
    static final int RUNS = Integer.getInteger("faults.runs", DEFAULT_RUNS);
    static final double RATE = Double.parseDouble(System.getProperty("faults.rate", "0.2"));
    static final long SEED = Long.getLong("faults.seed", 2026);
    static final int HEAVY_RUNS = Integer.getInteger("faults.heavyRuns", 40);
    static final int CONCURRENCY = 4;
    static final Duration HANG = Duration.ofSeconds(60);
    static final RetryPolicy FAST_RETRIES = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(8), 0.5);

    private static final Logger log = LoggerFactory.getLogger(FaultSoakTest.class);

    @TempDir
    static Path dir;
    static Path project;

    @BeforeAll
    static void template() {
        project = DemoProject.copyTo(dir.resolve("template"));
    }

    /** One sample crew: how to build it over a workspace (tools already swapped), its script, its task, its files. */
    record Scenario(String name, Function<Workspace, Crew> crew, Supplier<ScriptedModel> script, Task task, List<String> files) {}

    @Test
    void theCoderReviewerCrewEndsAsWithoutFaultsOrFailsCleanly() throws Exception {
        soak(coderReviewer(), RUNS, RATE);
    }

    @Test
    void theDebateCrewEndsAsWithoutFaultsOrFailsCleanly() throws Exception {
        soak(debate(), RUNS, RATE);
    }

    @Test
    void theHierarchicalCrewEndsAsWithoutFaultsOrFailsCleanly() throws Exception {
        soak(hierarchical(), RUNS, RATE);
    }

    /** With half the calls faulty many runs fail: each must fail cleanly, and still no side effect twice. */
    @Test
    void whenHalfTheCallsAreFaultyRunsThatFailFailCleanly() throws Exception {
        int failed = 0;
        for (Scenario scenario : List.of(coderReviewer(), debate(), hierarchical())) {
            failed += soak(scenario, HEAVY_RUNS, 0.5);
        }
        assertThat(failed).as("the heavy rate makes runs fail").isPositive();
    }

    static Scenario coderReviewer() {
        return new Scenario("coder-reviewer", ws -> SampleCrews.load("coder-reviewer", PersonaLibrary.builtIn(), ws).crew(),
                DemoScript::model, Task.of("fix", DemoScript.TASK), List.of("src/Calculator.java", "README.md"));
    }

    static Scenario debate() {
        return new Scenario("debate", ws -> SampleCrews.load("debate", PersonaLibrary.builtIn(), ws).crew(),
                () -> ScriptedModel.builder()
                        .agent("advocate", Reply.text("{\"answer\":\"yes\"}"), Reply.text("{\"answer\":\"yes\"}"), Reply.text("{\"answer\":\"yes\"}"))
                        .agent("critic", Reply.text("{\"answer\":\"no\"}"), Reply.text("{\"answer\":\"no\"}"), Reply.text("{\"answer\":\"no\"}"))
                        .agent("pragmatist", Reply.text("{\"answer\":\"maybe\"}"), Reply.text("{\"answer\":\"yes\"}"), Reply.text("{\"answer\":\"yes\"}"))
                        .agent("judge", Reply.text("Yes: the advocate's evidence holds, and the pragmatist came round to it.")).build(),
                Task.of("q", "Should we adopt virtual threads?"), List.of());
    }

    static Scenario hierarchical() {
        String min = "    public static int min(int... values) {\n        int min = Integer.MAX_VALUE;\n        for (int v : values) {\n"
                + "            min = Math.min(min, v);\n        }\n        return min;\n    }\n\n";
        String maxSignature = "    public static int max(int... values) {";
        String readmeLine = "One test fails: `average` rounds down.";
        return new Scenario("hierarchical", ws -> SampleCrews.load("hierarchical", PersonaLibrary.builtIn(), ws).crew(),
                () -> ScriptedModel.builder()
                        .agent("lead",
                                Reply.toolCall("delegate", "{\"worker\":\"coder\",\"subtask\":\"Add Calculator.min\"}"),
                                Reply.toolCall("delegate", "{\"worker\":\"tester\",\"subtask\":\"Run the tests\"}"),
                                Reply.toolCall("delegate", "{\"worker\":\"writer\",\"subtask\":\"Document Calculator.min in README.md\"}"),
                                Reply.toolCall("finish", "{\"answer\":\"min added, tested and documented.\"}"))
                        .agent("coder", Reply.toolCall("workspace_edit", DemoScript.json("path", "src/Calculator.java",
                                "old_text", maxSignature, "new_text", min + maxSignature)), Reply.text("Added min."))
                        .agent("tester", Reply.toolCall("run_command", DemoScript.json("command", DemoProject.TEST_COMMAND)),
                                Reply.text("The tests ran: 3 passed, 1 failed (average, as before)."))
                        .agent("writer", Reply.toolCall("workspace_edit", DemoScript.json("path", "README.md", "old_text", readmeLine,
                                "new_text", readmeLine + "\n\n`Calculator.min` returns the smallest of its values.")), Reply.text("Documented min."))
                        .build(),
                Task.of("f", "Add Calculator.min"), List.of("src/Calculator.java", "README.md"));
    }

    // ---- the soak ----

    /** What one run did. */
    record Outcome(int index, RunResult result, Map<String, String> files, FaultInjectingModel model, Map<String, Integer> sideEffects,
                   int failedSteps, List<String> problems) {}

    /** Runs a crew {@code runs} times at {@code rate}, checks every run, reports the figures; gives the number of failed runs. */
    int soak(Scenario scenario, int runs, double rate) throws Exception {
        Outcome baseline = runOnce(scenario, -1, 0);
        assertThat(baseline.problems).isEmpty();
        assertThat(baseline.result.status()).as("the fault-free run succeeds").isEqualTo(RunStatus.SUCCEEDED);
        assertThat(baseline.sideEffects.values()).allMatch(n -> n == 1);

        List<Outcome> outcomes = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                int index = i;
                futures.add(pool.submit(() -> runOnce(scenario, index, rate)));
            }
            for (Future<Outcome> future : futures) {
                outcomes.add(future.get());
            }
        } finally {
            pool.shutdownNow();
        }

        Map<Fault, Long> injected = new EnumMap<>(Fault.class);
        Map<String, Integer> reasons = new TreeMap<>();
        Map<String, String> examples = new TreeMap<>();
        long retries = 0;
        long calls = 0;
        int completed = 0;
        int failed = 0;
        int completedWithFailedStep = 0;
        int repeated = 0;
        int sideEffects = 0;
        List<String> problems = new ArrayList<>();
        for (Outcome o : outcomes) {
            o.model.injected().forEach((fault, n) -> injected.merge(fault, n, Long::sum));
            retries += o.model.retries();
            calls += o.model.calls();
            repeated += (int) o.sideEffects.values().stream().filter(n -> n > 1).count();
            sideEffects += o.sideEffects.values().stream().mapToInt(Integer::intValue).sum();
            o.problems.forEach(p -> problems.add("run " + o.index + ": " + p));
            if (o.result == null) {
                continue;
            }
            if (o.result.succeeded() && o.failedSteps > 0) {
                // a manager was told its worker failed and finished all the same: the pattern's policy, not an absorbed fault
                completed++;
                completedWithFailedStep++;
            } else if (o.result.succeeded()) {
                completed++;
                if (!o.result.output().equals(baseline.result.output())) {
                    problems.add("run " + o.index + " succeeded with another output: " + o.result.output());
                }
                if (!o.files.equals(baseline.files)) {
                    problems.add("run " + o.index + " succeeded with other files than the fault-free run");
                }
            } else {
                failed++;
                reasons.merge(kindOf(o.result.reason()), 1, Integer::sum);
                examples.putIfAbsent(kindOf(o.result.reason()), o.result.reason());
                boolean onlyTransient = o.model.injected().entrySet().stream().allMatch(e -> e.getValue() == 0 || e.getKey().isTransient());
                if (onlyTransient && o.model.maxAttempts() <= FAST_RETRIES.maxRetries()) {
                    problems.add("run " + o.index + " failed although its retries absorbed every fault: " + o.result.reason());
                }
            }
        }
        String report = String.format("%s: %d runs at fault rate %.2f (seeds %d..%d, half streaming): %d completed (%d of them after a worker's step failed), %d failed cleanly;"
                        + " %d model calls, %d faults injected %s, %d retries; %d side-effecting tool calls, %d repeated;"
                        + " failure reasons %s", scenario.name, runs, rate, SEED, SEED + runs - 1, completed, completedWithFailedStep, failed, calls,
                injected.values().stream().mapToLong(Long::longValue).sum(), injected, retries, sideEffects, repeated, reasons);
        log.info(report);
        Path reportFile = Path.of("target", "fault-soak", scenario.name + "-" + rate + ".txt");
        Files.createDirectories(reportFile.getParent());
        StringBuilder text = new StringBuilder(report).append(System.lineSeparator());
        examples.forEach((kind, reason) -> text.append("  ").append(kind).append(": ").append(reason).append(System.lineSeparator()));
        Files.writeString(reportFile, text);

        assertThat(problems).as(report).isEmpty();
        assertThat(completed + failed).isEqualTo(runs);
        assertThat(repeated).as("side-effecting tool calls run more than once").isZero();
        assertThat(retries).isPositive();
        if (rate <= 0.2 && runs >= 100) {
            assertThat(completed).as("most runs absorb 20% faults: " + report).isGreaterThan(runs / 2);
            assertThat(injected).as("every kind of fault was met").allSatisfy((fault, n) -> {
                if (!fault.needsTools() || !scenario.name.equals("debate")) {
                    assertThat(n).as(fault.name()).isPositive();
                }
            });
        }
        return failed;
    }

    Outcome runOnce(Scenario scenario, int index, double rate) throws IOException {
        Path workspace = Files.createTempDirectory(dir, scenario.name + (index < 0 ? "-baseline-" : "-run-" + index + "-"));
        copy(project, workspace);
        Map<String, Integer> sideEffects = new ConcurrentHashMap<>();
        Crew loaded = scenario.crew.apply(Workspace.at(workspace));
        Crew crew = new Crew(loaded.name(), withTools(loaded.process(), tool -> counted(inProcess(tool, workspace), sideEffects)),
                loaded.policy().toBuilder().retry(FAST_RETRIES).build());
        FaultInjectingModel model = FaultInjectingModel.around(scenario.script.get()).rate(rate).seed(SEED + index)
                .retryAfter(Duration.ofMillis(3)).build();
        Orchestrator orchestrator = Orchestrator.builder().models(ModelRegistry.of("scripted:demo", model))
                .runsDirectory(dir.resolve("runs")).gate(HumanGate.autoApprove()).build();
        List<String> problems = new ArrayList<>();
        RunHandle run;
        try {
            run = orchestrator.run(crew, scenario.task, RunOptions.DEFAULTS.withStreaming(index % 2 == 1));
        } catch (RuntimeException e) {
            problems.add("starting the run threw " + e);
            return new Outcome(index, null, Map.of(), model, sideEffects, 0, problems);
        }
        RunResult result;
        try {
            result = run.result().block(HANG);
        } catch (RuntimeException e) {
            problems.add("the run's result was an exception instead of a RunResult: " + e);
            return new Outcome(index, null, Map.of(), model, sideEffects, 0, problems);
        }
        if (result == null) {
            problems.add("the run did not end within " + HANG.toSeconds() + " s");
            run.cancel();
            return new Outcome(index, null, Map.of(), model, sideEffects, 0, problems);
        }
        int failedSteps = checkJournal(orchestrator, result, problems);
        Map<String, String> files = new TreeMap<>();
        for (String file : scenario.files) {
            files.put(file, Files.readString(workspace.resolve(file)));
        }
        return new Outcome(index, result, files, model, sideEffects, failedSteps, problems);
    }

    /** The journal is readable, whole, ends with the run's end, and no step started twice; gives the number of failed steps. */
    static int checkJournal(Orchestrator orchestrator, RunResult result, List<String> problems) {
        StoredJournal journal = orchestrator.journalStore().read(result.runId());
        if (journal.tornTail()) {
            problems.add("the journal has a torn last line");
        }
        List<RunEvent> events = journal.events();
        RunEvent last = events.get(events.size() - 1);
        if (result.status() == RunStatus.SUCCEEDED) {
            if (!(last instanceof RunEvent.RunFinished)) {
                problems.add("a succeeded run's journal ends with " + last.getClass().getSimpleName());
            }
        } else if (result.status() != RunStatus.FAILED) {
            problems.add("the run ended " + result.status() + ": " + result.reason());
        } else {
            String reason = result.reason();
            if (reason == null || reason.isBlank() || reason.contains("\n") || reason.contains("unexpectedly")) {
                problems.add("the run failed without a clean one-line reason: " + reason);
            }
            if (!(last instanceof RunEvent.RunFailed failed) || !failed.reason().equals(reason)) {
                problems.add("a failed run's journal ends with " + last + " instead of RunFailed with its reason");
            }
        }
        Set<String> started = new HashSet<>();
        events.stream().filter(RunEvent.StepStarted.class::isInstance).map(RunEvent::stepPath)
                .filter(path -> !started.add(path)).forEach(path -> problems.add("step " + path + " started twice"));
        return (int) events.stream().filter(RunEvent.StepFailed.class::isInstance).count();
    }

    /** What a failure reason is about, for the report. */
    static String kindOf(String reason) {
        if (reason.contains("retries")) return "model failed after retries";
        if (reason.contains("empty answer")) return "empty answers";
        if (reason.contains("cut off")) return "answers cut off";
        if (reason.contains("JSON Schema")) return "output schema";
        if (reason.contains("same arguments")) return "repeated tool call";
        if (reason.contains("tool rounds")) return "tool rounds";
        return reason;
    }

    // ---- tools: an in-process test runner, and a count of every side-effecting call ----

    static Step withTools(Step step, Function<Tool, Tool> change) {
        Function<Agent, Agent> agent = a -> a == null ? null : new Agent(a.persona(), a.tools().stream().map(change).toList());
        Function<Step, Step> inner = s -> withTools(s, change);
        if (step instanceof Step.Work w) {
            return new Step.Work(w.name(), agent.apply(w.agent()), w.task(), w.review());
        } else if (step instanceof Step.Sequential s) {
            return new Step.Sequential(s.name(), s.steps().stream().map(inner).toList());
        } else if (step instanceof Step.Loop l) {
            return new Step.Loop(l.name(), l.steps().stream().map(inner).toList(), l.until(), l.maxIterations());
        } else if (step instanceof Step.Parallel p) {
            return new Step.Parallel(p.name(), p.branches().stream().map(inner).toList(), p.maxConcurrency());
        } else if (step instanceof Step.Hierarchical h) {
            List<Worker> workers = h.workers().stream().map(w -> w instanceof Worker.AgentWorker aw
                    ? (Worker) new Worker.AgentWorker(agent.apply(aw.agent()))
                    : new Worker.Team(w.name(), (Step.Hierarchical) withTools(((Worker.Team) w).team(), change))).toList();
            return new Step.Hierarchical(h.name(), agent.apply(h.manager()), h.goal(), workers, h.maxDelegations(), h.maxDepth());
        } else if (step instanceof Step.Debate d) {
            return new Step.Debate(d.name(), d.debaters().stream().map(agent).toList(), d.question(), d.rounds(),
                    agent.apply(d.judge()), agent.apply(d.summarizer()), d.answerField());
        } else if (step instanceof Step.Vote v) {
            return new Step.Vote(v.name(), v.voters().stream().map(agent).toList(), v.question(), v.samples(), v.answerField());
        }
        throw new IllegalArgumentException("unknown step " + step);
    }

    /**
     * {@code run_command} and {@code git_diff} answered in-process from the workspace's files, so a soak spawns no
     * processes: the tests pass when the fix is in, and the diff lists the lines that differ from the original project.
     */
    static Tool inProcess(Tool tool, Path workspace) {
        if (tool.name().equals("run_command")) {
            return stand(tool, RiskLevel.EXECUTES, () -> Files.readString(workspace.resolve("src/Calculator.java")).contains("(double) sum")
                    ? "4 passed, 0 failed" : "FAIL testAverageKeepsFractions\n3 passed, 1 failed");
        }
        if (tool.name().equals("git_diff")) {
            return stand(tool, RiskLevel.READ_ONLY, () -> {
                StringBuilder diff = new StringBuilder();
                for (String file : List.of("src/Calculator.java", "README.md")) {
                    List<String> before = Files.readAllLines(project.resolve(file));
                    List<String> after = Files.readAllLines(workspace.resolve(file));
                    if (!before.equals(after)) {
                        diff.append("--- a/").append(file).append("\n+++ b/").append(file).append('\n');
                        before.stream().filter(line -> !after.contains(line)).forEach(line -> diff.append('-').append(line).append('\n'));
                        after.stream().filter(line -> !before.contains(line)).forEach(line -> diff.append('+').append(line).append('\n'));
                    }
                }
                return diff.length() == 0 ? "No changes." : diff.toString();
            });
        }
        return tool;
    }

    /** A stand-in with {@code real}'s specification whose result comes from {@code answer}. */
    static Tool stand(Tool real, RiskLevel risk, Callable<String> answer) {
        return new Wrapped(real, risk, risk == RiskLevel.READ_ONLY, (arguments, context) -> Mono.fromCallable(answer).map(ToolResult::ok));
    }

    /** Counts each execution of a tool that writes or executes, by run, step and call id. */
    static Tool counted(Tool tool, Map<String, Integer> executions) {
        if (tool.risk().compareTo(RiskLevel.WRITES) < 0) {
            return tool;
        }
        return new Wrapped(tool, tool.risk(), tool.idempotent(), (arguments, context) -> Mono.defer(() -> {
            executions.merge(context.runId() + " " + context.stepPath() + " " + context.callId() + " " + tool.name(), 1, Integer::sum);
            return tool.invoke(arguments, context);
        }));
    }

    /** A tool with {@code real}'s specification and interrupted-call recovery, and a body of its own. */
    record Wrapped(Tool real, RiskLevel risk, boolean idempotent, BiFunction<JsonNode, ToolContext, Mono<ToolResult>> body)
            implements Tool {
        @Override
        public ToolSpecification specification() {
            return real.specification();
        }

        @Override
        public Mono<ToolResult> invoke(JsonNode arguments, ToolContext context) {
            return body.apply(arguments, context);
        }

        @Override
        public Mono<ToolResult> recoverInterruptedCall(JsonNode arguments, ToolContext context) {
            return real.recoverInterruptedCall(arguments, context);
        }
    }

    static void copy(Path from, Path to) {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                if (from.relativize(source).startsWith(".git")) {
                    continue;
                }
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else if (Files.exists(target)) {
                    throw new IOException(target + " exists");
                } else {
                    Files.copy(source, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
