package dev.cadre.temporal;

import static dev.cadre.orchestrator.conformance.Runs.agent;
import static dev.cadre.orchestrator.conformance.Runs.work;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.HumanGate;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import dev.cadre.api.crew.Crew;
import dev.cadre.orchestrator.conformance.CrewDriver;
import dev.cadre.orchestrator.conformance.Runs;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Temporal run's {@code run_started} records the workspace of the worker that takes its tool calls, as a local run
 * records its {@code --workspace}; a worker that names none records none.
 */
class RunStartedWorkspaceTest {

    @TempDir
    Path store;

    @TempDir
    Path workspace;

    RunEvent.RunStarted started(java.util.function.UnaryOperator<TemporalCadre.Builder> more, String runId) throws Exception {
        Crew crew = Crew.of("one", work(agent("writer"), "write", "Write: {task}"));
        ScriptedModel model = ScriptedModel.of(Reply.text("done"));
        try (TemporalCrewDriver driver = new TemporalCrewDriver(new CrewDriver.Setup(ModelRegistry.of("scripted:m", model),
                List.of(), HumanGate.autoApprove(), store), JournalKey.generate(), more)) {
            RunResult result = Runs.result(driver.run(crew, Runs.TASK, Runs.id(runId)));
            assertThat(result.status()).as(result.reason()).isEqualTo(RunStatus.SUCCEEDED);
            return (RunEvent.RunStarted) driver.journal(runId).get(0);
        }
    }

    @Test
    void the_tool_workers_workspace_is_recorded_as_an_absolute_path() throws Exception {
        Path relative = Path.of("").toAbsolutePath().relativize(workspace);
        RunEvent.RunStarted started = started(b -> b.workspace(relative), "with-workspace");
        assertThat(started.workspace()).isEqualTo(workspace.toAbsolutePath().normalize().toString());
    }

    @Test
    void a_worker_that_names_no_workspace_records_none() throws Exception {
        assertThat(started(b -> b, "without-workspace").workspace()).isNull();
    }
}
