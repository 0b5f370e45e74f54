package dev.cadre.temporal;

import static dev.cadre.orchestrator.conformance.Runs.agent;
import static dev.cadre.orchestrator.conformance.Runs.work;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.api.Checkpoint;
import dev.cadre.api.Decision;
import dev.cadre.api.HumanGate;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.CrewPolicy;
import dev.cadre.api.crew.Review;
import dev.cadre.api.crew.Step;
import dev.cadre.orchestrator.conformance.CrewDriver;
import dev.cadre.orchestrator.conformance.Runs;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.temporal.internal.CrewWorkflow;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the Temporal driver adds to the conformance suite: durable timers with time skipping, the update's validator, crews by name. */
class TemporalCadreTest {

    @TempDir
    Path store;
    private TemporalCrewDriver driver;

    private static Crew reviewedTwice(CrewPolicy policy) {
        return new Crew("reviewed", Step.sequential("doc", work(agent("drafter"), "draft", "Draft: {task}").reviewed(Review.afterWork()),
                work(agent("editor"), "final", "Edit the draft.", "draft").reviewed(Review.afterWork())), policy);
    }

    private static ScriptedModel model() {
        return ScriptedModel.builder().atStep("doc/draft", Reply.text("a draft")).atStep("doc/final", Reply.text("the text")).build();
    }

    private TemporalCrewDriver driver(ScriptedModel model) {
        driver = new TemporalCrewDriver(new CrewDriver.Setup(ModelRegistry.of("scripted:m", model), List.of(), HumanGate.programmatic(),
                store), JournalKey.generate());
        return driver;
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.close();
        }
    }

    @Test
    void checkpointTimeoutsOfHoursAreDurableTimersThatTimeSkippingPassesAtOnce() {
        CrewPolicy policy = CrewPolicy.builder().checkpointTimeout(Duration.ofHours(3), Decision.approve("policy")).build();
        RunHandle run = driver(model()).run(reviewedTwice(policy), Runs.TASK, Runs.id("hours"));
        Runs.checkpoint(run, 1);

        driver.environment().sleep(Duration.ofHours(7)); // the test service skips the time: no one waits 7 hours
        RunResult result = Runs.result(run);

        assertThat(result.status()).as(result.reason()).isEqualTo(RunStatus.SUCCEEDED);
        List<RunEvent> events = driver.journal("hours");
        assertThat(events).filteredOn(RunEvent.CheckpointResolved.class::isInstance)
                .extracting(e -> ((RunEvent.CheckpointResolved) e).decision().decidedBy()).containsExactly("timeout", "timeout");
        RunEvent first = events.get(0);
        RunEvent last = events.get(events.size() - 1);
        assertThat(Duration.between(first.timestamp(), last.timestamp())).as("workflow time passed both timeouts")
                .isGreaterThanOrEqualTo(Duration.ofHours(6));
    }

    @Test
    void aRunJournalsTheDefinitionItsCrewWasLoadedFromAsALocalRunDoes() {
        dev.cadre.api.CrewSource source = dev.cadre.api.CrewSource.of("crews/reviewed.yaml", "name: reviewed\n# the crew's file\n");
        RunHandle run = driver(model()).run(reviewedTwice(CrewPolicy.DEFAULT), Runs.TASK, Runs.id("sourced").withCrewSource(source));
        Runs.checkpoint(run, 1);

        RunEvent.RunStarted started = (RunEvent.RunStarted) driver.journal("sourced").get(0);
        assertThat(started.crewSource()).as("what `cadre runs resume` resumes with when no --crew is given").isEqualTo(source);
        run.cancel();
    }

    @Test
    void theDecideUpdateRefusesAStaleOrUnknownCheckpoint() {
        RunHandle run = driver(model()).run(reviewedTwice(CrewPolicy.DEFAULT), Runs.TASK, Runs.id("stale"));
        Checkpoint first = Runs.checkpoint(run, 1);

        assertThatThrownBy(() -> run.resolve("doc/nowhere#review", Decision.approve("alice")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no pending checkpoint 'doc/nowhere#review'").hasMessageContaining(first.id());
        run.resolve(first.id(), Decision.approve("alice"));
        assertThatThrownBy(() -> run.resolve(first.id(), Decision.reject("again", "mallory")))
                .as("a checkpoint already decided is stale").isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no pending checkpoint '" + first.id() + "'");
        Checkpoint second = Runs.checkpoint(run, 2);
        assertThat(run.pendingCheckpoints()).extracting(Checkpoint::id).containsExactly(second.id());
        run.resolve(second.id(), Decision.approve("alice"));

        assertThat(Runs.result(run).status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(driver.journal("stale")).filteredOn(RunEvent.CheckpointResolved.class::isInstance)
                .extracting(e -> ((RunEvent.CheckpointResolved) e).decision().decidedBy()).containsExactly("alice", "alice");
    }

    @Test
    void aCrewTheWorkerDoesNotHaveFailsTheRunInOneSentence() {
        TemporalCrewDriver d = driver(model());
        WorkflowClient client = d.environment().getWorkflowClient();
        CrewWorkflow workflow = client.newWorkflowStub(CrewWorkflow.class,
                WorkflowOptions.newBuilder().setWorkflowId("ghost-run").setTaskQueue(TemporalCadre.DEFAULT_TASK_QUEUE).build());
        WorkflowClient.start(workflow::run, new CrewWorkflow.Start("ghost-run", "ghost", Runs.TASK, Map.of(), 2, false, null));

        RunResult result = Runs.result(d.cadre().handle("ghost-run"));

        assertThat(result.status()).isEqualTo(RunStatus.FAILED);
        assertThat(result.reason()).contains("Crew 'ghost' of run 'ghost-run' is not registered on this worker");
    }

    @Test
    void badInputIsRefusedBeforeAWorkflowStarts() {
        Crew needsContext = Crew.of("c", work(agent("a"), "t", "Use it.", "missing"));
        assertThatThrownBy(() -> driver(model()).run(needsContext, Runs.TASK, Runs.id("bad")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing");
        assertThat(store.resolve("runs").resolve("bad.jsonl")).as("nothing was journaled").doesNotExist();
        assertThatThrownBy(() -> TemporalCadre.builder(driver.environment().getWorkflowClient()).taskQueue(" "))
                .hasMessageContaining("Task queue ' ' is invalid");
    }

    @Test
    @org.junit.jupiter.api.Timeout(120)
    void withNoStickyExecutionARunWhoseWorkerStoppedAtACheckpointIsDecidedOnAnother() {
        JournalKey key = JournalKey.generate();
        ScriptedModel model = model();
        driver = new TemporalCrewDriver(new CrewDriver.Setup(ModelRegistry.of("scripted:m", model), List.of(), HumanGate.programmatic(),
                store), key, b -> b.stickyTimeout(Duration.ZERO));
        Crew crew = reviewedTwice(CrewPolicy.DEFAULT);
        RunHandle run = driver.run(crew, Runs.TASK, Runs.id("moved"));
        Checkpoint first = Runs.checkpoint(run, 1);

        WorkflowClient client = driver.environment().getWorkflowClient();
        io.temporal.worker.WorkerFactory other = io.temporal.worker.WorkerFactory.newInstance(client);
        Path runs = store.resolve("runs");
        try (TemporalCadre second = TemporalCadre.builder(client).models(ModelRegistry.of("scripted:m", model)).runsDirectory(runs)
                .journalKey(key).journalStore(new dev.cadre.orchestrator.journal.RunFilesJournalStore(runs, key,
                        dev.cadre.orchestrator.journal.Durability.PROCESS)).stickyTimeout(Duration.ZERO).crew(crew).build()) {
            second.register(other);
            other.start();
            // the first worker goes away with the run cached: Temporal's test server would keep the run's next task on its
            // sticky queue for ever, so only a task on the task queue reaches the other worker
            driver.environment().getWorkerFactory().shutdownNow();
            driver.environment().getWorkerFactory().awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);

            run.resolve(first.id(), Decision.approve("alice"));
            run.resolve(Runs.checkpoint(run, 2).id(), Decision.approve("alice"));

            assertThat(Runs.result(run).status()).isEqualTo(RunStatus.SUCCEEDED);
        } finally {
            other.shutdownNow();
        }
        assertThatThrownBy(() -> TemporalCadre.builder(client).stickyTimeout(Duration.ofSeconds(-1)))
                .hasMessage("stickyTimeout is PT-1S: give 0 (no sticky execution) or more.");
    }
}
