package dev.cadre.orchestrator.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.Agent;
import dev.cadre.api.HumanGate;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.Persona;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Task;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Step;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.orchestrator.RunOptions;
import dev.cadre.orchestrator.journal.Durability;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.orchestrator.journal.LocalJournalStore;
import dev.cadre.orchestrator.journal.StoredJournal;
import dev.cadre.orchestrator.journal.WriterProcesses;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An orchestrator process writing several runs at once to the default store is killed with SIGKILL in the middle (under
 * {@code fsync}, in the middle of group commits: the runs share each sync); a new orchestrator then resumes every run
 * from the store. No event that had been published is lost, every journal verifies, and each run ends as an
 * uninterrupted one does, no finished step done again.
 */
class KilledWriterResumeTest {

    @TempDir
    Path dir;

    static final int STEPS = 6;
    static final Crew CREW = Crew.of("relay", Step.sequential("relay", IntStream.range(0, STEPS)
            .mapToObj(i -> (Step) Step.work(Agent.of(Persona.builder("agent-" + i).role("Relay " + i).build()),
                    Task.of("leg-" + i, "Carry leg " + i + ".")))
            .toArray(Step[]::new)));
    static final Task TASK = Task.of("relay", "Carry the baton.");
    static final Duration WAIT = Duration.ofSeconds(60);
    private static final int RUNS = 6;

    /** Answers each step from its prompt (so a resumed run answers as the first did) after 30 ms, so the kill lands mid-run. */
    static ScriptedModel model() {
        return ScriptedModel.builder().when(r -> true, Reply.dynamic(request -> Reply.text("carried: "
                + ScriptedModel.lastUserText(request).lines().filter(l -> l.startsWith("Carry leg")).findFirst().orElse("?")))
                .after(Duration.ofMillis(30))).build();
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void runsOfAWriterKilledMidBatchResumeFromTheStoreAndEndAsUninterruptedOnes(Durability durability) throws Exception {
        Path baselineRuns = dir.resolve("baseline");
        byte[] keyBytes = WriterProcesses.randomKey();
        JournalKey key = JournalKey.of(keyBytes);
        RunResult expected = orchestrator(baselineRuns, key, durability).run(CREW, TASK, RunOptions.DEFAULTS.withRunId("r-0"))
                .result().block(WAIT);
        assertThat(expected.status()).as(expected.reason()).isEqualTo(RunStatus.SUCCEEDED);
        int eventsPerRun = LocalJournalStore.open(baselineRuns, key, durability).read("r-0").events().size();

        Path runs = dir.resolve("runs");
        Map<String, Long> published = new HashMap<>();
        Process child = WriterProcesses.start(CrewWriterProcess.class, runs, keyBytes, durability, RUNS);
        WriterProcesses.killAfter(child, RUNS * 3 + ThreadLocalRandom.current().nextInt(RUNS * eventsPerRun / 2), published);

        Orchestrator after = orchestrator(runs, key, durability);
        int unfinished = 0;
        Map<String, Integer> left = new java.util.TreeMap<>();
        for (int i = 0; i < RUNS; i++) {
            String runId = "r-" + i;
            if (!after.journalStore().contains(runId)) {
                assertThat(published).as("a run with no journal published nothing").doesNotContainKey(runId);
                continue;
            }
            StoredJournal killed = after.journalStore().read(runId);
            assertThat(killed.integrity().isIntact()).as(killed.integrity().describe(killed.location())).isTrue();
            assertThat((long) killed.events().size()).as("%s keeps every event it published", runId)
                    .isGreaterThanOrEqualTo(published.getOrDefault(runId, 0L));
            unfinished += killed.events().get(killed.events().size() - 1).isTerminal() ? 0 : 1;
            left.put(runId, killed.events().size());

            RunResult result = after.resume(runId, CREW, RunOptions.DEFAULTS).result().block(WAIT);
            assertThat(result.status()).as(result.reason()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(result.output()).isEqualTo(expected.output());
            assertThat(result.outputs()).isEqualTo(expected.outputs());

            StoredJournal resumed = LocalJournalStore.open(runs, key, Durability.PROCESS).read(runId);
            assertThat(resumed.integrity().isIntact()).as(resumed.integrity().describe(resumed.location())).isTrue();
            List<RunEvent> events = resumed.events();
            assertThat(events.subList(0, killed.events().size())).as("what the kill left stays as it was").isEqualTo(killed.events());
            assertThat(events).extracting(RunEvent::seq).containsExactlyElementsOf(
                    java.util.stream.LongStream.rangeClosed(1, events.size()).boxed().toList());
            assertThat(events).filteredOn(RunEvent.StepFinished.class::isInstance).extracting(RunEvent::stepPath)
                    .as("no step finished twice").doesNotHaveDuplicates().hasSize(STEPS + 1);
        }
        assertThat(unfinished).as("the kill landed in the middle of some runs: %d events each, published %s, journaled %s",
                eventsPerRun, published, left).isPositive();
    }

    static Orchestrator orchestrator(Path runs, JournalKey key, Durability durability) {
        return Orchestrator.builder().models(ModelRegistry.of("scripted:m", model())).runsDirectory(runs).journalKey(key)
                .fsyncJournal(durability == Durability.FSYNC).gate(HumanGate.autoApprove()).build();
    }
}
