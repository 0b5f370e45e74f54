package dev.cadre.orchestrator.conformance;

import static dev.cadre.orchestrator.conformance.Runs.TASK;
import static dev.cadre.orchestrator.conformance.Runs.agent;
import static dev.cadre.orchestrator.conformance.Runs.id;
import static dev.cadre.orchestrator.conformance.Runs.work;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.Budget;
import dev.cadre.api.Checkpoint;
import dev.cadre.api.Decision;
import dev.cadre.api.HumanGate;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Tool;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.CrewPolicy;
import dev.cadre.api.crew.Review;
import dev.cadre.api.crew.Step;
import dev.cadre.api.crew.Until;
import dev.cadre.orchestrator.RunOptions;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A run cut after any event resumes to the same result and events, asking the model only for what is missing; cancel. */
public interface ResumeConformance extends SuitePart {

    /** A plan; a review loop whose first step fans out to two researchers, one reading a file; a reviewed summary. */
    static Crew crew(Tool read) {
        return Crew.of("resumable", Step.sequential("job", work(agent("planner"), "plan", "Plan: {task}"),
                Step.loop("review-loop", Until.verdict("review", "verdict", "APPROVED"), 3,
                        Step.parallel("fan", 2, work(agent("alpha", read), "a", "Research A.", "plan"),
                                work(agent("beta"), "b", "Research B.", "plan")),
                        work(agent("reviewer"), "review", "Review.", "fan")),
                work(agent("writer"), "summary", "Summarise.", "review").reviewed(Review.afterWork())));
    }

    static ScriptedModel model() {
        ScriptedModel.Builder model = ScriptedModel.builder().atStep("job/plan", Reply.text("look at A and B"));
        for (int i = 1; i <= 2; i++) {
            String iteration = "job/review-loop/iteration-" + i;
            model.atStep(iteration + "/fan/a", Reply.toolCall("read_file", "{\"text\":\"a" + i + ".txt\"}"),
                    Reply.dynamic(r -> Reply.text("A says " + ScriptedModel.lastToolResult(r))));
            model.atStep(iteration + "/fan/b", Reply.text("B " + i));
        }
        return model.atStep("job/review-loop/iteration-1/review", Reply.text("{\"verdict\":\"CHANGES_REQUESTED\"}"))
                .atStep("job/review-loop/iteration-2/review", Reply.text("{\"verdict\":\"APPROVED\"}"))
                .atStep("job/summary", Reply.text("approved after two rounds")).build();
    }

    /** Where the suite cuts a journal of {@code events} events: after each of them but the last. */
    default List<Integer> cutPoints(int events) {
        return IntStream.range(1, events).boxed().toList();
    }

    @Test
    default void aRunResumedAfterACutAtAnyEventEndsAsTheUninterruptedRunWithTheSameEvents() {
        Tool read = Runs.tool("read_file", RiskLevel.READ_ONLY, new ConcurrentLinkedQueue<>());
        RunResult whole = Cuts.assertResumesAfterEachCut(model -> driver(model, HumanGate.autoApprove(), read),
                ResumeConformance::model, crew(read), TASK, this::cutPoints);
        assertThat(whole.output()).isEqualTo("approved after two rounds");
        assertThat(whole.outcomes()).containsEntry("job/review-loop", "converged after 2 iterations: review.verdict is APPROVED");
    }

    @Test
    default void nestedTeamsAndVotesResumedAfterAnyCutEndAsTheUninterruptedRuns() {
        // delegations keep their numbers and paths; a finished team is not asked again; ballots in parallel are not re-cast
        Cuts.assertResumesAfterEachCut(model -> driver(model, HumanGate.autoApprove()), NestedConformance::teamsModel,
                NestedConformance.teams(), TASK, this::cutPoints);
        Cuts.assertResumesAfterEachCut(model -> driver(model, HumanGate.autoApprove()), NestedConformance::pollsModel,
                NestedConformance.polls(), TASK, this::cutPoints);
    }

    @Test
    default void aCallJournaledBeforeTheCutIsNotRefusedByTheBudgetOnResume() {
        // the budget allows exactly the three calls: a call whose intent was journaled is a fact, not re-checked
        CrewPolicy policy = CrewPolicy.builder().runBudget(Budget.UNLIMITED.withMaxModelCalls(3)).build();
        RunResult whole = Cuts.assertResumesAfterEachCut(model -> driver(model, HumanGate.autoApprove()),
                BudgetsAndToolsConformance::threeAnswers, BudgetsAndToolsConformance.threeSteps(policy), TASK, this::cutPoints);
        assertThat(whole.usage().modelCalls()).isEqualTo(3);
    }

    @Test
    default void resumingAnEndedRunGivesItsResultWithoutCallingTheModel() {
        Tool read = Runs.tool("read_file", RiskLevel.READ_ONLY, new ConcurrentLinkedQueue<>());
        CrewDriver first = driver(model(), HumanGate.autoApprove(), read);
        RunResult expected = Runs.result(first.run(crew(read), TASK, id("ended")));
        ScriptedModel again = model();
        RunHandle resumed = driver(again, HumanGate.autoApprove(), read).resume("ended", crew(read), RunOptions.DEFAULTS);
        RunResult result = Runs.result(resumed);
        assertThat(result.status()).isEqualTo(expected.status());
        assertThat(result.output()).isEqualTo(expected.output());
        assertThat(result.outputs()).isEqualTo(expected.outputs());
        assertThat(again.requests()).isEmpty();
        assertThat(Runs.events(resumed)).isEqualTo(first.journal("ended"));
    }

    @Test
    default void aRunWaitingAtACheckpointWaitsThereAgainAfterARestart() {
        Tool read = Runs.tool("read_file", RiskLevel.READ_ONLY, new ConcurrentLinkedQueue<>());
        CrewDriver first = driver(model(), HumanGate.programmatic(), read);
        RunHandle waiting = first.run(crew(read), TASK, id("waiting"));
        Checkpoint checkpoint = Runs.checkpoint(waiting, 1);
        waiting.cancel();
        Runs.result(waiting);
        List<RunEvent> journal = first.journal("waiting");
        int requested = IntStream.range(0, journal.size())
                .filter(i -> journal.get(i) instanceof RunEvent.CheckpointRequested).findFirst().orElseThrow();
        first.cut("waiting", requested + 1); // as if the process died while the run waited

        ScriptedModel again = model();
        RunHandle resumed = driver(again, HumanGate.programmatic(), read).resume("waiting", crew(read), RunOptions.DEFAULTS);
        Checkpoint pending = Runs.checkpoint(resumed, 1);
        assertThat(pending).isEqualTo(checkpoint);
        assertThat(again.requests()).as("everything before the checkpoint was journaled").isEmpty();
        resumed.resolve(pending.id(), Decision.approve("alice"));
        RunResult result = Runs.succeeded(resumed, "approved after two rounds");
    }

    @Test
    default void cancellingAWaitingRunEndsItCancelledKeepingWhatFinished() {
        Tool read = Runs.tool("read_file", RiskLevel.READ_ONLY, new ConcurrentLinkedQueue<>());
        ScriptedModel model = model();
        CrewDriver driver = driver(model, HumanGate.programmatic(), read);
        RunHandle run = driver.run(crew(read), TASK, id("cancel"));
        Runs.checkpoint(run, 1);
        int asked = model.requests().size();
        run.cancel();

        RunResult result = Runs.result(run);
        assertThat(result.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(result.outputs()).containsEntry("job/plan", "look at A and B").doesNotContainKey("job/summary");
        assertThat(run.pendingCheckpoints()).isEmpty();
        List<RunEvent> events = driver.journal("cancel");
        assertThat(events.get(events.size() - 1)).isInstanceOf(RunEvent.RunCancelled.class);
        assertThat(events).filteredOn(RunEvent::isTerminal).hasSize(1);
        assertThat(model.requests()).hasSize(asked);
    }

    @Test
    default void cancellingARunDuringAModelCallEndsItCancelled() {
        Crew crew = Crew.of("slow", Step.sequential("slow", work(agent("sleeper"), "nap", "Take your time."),
                work(agent("after"), "next", "Then this.")));
        ScriptedModel model = ScriptedModel.builder().atStep("slow/nap", Reply.text("woke up").after(Duration.ofSeconds(20)))
                .atStep("slow/next", Reply.text("never")).build();
        RunHandle run = driver(model, HumanGate.autoApprove()).run(crew, TASK, id("in-flight"));
        run.events().filter(RunEvent.ModelRequested.class::isInstance).next().block(Runs.WAIT);
        run.cancel();

        RunResult result = Runs.result(run);
        assertThat(result.status()).isEqualTo(RunStatus.CANCELLED);
        List<RunEvent> events = Runs.events(run);
        assertThat(Runs.trace(events)).doesNotContain("model_responded slow/nap", "step_started slow/next");
        assertThat(events.get(events.size() - 1)).isInstanceOf(RunEvent.RunCancelled.class);
    }
}
