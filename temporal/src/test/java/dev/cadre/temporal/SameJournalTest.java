package dev.cadre.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.HumanGate;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Tool;
import dev.cadre.orchestrator.RunOptions;
import dev.cadre.orchestrator.conformance.CrewDriver;
import dev.cadre.orchestrator.conformance.LocalCrewDriver;
import dev.cadre.orchestrator.conformance.ResumeConformance;
import dev.cadre.orchestrator.conformance.Runs;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.orchestrator.journal.Durability;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.orchestrator.journal.LocalJournalStore;
import dev.cadre.orchestrator.journal.StoredJournal;
import dev.cadre.testkit.ScriptedModel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Temporal run's journal is a local run's journal: the local driver reads it, resumes it after a cut to the same
 * result and events, and the two drivers' journals of the same crew say the same things.
 */
class SameJournalTest {

    @TempDir
    Path store;

    private final JournalKey key = JournalKey.generate();

    @Test
    void theLocalDriverResumesACutTemporalRunToTheSameResultAndEvents() {
        Tool read = Runs.tool("read_file", RiskLevel.READ_ONLY, new ConcurrentLinkedQueue<>());
        CrewDriver.Setup setup = new CrewDriver.Setup(ModelRegistry.of("scripted:m", ResumeConformance.model()), List.of(read),
                HumanGate.autoApprove(), store);
        RunResult onTemporal;
        List<RunEvent> temporalJournal;
        try (TemporalCrewDriver temporal = new TemporalCrewDriver(setup, key)) {
            onTemporal = Runs.result(temporal.run(ResumeConformance.crew(read), Runs.TASK, Runs.id("t1")));
            temporalJournal = temporal.journal("t1");
        }
        assertThat(onTemporal.status()).as(onTemporal.reason()).isEqualTo(RunStatus.SUCCEEDED);

        ScriptedModel localModel = ResumeConformance.model();
        LocalCrewDriver local = new LocalCrewDriver(new CrewDriver.Setup(ModelRegistry.of("scripted:m", localModel), List.of(read),
                HumanGate.autoApprove(), store.resolve("local")), key);
        RunResult onLocal = Runs.result(local.run(ResumeConformance.crew(read), Runs.TASK, Runs.id("t1")));
        assertThat(Runs.signatures(local.journal("t1"))).as("the same crew gives the same events on both drivers")
                .containsExactlyInAnyOrderElementsOf(Runs.signatures(temporalJournal));
        assertThat(onLocal.outputs()).isEqualTo(onTemporal.outputs());

        int cut = temporalJournal.size() / 2;
        LocalCrewDriver overTemporalStore = new LocalCrewDriver(setup, key);
        overTemporalStore.cut("t1", cut);
        ScriptedModel again = ResumeConformance.model();
        LocalCrewDriver resumer = new LocalCrewDriver(new CrewDriver.Setup(ModelRegistry.of("scripted:m", again), List.of(read),
                HumanGate.autoApprove(), store), key);
        RunResult resumed = Runs.result(resumer.resume("t1", ResumeConformance.crew(read), RunOptions.DEFAULTS));

        assertThat(resumed.status()).as(resumed.reason()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(resumed.output()).isEqualTo(onTemporal.output());
        assertThat(resumed.outputs()).isEqualTo(onTemporal.outputs());
        assertThat(Runs.signatures(resumer.journal("t1"))).containsExactlyInAnyOrderElementsOf(Runs.signatures(temporalJournal));
        assertThat(resumer.journal("t1").subList(0, cut)).isEqualTo(temporalJournal.subList(0, cut));
    }

    @Test
    void aTemporalRunInTheDefaultStoreIsReadAndResumedByALocalOrchestratorOfTheSameRunsDirectory() {
        Tool read = Runs.tool("read_file", RiskLevel.READ_ONLY, new ConcurrentLinkedQueue<>());
        CrewDriver.Setup setup = new CrewDriver.Setup(ModelRegistry.of("scripted:m", ResumeConformance.model()), List.of(read),
                HumanGate.autoApprove(), store);
        Path runs = store.resolve("runs");
        RunResult onTemporal;
        try (TemporalCrewDriver temporal = new TemporalCrewDriver(setup, key,
                b -> b.journalStore(LocalJournalStore.open(runs, key, Durability.PROCESS)))) {
            onTemporal = Runs.result(temporal.run(ResumeConformance.crew(read), Runs.TASK, Runs.id("t2")));
        }
        assertThat(onTemporal.status()).as(onTemporal.reason()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(runs.resolve("t2.jsonl")).as("no per-run file: the segments hold it").doesNotExist();

        // another process's store of the same directory: it reads the worker's segments
        StoredJournal journal = LocalJournalStore.open(runs, key, Durability.PROCESS).read("t2");
        assertThat(journal.integrity().isIntact()).as(journal.integrity().describe(journal.location())).isTrue();
        assertThat(journal.events().get(journal.events().size() - 1)).isInstanceOf(RunEvent.RunFinished.class);

        ScriptedModel none = ScriptedModel.builder().build();
        Orchestrator local = Orchestrator.builder().models(ModelRegistry.of("scripted:m", none)).tools(List.of(read))
                .runsDirectory(runs).journalKey(key).build();
        RunResult again = local.resume("t2", ResumeConformance.crew(read), RunOptions.DEFAULTS).result().block(java.time.Duration.ofSeconds(30));
        assertThat(again.outputs()).isEqualTo(onTemporal.outputs());
        assertThat(none.requests()).as("an ended run is not run again").isEmpty();
    }
}
