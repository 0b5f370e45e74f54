package dev.cadre.temporal;

import static dev.cadre.orchestrator.conformance.Runs.agent;
import static dev.cadre.orchestrator.conformance.Runs.work;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.RunHandle;
import dev.cadre.api.Tool;
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
        Crew crew = Crew.of("edits", work(agent("coder", Runs.tool("edit", RiskLevel.READ_ONLY, new ConcurrentLinkedQueue<>())), "code",
                "Edit: {task}"));
        ScriptedModel model = ScriptedModel.builder().agent("coder", Reply.toolCall("edit", "{\"text\":\"one\"}"),
                Reply.toolCall("edit", "{\"text\":\"two\"}"), Reply.text("edited")).build();
        JournalKey key = JournalKey.generate();
        try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
                .setWorkflowClientOptions(WorkflowClientOptions.newBuilder().setDataConverter(TemporalCadre.dataConverter()).build())
                .build())) {
            TemporalCadre hostA = host(env, model, key, "cadre@a", Runs.tool("edit", RiskLevel.READ_ONLY, onA), crew);
            WorkerFactory second = WorkerFactory.newInstance(env.getWorkflowClient());
            TemporalCadre hostB = TemporalCadre.builder(env.getWorkflowClient()).models(ModelRegistry.of("scripted:m", model))
                    .tools(java.util.List.of(Runs.tool("edit", RiskLevel.READ_ONLY, onB))).toolQueue("cadre@b").crew(crew)
                    .runsDirectory(store.resolve("runs")).journalKey(key).build();
            hostB.register(second);
            env.start();

            TemporalCadre client = TemporalCadre.builder(env.getWorkflowClient()).models(ModelRegistry.of("scripted:m", model))
                    .toolQueue("cadre@b").runsDirectory(store.resolve("runs")).journalKey(key).build();
            RunHandle run = client.run(crew, Runs.TASK, Runs.id("on-b"));
            // host b's worker is not up: the model call is done elsewhere, the tool call waits, and the run says why
            String why = null;
            for (int i = 0; i < 400 && why == null; i++) {
                why = client.workspaceHostUnavailable("on-b", java.time.Duration.ZERO).orElse(null);
                sleep();
            }
            assertThat(why).as(() -> env.getWorkflowClient().newUntypedWorkflowStub("on-b").describe().getRawDescription().toString())
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
        Queue<String> onB = new ConcurrentLinkedQueue<>();
        Queue<String> onC = new ConcurrentLinkedQueue<>();
        Crew crew = Crew.of("edits", work(agent("coder", Runs.tool("edit", RiskLevel.READ_ONLY, new ConcurrentLinkedQueue<>())), "code",
                "Edit: {task}"));
        ScriptedModel model = ScriptedModel.builder().agent("coder", Reply.toolCall("edit", "{\"text\":\"one\"}"),
                Reply.toolCall("edit", "{\"text\":\"two\"}"), Reply.text("edited")).build();
        JournalKey key = JournalKey.generate();
        try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
                .setWorkflowClientOptions(WorkflowClientOptions.newBuilder().setDataConverter(TemporalCadre.dataConverter()).build())
                .build())) {
            TemporalCadre hostA = host(env, model, key, "cadre@a", Runs.tool("edit", RiskLevel.READ_ONLY, new ConcurrentLinkedQueue<>()), crew);
            WorkerFactory third = WorkerFactory.newInstance(env.getWorkflowClient());
            TemporalCadre hostC = TemporalCadre.builder(env.getWorkflowClient()).models(ModelRegistry.of("scripted:m", model))
                    .tools(java.util.List.of(Runs.tool("edit", RiskLevel.READ_ONLY, onC))).toolQueue("cadre@c").crew(crew)
                    .runsDirectory(store.resolve("runs")).journalKey(key).build();
            hostC.register(third);
            env.start();
            third.start();

            TemporalCadre client = TemporalCadre.builder(env.getWorkflowClient()).models(ModelRegistry.of("scripted:m", model))
                    .toolQueue("cadre@b").runsDirectory(store.resolve("runs")).journalKey(key).build();
            RunHandle run = client.run(crew, Runs.TASK, Runs.id("from-b"));
            String why = null;
            for (int i = 0; i < 400 && why == null; i++) { // host b never comes: its tool call waits
                why = client.workspaceHostUnavailable("from-b", java.time.Duration.ZERO).orElse(null);
                sleep();
            }
            assertThat(why).startsWith("Workspace host b is unavailable");
            assertThatThrownBy(() -> TemporalCadre.move(env.getWorkflowClient(), "from-b", "cadre@b")).hasMessage(
                    "Run 'from-b' already sends its tool calls to task queue cadre@b.");
            assertThatThrownBy(() -> TemporalCadre.move(env.getWorkflowClient(), "nowhere", "cadre@c")).hasMessage(
                    "Run 'nowhere' has no open workflow on this cluster: there is nothing to move.");

            assertThat(TemporalCadre.move(env.getWorkflowClient(), "from-b", "cadre@c")).isEqualTo("cadre@b");

            Runs.succeeded(run, "edited");
            assertThat(onC).as("the waiting call asked again on c, the next one sent there").containsExactly("one", "two");
            assertThat(onB).isEmpty();
            assertThat(client.workspaceHostUnavailable("from-b", java.time.Duration.ZERO)).isEmpty();
            assertThatThrownBy(() -> TemporalCadre.move(env.getWorkflowClient(), "from-b", "cadre@a")).hasMessageContaining("from-b");
            third.shutdownNow();
            hostA.close();
            hostC.close();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(25);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private TemporalCadre host(TestWorkflowEnvironment env, ScriptedModel model, JournalKey key, String toolQueue, Tool tool, Crew crew) {
        TemporalCadre cadre = TemporalCadre.builder(env.getWorkflowClient()).models(ModelRegistry.of("scripted:m", model))
                .tools(java.util.List.of(tool)).toolQueue(toolQueue).crew(crew).runsDirectory(store.resolve("runs")).journalKey(key).build();
        cadre.register(env.getWorkerFactory());
        return cadre;
    }
}
