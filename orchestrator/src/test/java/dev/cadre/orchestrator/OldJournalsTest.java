package dev.cadre.orchestrator;

import dev.cadre.orchestrator.journal.StoredJournal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.api.Checkpoint;
import dev.cadre.api.Decision;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Task;
import dev.cadre.api.crew.Crew;
import dev.cadre.orchestrator.journal.JournalReader;
import dev.cadre.orchestrator.journal.JournalWriter;
import dev.cadre.testkit.ScriptedModel;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Journals written by the engine before the deterministic core (schema 1, commit 66a69dc; see {@link OldJournalCrews})
 * still replay and resume: complete runs end as they ended, runs cut mid-run (a tool call in flight, mid-loop,
 * mid-parallel, waiting at a checkpoint) finish with the output the script leads to, and the model is asked only for
 * what the journal does not hold.
 */
class OldJournalsTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** One fixture: its run, the crew and script it was written with, and the output it ends with. */
    record Fixture(String runId, Supplier<Crew> crew, Supplier<ScriptedModel> model, String output, boolean complete) {
        @Override
        public String toString() {
            return runId;
        }
    }

    static Stream<Fixture> fixtures() {
        return Stream.of(
                new Fixture("v1-sequential", OldJournalCrews::sequential, OldJournalCrews::sequentialModel, "a.txt changed after reading it", true),
                new Fixture("v1-sequential-cut", OldJournalCrews::sequential, OldJournalCrews::sequentialModel, "a.txt changed after reading it", false),
                new Fixture("v1-loop-cut", OldJournalCrews::loop, OldJournalCrews::loopModel, "{\"verdict\":\"APPROVED\"}", false),
                new Fixture("v1-parallel-cut", OldJournalCrews::parallel, OldJournalCrews::parallelModel, "fix B first", false),
                new Fixture("v1-reviewed-waiting", OldJournalCrews::reviewed, OldJournalCrews::reviewedModel, "the final text", false),
                new Fixture("v1-hierarchical", OldJournalCrews::hierarchical, OldJournalCrews::hierarchicalModel, "built and tested", true),
                new Fixture("v1-debate", OldJournalCrews::debate, OldJournalCrews::debateModel, "{\"answer\":\"yes\"}", true),
                new Fixture("v1-vote", OldJournalCrews::vote, OldJournalCrews::voteModel, "{\"answer\":\"red\"}", true));
    }

    /** A copy of one fixture in a runs directory of this test's own (resuming appends to it). */
    Path copy(String runId) throws Exception {
        Path runs = dir.resolve(runId);
        Files.createDirectories(runs);
        try (InputStream in = OldJournalsTest.class.getResourceAsStream("/journals/v1/" + runId + ".jsonl")) {
            assertThat(in).as("fixture " + runId).isNotNull();
            Files.copy(in, JournalWriter.fileFor(runs, runId));
        }
        return runs;
    }

    static long responses(List<RunEvent> events) {
        return events.stream().filter(RunEvent.ModelResponded.class::isInstance).count();
    }

    static Map<String, Long> finishedSteps(List<RunEvent> events) {
        return events.stream().filter(RunEvent.StepFinished.class::isInstance)
                .collect(Collectors.groupingBy(RunEvent::stepPath, Collectors.counting()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void anOldJournalReplaysVerifiedAndReportsSchemaOne(Fixture fixture) throws Exception {
        Path file = JournalWriter.fileFor(copy(fixture.runId()), fixture.runId());
        assertThat(Files.readAllLines(file).get(0)).as("written before versions were kept").doesNotContain("schemaVersion");

        StoredJournal journal = Journals.read(file.getParent(), fixture.runId(), OldJournalCrews.KEY);
        assertThat(journal.integrity().isIntact()).as(journal.integrity().describe(file)).isTrue();
        assertThat(journal.tornTail()).isFalse();
        List<RunEvent> events = journal.events();
        assertThat(events).isNotEmpty().allSatisfy(e -> assertThat(e.runId()).isEqualTo(fixture.runId()));
        assertThat(events).extracting(RunEvent::seq).containsExactlyElementsOf(
                java.util.stream.LongStream.rangeClosed(1, events.size()).boxed().toList());
        RunEvent.RunStarted started = (RunEvent.RunStarted) events.get(0);
        assertThat(started.schemaVersion()).isEqualTo(RunEvent.RunStarted.FIRST_SCHEMA);
        assertThat(started.crew()).isEqualTo(fixture.crew().get().name());
        assertThat(started.task()).isEqualTo(OldJournalCrews.TASK);
        assertThat(events.get(events.size() - 1).isTerminal()).isEqualTo(fixture.complete());
        if (fixture.complete()) {
            assertThat(((RunEvent.RunFinished) events.get(events.size() - 1)).output()).isEqualTo(fixture.output());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void anOldJournalResumesToItsOutputAskingTheModelOnlyForWhatItDoesNotHold(Fixture fixture) throws Exception {
        Path runs = copy(fixture.runId());
        Path file = JournalWriter.fileFor(runs, fixture.runId());
        List<RunEvent> before = JournalReader.read(file, OldJournalCrews.KEY).events();   // the old file as it was
        ScriptedModel model = fixture.model().get();

        RunHandle resumed = OldJournalCrews.orchestrator(runs, model).resume(fixture.runId(), fixture.crew().get(), RunOptions.DEFAULTS);
        List<RunEvent.CheckpointRequested> waitedOn = before.stream().filter(RunEvent.CheckpointRequested.class::isInstance)
                .map(RunEvent.CheckpointRequested.class::cast).toList();
        if (!waitedOn.isEmpty()) {
            Checkpoint pending = awaitPending(resumed);
            assertThat(pending).as("the checkpoint it waited at waits again").isEqualTo(waitedOn.get(0).checkpoint());
            resumed.resolve(pending.id(), Decision.approve("alice"));
        }
        RunResult result = resumed.result().block(WAIT);

        assertThat(result.status()).as(result.reason()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(result.output()).isEqualTo(fixture.output());
        // the file stays as it was; the store reads it and, after it, what the resumed run appended to the segments
        assertThat(JournalReader.read(file, OldJournalCrews.KEY).events()).isEqualTo(before);
        List<RunEvent> after = Journals.read(runs, fixture.runId(), OldJournalCrews.KEY).events();
        assertThat(after.subList(0, before.size())).as("the old events stay as they were").isEqualTo(before);
        assertThat(((RunEvent.RunStarted) after.get(0)).schemaVersion()).isEqualTo(RunEvent.RunStarted.FIRST_SCHEMA);
        assertThat(model.requests()).as("one model call for each answer the old journal did not hold")
                .hasSize((int) (responses(after) - responses(before)));
        if (fixture.complete()) {
            assertThat(after).isEqualTo(before);
            assertThat(model.requests()).isEmpty();
        }
        assertThat(finishedSteps(after).values()).as("every step finished once").containsOnly(1L);
        assertThat(finishedSteps(after).keySet()).containsAll(finishedSteps(before).keySet());
        assertThat(resumed.events().collectList().block(WAIT)).isEqualTo(after);
    }

    static Stream<Fixture> completeFixtures() {
        return fixtures().filter(Fixture::complete);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("completeFixtures")
    void theAnswersAnOldJournalHoldsReplayTheRunOnTodaysEngine(Fixture fixture) throws Exception {
        List<RunEvent> old = JournalReader.read(JournalWriter.fileFor(copy(fixture.runId()), fixture.runId()), OldJournalCrews.KEY).events();
        // each step gets its recorded answers by turn, whatever order concurrent ballots or branches ask in
        ScriptedModel.Builder script = ScriptedModel.builder();
        List<RunEvent.ModelResponded> answers = old.stream().filter(RunEvent.ModelResponded.class::isInstance)
                .map(RunEvent.ModelResponded.class::cast).toList();
        answers.forEach(r -> script.atStep(r.stepPath(), r.toolCalls() == null || r.toolCalls().isEmpty()
                ? dev.cadre.testkit.Reply.text(r.text() == null ? "" : r.text()).withUsage((int) r.usage().inputTokens(), (int) r.usage().outputTokens())
                : dev.cadre.testkit.Reply.toolCalls(r.toolCalls().stream().map(c -> dev.langchain4j.agent.tool.ToolExecutionRequest.builder()
                        .id(c.id()).name(c.name()).arguments(c.arguments()).build()).toArray(dev.langchain4j.agent.tool.ToolExecutionRequest[]::new))
                        .withUsage((int) r.usage().inputTokens(), (int) r.usage().outputTokens())));
        ScriptedModel replaying = script.build();
        RunResult replayed = OldJournalCrews.orchestrator(dir.resolve("replay"), replaying)
                .run(fixture.crew().get(), OldJournalCrews.TASK, RunOptions.DEFAULTS.withRunId("replay-" + fixture.runId())).result().block(WAIT);

        assertThat(replayed.status()).as(replayed.reason()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(replayed.output()).isEqualTo(fixture.output());
        Map<String, String> oldOutputs = old.stream().filter(RunEvent.StepFinished.class::isInstance).map(RunEvent.StepFinished.class::cast)
                .collect(Collectors.toMap(RunEvent::stepPath, RunEvent.StepFinished::output));
        assertThat(replayed.outputs()).isNotEmpty();
        assertThat(oldOutputs).as("every step's output as the old engine had it").containsAllEntriesOf(replayed.outputs());
        assertThat(replaying.requests()).as("every recorded answer was asked for again, once").hasSize(answers.size());
    }

    static Checkpoint awaitPending(RunHandle run) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (run.pendingCheckpoints().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(run.pendingCheckpoints()).hasSize(1);
        return run.pendingCheckpoints().get(0);
    }

    @Test
    void theCutRunsFinishTheStepsTheyHadNotFinished() throws Exception {
        Path runs = copy("v1-parallel-cut");
        RunResult result = OldJournalCrews.orchestrator(runs, OldJournalCrews.parallelModel())
                .resume("v1-parallel-cut", OldJournalCrews.parallel(), RunOptions.DEFAULTS).result().block(WAIT);
        assertThat(result.outputs()).containsEntry("research/fan/a", "A is fine").containsEntry("research/fan/b", "B is slow")
                .containsEntry("research/fan/c", "C is new").containsEntry("research/merge", "fix B first");

        Path loopRuns = copy("v1-loop-cut");
        RunResult loop = OldJournalCrews.orchestrator(loopRuns, OldJournalCrews.loopModel())
                .resume("v1-loop-cut", OldJournalCrews.loop(), RunOptions.DEFAULTS).result().block(WAIT);
        assertThat(loop.outcomes()).containsEntry("review-loop", "converged after 2 iterations: review.verdict is APPROVED");
        assertThat(loop.outputs()).containsEntry("review-loop/iteration-1/code", "draft 1").containsEntry("review-loop/iteration-2/code", "draft 2");
    }

    @Test
    void aRunStartedNowIsWrittenWithTheCurrentSchema() throws Exception {
        Path runs = dir.resolve("now");
        OldJournalCrews.orchestrator(runs, OldJournalCrews.sequentialModel())
                .run(OldJournalCrews.sequential(), OldJournalCrews.TASK, RunOptions.DEFAULTS.withRunId("now")).result().block(WAIT);
        assertThat(JournalWriter.fileFor(runs, "now")).as("new runs go to the segments").doesNotExist();
        assertThat(Journals.lines(runs, "now", OldJournalCrews.KEY).get(0)).contains("\"schemaVersion\":" + RunEvent.RunStarted.CURRENT_SCHEMA);
        RunEvent.RunStarted started = (RunEvent.RunStarted) Journals.read(runs, "now", OldJournalCrews.KEY).events().get(0);
        assertThat(started.schemaVersion()).isEqualTo(RunEvent.RunStarted.CURRENT_SCHEMA);
    }

    @Test
    void aJournalWrittenWithANewerSchemaIsRefusedInOneSentence() {
        Path runs = dir.resolve("future");
        JournalWriter writer = JournalWriter.open(runs, "future", false, OldJournalCrews.KEY);
        writer.append(new RunEvent.RunStarted("future", "", 1, Instant.EPOCH, "v1-sequential", Task.of("job", "Ship it."), null,
                RunEvent.RunStarted.CURRENT_SCHEMA + 1));
        writer.close();
        Orchestrator orchestrator = OldJournalCrews.orchestrator(runs, OldJournalCrews.sequentialModel());
        assertThatThrownBy(() -> orchestrator.resume("future", OldJournalCrews.sequential(), RunOptions.DEFAULTS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Run 'future' cannot be resumed: its journal " + JournalWriter.fileFor(runs, "future")
                        + " was written with event schema 3, newer than the schema 2 this version of Cadre reads;"
                        + " resume it with the version that wrote it or a later one.");
    }
}
