package dev.cadre.temporal;

import static dev.cadre.orchestrator.conformance.Runs.agent;
import static dev.cadre.orchestrator.conformance.Runs.work;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.RunHandle;
import dev.cadre.api.crew.Crew;
import dev.cadre.orchestrator.conformance.Runs;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.WorkerFactory;
import java.nio.file.Path;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A queue per workspace host: two workers on the shared task queue, each holding "its" workspace (a tool of the same
 * name that records where it ran) on a tool queue of its own; a run started for host b has every tool call on b's
 * worker, whichever worker runs its workflow and model calls.
 */
class WorkspaceRoutingTest {

    @TempDir
    Path store;

    @Test
    void toolCallsGoToTheQueueOfTheRunsWorkspaceHostAndModelCallsToAnyWorker() {
        Queue<String> onA = new ConcurrentLinkedQueue<>();
        Queue<String> onB = new ConcurrentLinkedQueue<>();
        ScriptedModel model = twoEdits();
        try (TestWorkflowEnvironment env = environment()) {
            TemporalCadre hostA = host(env, env.getWorkerFactory(), model, "cadre@a", onA);
            WorkerFactory second = WorkerFactory.newInstance(env.getWorkflowClient());
            TemporalCadre hostB = host(env, second, model, "cadre@b", onB);
            env.start();

            TemporalCadre client = client(env, model, "cadre@b");
            RunHandle run = client.run(CREW, Runs.TASK, Runs.id("on-b"));
            // host b's worker is not up: the model call is done elsewhere, the tool call waits, and the run says why
            assertThat(unavailable(client, "on-b")).as(() -> env.getWorkflowClient().newUntypedWorkflowStub("on-b").describe()
                    .getRawDescription().toString())
                    .startsWith("Workspace host b is unavailable: a tool call of run on-b has waited")
                    .contains("task queue cadre@b");
            assertThat(onA).isEmpty();
            second.start(); // host b returns

            Runs.succeeded(run, "edited");
            assertThat(onB).containsExactly("one", "two");
            assertThat(onA).as("host a holds another workspace").isEmpty();
            second.shutdownNow();
            hostA.close();
            hostB.close();
        }
    }

    @Test
    void aRunWhoseWorkspaceHostIsGoneFinishesOnTheHostItIsMovedTo() {
        Queue<String> onC = new ConcurrentLinkedQueue<>();
        ScriptedModel model = twoEdits();
        try (TestWorkflowEnvironment env = environment()) {
            TemporalCadre hostA = host(env, env.getWorkerFactory(), model, "cadre@a", new ConcurrentLinkedQueue<>());
            WorkerFactory third = WorkerFactory.newInstance(env.getWorkflowClient());
            TemporalCadre hostC = host(env, third, model, "cadre@c", onC);
            env.start();
            third.start();

            TemporalCadre client = client(env, model, "cadre@b");
            RunHandle run = client.run(CREW, Runs.TASK, Runs.id("from-b"));
            assertThat(unavailable(client, "from-b")).as("host b never comes: its tool call waits")
                    .startsWith("Workspace host b is unavailable");
            assertThatThrownBy(() -> TemporalCadre.move(env.getWorkflowClient(), "from-b", "cadre@b")).hasMessage(
                    "Run 'from-b' already sends its tool calls to task queue cadre@b.");
            assertThatThrownBy(() -> TemporalCadre.move(env.getWorkflowClient(), "nowhere", "cadre@c")).hasMessage(
                    "Run 'nowhere' has no open workflow on this cluster: there is nothing to move.");

            assertThat(TemporalCadre.move(env.getWorkflowClient(), "from-b", "cadre@c")).isEqualTo("cadre@b");

            Runs.succeeded(run, "edited");
            assertThat(onC).as("the waiting call asked again on c, the next one sent there").containsExactly("one", "two");
            assertThat(client.workspaceHostUnavailable("from-b", java.time.Duration.ZERO)).isEmpty();
            assertThatThrownBy(() -> TemporalCadre.move(env.getWorkflowClient(), "from-b", "cadre@a")).hasMessageContaining("from-b");
            third.shutdownNow();
            hostA.close();
            hostC.close();
        }
    }

    private static final Crew CREW = Crew.of("edits", work(agent("coder", Runs.tool("edit", RiskLevel.READ_ONLY,
            new ConcurrentLinkedQueue<>())), "code", "Edit: {task}"));

    private final JournalKey key = JournalKey.generate();

    private static ScriptedModel twoEdits() {
        return ScriptedModel.builder().agent("coder", Reply.toolCall("edit", "{\"text\":\"one\"}"),
                Reply.toolCall("edit", "{\"text\":\"two\"}"), Reply.text("edited")).build();
    }

    private static TestWorkflowEnvironment environment() {
        return TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
                .setWorkflowClientOptions(WorkflowClientOptions.newBuilder().setDataConverter(TemporalCadre.dataConverter()).build())
                .build());
    }

    /** The run's "workspace host unavailable" status, asked until it appears (10 s at most; null if it never does). */
    private static String unavailable(TemporalCadre client, String runId) {
        String why = null;
        for (int i = 0; i < 400 && why == null; i++) {
            why = client.workspaceHostUnavailable(runId, java.time.Duration.ZERO).orElse(null);
            sleep();
        }
        return why;
    }

    private static void sleep() {
        try {
            Thread.sleep(25);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A worker of workspace host {@code toolQueue}, its "edit" tool recording the texts it was called with. */
    private TemporalCadre host(TestWorkflowEnvironment env, WorkerFactory factory, ScriptedModel model, String toolQueue,
            Queue<String> edits) {
        TemporalCadre cadre = TemporalCadre.builder(env.getWorkflowClient()).models(ModelRegistry.of("scripted:m", model))
                .tools(java.util.List.of(Runs.tool("edit", RiskLevel.READ_ONLY, edits))).toolQueue(toolQueue).crew(CREW)
                .runsDirectory(store.resolve("runs")).journalKey(key).build();
        cadre.register(factory);
        return cadre;
    }

    private TemporalCadre client(TestWorkflowEnvironment env, ScriptedModel model, String toolQueue) {
        return TemporalCadre.builder(env.getWorkflowClient()).models(ModelRegistry.of("scripted:m", model)).toolQueue(toolQueue)
                .runsDirectory(store.resolve("runs")).journalKey(key).build();
    }
}
