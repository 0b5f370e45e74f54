package dev.cadre.orchestrator;

import dev.cadre.orchestrator.journal.StoredJournal;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Review;
import dev.cadre.api.crew.Step;
import dev.cadre.api.crew.Until;
import static dev.cadre.testkit.CadreAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.Agent;
import dev.cadre.api.CadreJson;
import dev.cadre.api.Checkpoint;
import dev.cadre.api.Decision;
import dev.cadre.api.HumanGate;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.Persona;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Task;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolContext;
import dev.cadre.api.ToolResult;
import dev.cadre.orchestrator.journal.JournalReader;
import dev.cadre.orchestrator.internal.RecordedRun;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/**
 * Cuts a run's journal after every event (as a crash would), resumes it, and checks the result, the workspace and
 * the journal equal those of the uninterrupted run, with every write applied exactly once.
 */
class ResumeTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** A workspace of named texts: writes are side effects that must happen once. */
    static final class Workspace {
        final Map<String, String> files = new ConcurrentHashMap<>();
        final Map<String, Integer> applied = new ConcurrentHashMap<>();

        void apply(String name, String content) {
            files.put(name, content);
            applied.merge(name + "=" + content, 1, Integer::sum);
        }
    }

    /** write_file("name=content"): writes, and on resume recognises a write that already happened. */
    static final class WriteFile implements Tool {
        final Workspace workspace;

        WriteFile(Workspace workspace) {
            this.workspace = workspace;
        }

        public ToolSpecification specification() {
            return ToolSpecification.builder().name("write_file").description("Write name=content")
                    .parameters(JsonObjectSchema.builder().addStringProperty("text").required("text").build()).build();
        }

        public Mono<ToolResult> invoke(JsonNode arguments, ToolContext context) {
            String[] kv = arguments.get("text").asText().split("=", 2);
            workspace.apply(kv[0], kv[1]);
            return Mono.just(ToolResult.ok("wrote " + kv[0]));
        }

        @Override
        public Mono<ToolResult> recoverInterruptedCall(JsonNode arguments, ToolContext context) {
            String[] kv = arguments.get("text").asText().split("=", 2);
            return Objects.equals(workspace.files.get(kv[0]), kv[1]) ? Mono.just(ToolResult.ok("wrote " + kv[0])) : Mono.empty();
        }

        public RiskLevel risk() {
            return RiskLevel.WRITES;
        }

        public boolean idempotent() {
            return false;
        }
    }

    static final String VERDICT = "{\"type\":\"object\",\"required\":[\"verdict\"]}";

    static Crew crew(Workspace workspace) throws Exception {
        JsonNode schema = CadreJson.mapper().readTree(VERDICT);
        WriteFile write = new WriteFile(workspace);
        TestTool read = new TestTool("read_file", RiskLevel.READ_ONLY, a -> ToolResult.ok("content of " + a.get("text").asText()));
        Agent planner = Agent.of(Persona.builder("planner").role("Planner").build());
        Agent coder = Agent.resolve(Persona.builder("coder").role("Coder").tools("write_file", "read_file").build(), List.of(write, read));
        Agent reviewer = Agent.of(Persona.builder("reviewer").role("Reviewer").build());
        Agent writer = Agent.of(Persona.builder("writer").role("Writer").build());
        return Crew.of("builder", Step.sequential("builder",
                Step.work(planner, Task.of("plan", "Plan: {task}")),
                Step.loop("review-loop", Until.verdict("review", "verdict", "APPROVED"), 3,
                        Step.work(coder, Task.builder("code").description("Code it.").context("plan", "review").build()),
                        Step.work(reviewer, Task.builder("review").description("Review.").context("code").outputSchema(schema).build())),
                Step.work(writer, Task.builder("summary").description("Summarise.").context("code").build()).reviewed(Review.afterWork())));
    }

    static ScriptedModel model() {
        return ScriptedModel.builder()
                .atStep("builder/plan", Reply.text("write v1, then v2").withUsage(20, 5))
                .atStep("builder/review-loop/iteration-1/code",
                        Reply.toolCall("read_file", "{\"text\":\"a.txt\"}").withUsage(30, 6),
                        Reply.toolCall("write_file", "{\"text\":\"a.txt=v1\"}").withUsage(40, 7),
                        Reply.text("wrote v1").withUsage(50, 3))
                .atStep("builder/review-loop/iteration-1/review", Reply.text("{\"verdict\":\"CHANGES_REQUESTED\"}").withUsage(25, 4))
                .atStep("builder/review-loop/iteration-2/code",
                        Reply.toolCall("write_file", "{\"text\":\"a.txt=v2\"}").withUsage(60, 7),
                        Reply.toolCall("write_file", "{\"text\":\"b.txt=new\"}").withUsage(70, 7),
                        Reply.text("wrote v2 and b").withUsage(80, 4))
                .atStep("builder/review-loop/iteration-2/review", Reply.text("{\"verdict\":\"APPROVED\"}").withUsage(35, 4))
                .atStep("builder/summary", Reply.text("a.txt is v2, b.txt is new").withUsage(45, 8))
                .build();
    }

    Orchestrator orchestrator(Path runs, ScriptedModel model) {
        return Orchestrator.builder().models(ModelRegistry.of("scripted:m", model)).runsDirectory(runs)
                .gate(HumanGate.autoApprove()).build();
    }

    static final Task TASK = Task.of("build", "build the feature");

    static void assertSameResult(RunResult actual, RunResult expected, String trial) {
        assertThat(actual.status()).as(trial).isEqualTo(expected.status());
        assertThat(actual.output()).as(trial).isEqualTo(expected.output());
        assertThat(actual.outputs()).as(trial).isEqualTo(expected.outputs());
        assertThat(actual.outcomes()).as(trial).isEqualTo(expected.outcomes());
        assertThat(actual.usage()).as(trial).isEqualTo(expected.usage());
        assertThat(actual.reason()).as(trial).isEqualTo(expected.reason());
    }

    static List<String> keys(List<RunEvent> events) {
        return events.stream().map(RecordedRun::key).filter(Objects::nonNull).toList();
    }

    @Test
    void aRunResumedFromAJournalCutAfterAnyEventEndsAsTheUninterruptedRunAndWritesOnce() throws Exception {
        Workspace baselineWorkspace = new Workspace();
        Path baselineRuns = dir.resolve("baseline");
        RunHandle baseline = orchestrator(baselineRuns, model()).run(crew(baselineWorkspace), TASK, RunOptions.DEFAULTS.withRunId("r"));
        RunResult expected = baseline.result().block(WAIT);
        assertThat(expected).succeeded().hasOutput("a.txt is v2, b.txt is new");
        assertThat(baselineWorkspace.files).containsExactlyInAnyOrderEntriesOf(Map.of("a.txt", "v2", "b.txt", "new"));
        assertThat(baselineWorkspace.applied.values()).containsOnly(1);
        resumeAfterEveryCut(baselineRuns, expected, baselineWorkspace, ResumeTest::crew, ResumeTest::model);
    }

    /** A manager delegates a write to each of two workers, then finishes. */
    static Crew team(Workspace workspace) {
        WriteFile write = new WriteFile(workspace);
        Agent manager = Agent.of(Persona.builder("manager").role("Manager").build());
        Agent coder = Agent.resolve(Persona.builder("coder").role("Coder").tools("write_file").build(), List.of(write));
        Agent writer = Agent.resolve(Persona.builder("writer").role("Writer").tools("write_file").build(), List.of(write));
        return Crew.of("team", Step.hierarchical("team", manager, Task.of("feature", "Ship the feature."), 5, coder, writer));
    }

    static Reply call(String tool, String... kv) {
        var args = CadreJson.mapper().createObjectNode();
        for (int i = 0; i < kv.length; i += 2) {
            args.put(kv[i], kv[i + 1]);
        }
        return Reply.toolCall(tool, args.toString());
    }

    static ScriptedModel teamModel() {
        return ScriptedModel.builder()
                .atStep("team/manager", call("delegate", "worker", "coder", "subtask", "write a.txt").withUsage(30, 5),
                        call("delegate", "worker", "writer", "subtask", "document it").withUsage(40, 5),
                        call("finish", "answer", "a.txt and its doc are written").withUsage(50, 5))
                .atStep("team/delegation-1/coder", call("write_file", "text", "a.txt=code").withUsage(20, 4), Reply.text("wrote a.txt"))
                .atStep("team/delegation-2/writer", call("write_file", "text", "doc.txt=a.txt holds code").withUsage(25, 4),
                        Reply.text("wrote doc.txt"))
                .build();
    }

    @Test
    void aHierarchicalRunResumedAfterAnyEventNumbersItsDelegationsAsBeforeAndEndsWhenTheManagerHadFinished() throws Exception {
        // Regression: a delegation reused from the journal did not count, so the next one took its number (and path),
        // ran again from scratch and wrote again; a journaled finish was not seen, so the manager was asked again.
        Workspace baselineWorkspace = new Workspace();
        Path baselineRuns = dir.resolve("baseline");
        RunResult expected = orchestrator(baselineRuns, teamModel()).run(team(baselineWorkspace), TASK, RunOptions.DEFAULTS.withRunId("r"))
                .result().block(WAIT);
        assertThat(expected).succeeded().hasOutput("a.txt and its doc are written");
        assertThat(baselineWorkspace.files).containsExactlyInAnyOrderEntriesOf(Map.of("a.txt", "code", "doc.txt", "a.txt holds code"));
        resumeAfterEveryCut(baselineRuns, expected, baselineWorkspace, ResumeTest::team, ResumeTest::teamModel);
    }

    interface CrewFor {
        Crew apply(Workspace workspace) throws Exception;
    }

    /**
     * Resumes the journal in {@code baselineRuns} cut after each of its events (a write in flight at the cut both
     * applied and not), and checks each resumed run ends as the uninterrupted one did.
     */
    void resumeAfterEveryCut(Path baselineRuns, RunResult expected, Workspace baselineWorkspace,
                             CrewFor crewFor,
                             java.util.function.Supplier<ScriptedModel> model) throws Exception {
        String name = baselineRuns.getFileName().toString();
        List<String> lines = Journals.lines(baselineRuns, "r");
        List<RunEvent> events = Journals.read(baselineRuns, "r").events();
        assertThat(lines).hasSameSizeAs(events);
        List<String> expectedKeys = keys(events);

        int trials = 0;
        for (int k = 1; k <= events.size(); k++) {
            for (boolean effectBeforeCrash : new boolean[] {false, true}) {
                List<RunEvent> kept = events.subList(0, k);
                // The writes whose results were journaled happened; the one in flight may have happened too.
                Workspace workspace = new Workspace();
                Map<String, String> inFlight = new HashMap<>();
                for (RunEvent e : kept) {
                    if (e instanceof RunEvent.ToolCalled c && c.tool().equals("write_file")) {
                        inFlight.put(c.callId() + c.stepPath(), CadreJson.mapper().readTree(c.arguments()).get("text").asText());
                    }
                    if (e instanceof RunEvent.CheckpointResolved r && r.checkpointId().endsWith("-approval")) {
                        inFlight.computeIfPresent(r.checkpointId().replaceAll(".*-(call_[^-]+)-approval$", "$1")
                                + r.stepPath(), (key, v) -> v + "#approved");
                    }
                    if (e instanceof RunEvent.ToolReturned r && r.tool().equals("write_file")) {
                        String[] kv = inFlight.remove(r.callId() + r.stepPath()).replace("#approved", "").split("=", 2);
                        workspace.apply(kv[0], kv[1]);
                    }
                }
                boolean applicable = inFlight.values().stream().anyMatch(v -> v.endsWith("#approved"));
                if (effectBeforeCrash && !applicable) {
                    continue;
                }
                if (effectBeforeCrash) {
                    inFlight.values().stream().filter(v -> v.endsWith("#approved")).forEach(v -> {
                        String[] kv = v.replace("#approved", "").split("=", 2);
                        workspace.apply(kv[0], kv[1]);
                    });
                }
                String trial = "cut after event " + k + " (" + events.get(k - 1).getClass().getSimpleName() + ")"
                        + (effectBeforeCrash ? ", write applied before the crash" : "");
                Path runs = dir.resolve(name + "-trial-" + k + (effectBeforeCrash ? "b" : "a"));
                Files.createDirectories(runs);
                Files.write(runs.resolve("r.jsonl"), lines.subList(0, k), StandardCharsets.UTF_8);

                RunHandle resumed = orchestrator(runs, model.get()).resume("r", crewFor.apply(workspace), RunOptions.DEFAULTS);
                RunResult result = resumed.result().block(WAIT);

                assertSameResult(result, expected, trial);
                assertThat(workspace.files).as(trial).isEqualTo(baselineWorkspace.files);
                assertThat(workspace.applied).as(trial + ": every write applied once").isEqualTo(baselineWorkspace.applied);
                StoredJournal journal = Journals.read(runs, "r");
                assertThat(keys(journal.events())).as(trial + ": the journal holds each event once")
                        .containsExactlyInAnyOrderElementsOf(expectedKeys);
                for (int i = 0; i < journal.events().size(); i++) {
                    assertThat(journal.events().get(i).seq()).as(trial).isEqualTo(i + 1);
                }
                assertThat(resumed.events().collectList().block(WAIT)).as(trial).containsExactlyElementsOf(journal.events());
                trials++;
            }
        }
        assertThat(trials).isGreaterThan(events.size());
    }

    @Test
    void aTornLastLineIsDroppedAndTheRunResumes() throws Exception {
        Path baselineRuns = dir.resolve("baseline");
        RunResult expected = orchestrator(baselineRuns, model()).run(crew(new Workspace()), TASK, RunOptions.DEFAULTS.withRunId("r"))
                .result().block(WAIT);
        List<String> lines = Journals.lines(baselineRuns, "r");
        Path runs = dir.resolve("torn");
        Files.createDirectories(runs);
        String torn = String.join("\n", lines.subList(0, 7)) + "\n" + lines.get(7).substring(0, lines.get(7).length() / 2);
        Files.writeString(runs.resolve("r.jsonl"), torn);

        Workspace workspace = new Workspace();
        RunResult result = orchestrator(runs, model()).resume("r", crew(workspace), RunOptions.DEFAULTS).result().block(WAIT);
        assertSameResult(result, expected, "torn line 8");
        StoredJournal journal = Journals.read(runs, "r");
        assertThat(journal.tornTail()).isFalse();
        assertThat(keys(journal.events())).containsExactlyInAnyOrderElementsOf(keys(Journals.read(baselineRuns, "r").events()));
    }

    @Test
    void aRunWaitingOnACheckpointIsStillWaitingAfterARestart() throws Exception {
        Workspace workspace = new Workspace();
        Path first = dir.resolve("first");
        Orchestrator before = Orchestrator.builder().models(ModelRegistry.of("scripted:m", model())).runsDirectory(first)
                .gate(HumanGate.approveReadOnly()).build();
        RunHandle waiting = before.run(crew(workspace), TASK, RunOptions.DEFAULTS.withRunId("r"));
        Checkpoint checkpoint = waiting.events().filter(RunEvent.CheckpointRequested.class::isInstance).next()
                .map(e -> ((RunEvent.CheckpointRequested) e).checkpoint()).block(WAIT);
        assertThat(checkpoint.kind()).isEqualTo(Checkpoint.Kind.TOOL_APPROVAL);

        // "Restart": a new orchestrator reads a copy of the journal as it is now.
        Path second = dir.resolve("second");
        Files.createDirectories(second);
        Files.writeString(second.resolve("r.jsonl"), Journals.text(first, "r"));   // as `cadre runs export` writes it
        waiting.cancel();
        Orchestrator after = Orchestrator.builder().models(ModelRegistry.of("scripted:m", model())).runsDirectory(second)
                .gate(HumanGate.approveReadOnly()).build();
        RunHandle resumed = after.resume("r", crew(workspace), RunOptions.DEFAULTS);

        long deadline = System.nanoTime() + WAIT.toNanos();
        while (resumed.pendingCheckpoints().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(resumed.pendingCheckpoints()).extracting(Checkpoint::id).containsExactly(checkpoint.id());
        assertThat(resumed.pendingCheckpoints().get(0).requestedAt()).isEqualTo(checkpoint.requestedAt());
        assertThat(resumed.status()).isEqualTo(RunStatus.WAITING_FOR_HUMAN);
        resumed.resolve(checkpoint.id(), Decision.approve("alice"));
        for (int i = 0; i < 2; i++) { // the two writes of iteration 2
            Checkpoint next = resumed.events().filter(RunEvent.CheckpointRequested.class::isInstance).skip(1 + i).next()
                    .map(e -> ((RunEvent.CheckpointRequested) e).checkpoint()).block(WAIT);
            resumed.resolve(next.id(), Decision.approve("alice"));
        }
        Checkpoint review = resumed.events().filter(RunEvent.CheckpointRequested.class::isInstance).skip(3).next()
                .map(e -> ((RunEvent.CheckpointRequested) e).checkpoint()).block(WAIT);
        assertThat(review.kind()).isEqualTo(Checkpoint.Kind.REVIEW_AFTER);
        resumed.resolve(review.id(), Decision.approve("alice"));
        assertThat(resumed).succeeded().hasOutput("a.txt is v2, b.txt is new");
        assertThat(workspace.applied).containsExactlyInAnyOrderEntriesOf(Map.of("a.txt=v1", 1, "a.txt=v2", 1, "b.txt=new", 1));
    }

    @Test
    void resumingAnEndedRunGivesItsResultAndAnEmptyJournalIsRefused() throws Exception {
        Path runs = dir.resolve("ended");
        Orchestrator orchestrator = orchestrator(runs, model());
        RunResult expected = orchestrator.run(crew(new Workspace()), TASK, RunOptions.DEFAULTS.withRunId("r")).result().block(WAIT);
        RunHandle again = orchestrator.resume("r", crew(new Workspace()), RunOptions.DEFAULTS);
        assertSameResult(again.result().block(WAIT), expected, "ended");
        assertThat(again.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(again.events().collectList().block(WAIT)).hasSize(Journals.lines(runs, "r").size());

        Files.writeString(runs.resolve("empty.jsonl"), "");
        assertThatThrownBy(() -> orchestrator.resume("empty", crew(new Workspace()), RunOptions.DEFAULTS))
                .hasMessage("Run 'empty' cannot be resumed: its journal " + runs.resolve("empty.jsonl")
                        + " does not begin with the run's start.");
        assertThatThrownBy(() -> orchestrator.resume("r", Crew.of("other", Step.work(Agent.of(Persona.builder("x").role("x").build()))),
                RunOptions.DEFAULTS)).hasMessage("Run 'r' was started with crew 'builder', not 'other': resume it with the same crew.");
    }
}
