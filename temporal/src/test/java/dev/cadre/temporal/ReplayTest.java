package dev.cadre.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.api.Decision;
import dev.cadre.api.HumanGate;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Tool;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.CrewPolicy;
import dev.cadre.api.crew.Step;
import dev.cadre.orchestrator.conformance.CheckpointsConformance;
import dev.cadre.orchestrator.conformance.CrewDriver;
import dev.cadre.orchestrator.conformance.ResumeConformance;
import dev.cadre.orchestrator.conformance.Runs;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.testkit.ScriptedModel;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workflow histories replay on the current workflow code with Temporal's {@link WorkflowReplayer}: the histories kept in
 * {@code src/test/resources/histories} (recorded by an earlier version: a change that breaks runs in flight fails here),
 * and fresh ones. Run with {@code -Dcadre.temporal.recordHistories=true} to record the kept ones again after a
 * deliberate, versioned change.
 */
class ReplayTest {

    private static final Path KEPT = Path.of("src/test/resources/histories");

    @TempDir
    Path store;

    /** The crews the histories ran, by the names their workflows carry. */
    private static Map<String, Crew> crews(Tool read) {
        CrewPolicy timeout = CrewPolicy.builder().checkpointTimeout(Duration.ofHours(2), Decision.approve("policy")).build();
        return Map.of("nested", ResumeConformance.crew(read), "reviewed", CheckpointsConformance.reviewed(timeout));
    }

    private static ScriptedModel model(String crew) {
        return crew.equals("nested") ? ResumeConformance.model() : CheckpointsConformance.model();
    }

    private static Tool read() {
        return Runs.tool("read_file", RiskLevel.READ_ONLY, new ConcurrentLinkedQueue<>());
    }

    /** Runs each crew to its end on a test service and returns the histories of their workflows. */
    private List<WorkflowExecutionHistory> record() {
        List<WorkflowExecutionHistory> histories = new ArrayList<>();
        Tool read = read();
        for (Map.Entry<String, Crew> crew : crews(read).entrySet()) {
            try (TemporalCrewDriver driver = new TemporalCrewDriver(new CrewDriver.Setup(ModelRegistry.of("scripted:m",
                    model(crew.getKey())), List.of(read), HumanGate.autoApprove(), store.resolve(crew.getKey())), JournalKey.generate())) {
                String runId = crew.getKey() + "-history";
                var run = driver.run(crew.getValue(), Runs.TASK, Runs.id(runId));
                driver.environment().sleep(Duration.ofHours(3));
                RunResult result = Runs.result(run);
                assertThat(result.status()).as(result.reason()).isEqualTo(RunStatus.SUCCEEDED);
                histories.add(driver.environment().getWorkflowClient().fetchHistory(runId));
            }
        }
        return histories;
    }

    /** A worker (never started) with Cadre's workflow and {@code crews}, for the replayer. */
    private static void replay(WorkflowExecutionHistory history, Map<String, Crew> crews, Path runs) throws Exception {
        try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
                .setWorkflowClientOptions(WorkflowClientOptions.newBuilder().setDataConverter(TemporalCadre.dataConverter()).build())
                .build())) {
            TemporalCadre.Builder builder = TemporalCadre.builder(env.getWorkflowClient())
                    .models(ModelRegistry.of("scripted:m", ScriptedModel.builder().build())).runsDirectory(runs).journalKey(JournalKey.generate());
            crews.values().forEach(builder::crew);
            try (TemporalCadre cadre = builder.build()) {
                cadre.register(env.getWorkerFactory());
                WorkflowReplayer.replayWorkflowExecution(history, env.getWorkerFactory().getWorker(TemporalCadre.DEFAULT_TASK_QUEUE));
            }
        }
    }

    @Test
    void freshHistoriesReplayAndAChangedCrewIsCaughtAsNondeterministic() throws Exception {
        List<WorkflowExecutionHistory> histories = record();
        Map<String, Crew> crews = crews(read());
        for (WorkflowExecutionHistory history : histories) {
            replay(history, crews, store.resolve("replay"));
        }
        if (Boolean.getBoolean("cadre.temporal.recordHistories")) {
            Files.createDirectories(KEPT);
            for (WorkflowExecutionHistory history : histories) {
                Files.writeString(KEPT.resolve(history.getWorkflowExecution().getWorkflowId() + ".json"), history.toJson(true),
                        StandardCharsets.UTF_8);
            }
        }
        Crew nested = crews.get("nested");
        Crew changed = new Crew(nested.name(), Step.sequential("job", Runs.work(Runs.agent("other"), "other", "Something else.")),
                nested.policy());
        WorkflowExecutionHistory nestedHistory = histories.stream()
                .filter(h -> h.getWorkflowExecution().getWorkflowId().equals("nested-history")).findFirst().orElseThrow();
        assertThatThrownBy(() -> replay(nestedHistory, Map.of("nested", changed), store.resolve("changed")))
                .as("a crew changed under a run in flight is a nondeterminism the replayer reports").hasStackTraceContaining("NonDeterministicException");
    }

    @Test
    void theKeptHistoriesReplayOnTheCurrentWorkflow() throws Exception {
        List<Path> kept;
        try (Stream<Path> files = Files.list(KEPT)) {
            kept = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            kept = List.of();
        }
        assertThat(kept).as("histories kept in " + KEPT).hasSizeGreaterThanOrEqualTo(2);
        for (Path file : kept) {
            replay(WorkflowExecutionHistory.fromJson(Files.readString(file, StandardCharsets.UTF_8)), crews(read()), store.resolve("kept"));
        }
    }
}
