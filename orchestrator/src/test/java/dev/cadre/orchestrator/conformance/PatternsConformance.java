package dev.cadre.orchestrator.conformance;

import static dev.cadre.orchestrator.conformance.Runs.TASK;
import static dev.cadre.orchestrator.conformance.Runs.agent;
import static dev.cadre.orchestrator.conformance.Runs.id;
import static dev.cadre.orchestrator.conformance.Runs.work;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.HumanGate;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Task;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Step;
import dev.cadre.api.crew.Until;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each pattern alone: its steps' paths, the order of their events, its output and outcome. */
public interface PatternsConformance extends SuitePart {

    @Test
    default void sequentialRunsItsStepsInOrderEachSeeingTheOutputsItNames() {
        Crew crew = Crew.of("seq", Step.sequential("seq", work(agent("planner"), "plan", "Plan: {task}"),
                work(agent("coder"), "code", "Code the plan.", "plan"), work(agent("writer"), "summary", "Summarise.", "code")));
        ScriptedModel model = ScriptedModel.builder().atStep("seq/plan", Reply.text("the plan"))
                .atStep("seq/code", Reply.text("the code")).atStep("seq/summary", Reply.text("the summary")).build();
        RunHandle run = driver(model, HumanGate.autoApprove()).run(crew, TASK, id("seq"));

        RunResult result = Runs.succeeded(run, "the summary");
        assertThat(result.outputs()).containsEntry("seq/plan", "the plan").containsEntry("seq/code", "the code")
                .containsEntry("seq/summary", "the summary");
        List<String> agentStep = List.of("step_started", "model_requested", "model_responded", "step_finished");
        assertThat(Runs.trace(Runs.events(run))).containsExactly("run_started", "step_started seq",
                "step_started seq/plan", "model_requested seq/plan", "model_responded seq/plan", "step_finished seq/plan",
                "step_started seq/code", "model_requested seq/code", "model_responded seq/code", "step_finished seq/code",
                "step_started seq/summary", "model_requested seq/summary", "model_responded seq/summary", "step_finished seq/summary",
                "step_finished seq", "run_finished");
        assertThat(Runs.at(Runs.events(run), "seq/code")).isEqualTo(agentStep);
        assertThat(model.requestsFor("coder").get(0).lastUserText()).contains("the plan");
        assertThat(model.requestsFor("writer").get(0).lastUserText()).contains("the code").doesNotContain("the plan");
    }

    @Test
    default void aLoopRepeatsUntilItsConditionHoldsAndEachIterationSeesTheLatestOutputs() {
        Crew crew = Crew.of("loop", Step.loop("review-loop", Until.verdict("review", "verdict", "APPROVED"), 3,
                work(agent("coder"), "code", "Code: {task}", "review"), work(agent("reviewer"), "review", "Review.", "code")));
        ScriptedModel model = ScriptedModel.builder()
                .atStep("review-loop/iteration-1/code", Reply.text("draft 1"))
                .atStep("review-loop/iteration-1/review", Reply.text("{\"verdict\":\"CHANGES_REQUESTED\",\"why\":\"no tests\"}"))
                .atStep("review-loop/iteration-2/code", Reply.text("draft 2 with tests"))
                .atStep("review-loop/iteration-2/review", Reply.text("{\"verdict\":\"APPROVED\"}")).build();
        RunHandle run = driver(model, HumanGate.autoApprove()).run(crew, TASK, id("loop"));

        RunResult result = Runs.succeeded(run, "{\"verdict\":\"APPROVED\"}");
        assertThat(result.outcomes()).containsEntry("review-loop", "converged after 2 iterations: review.verdict is APPROVED");
        assertThat(Runs.steps(Runs.events(run))).containsExactly("step_started review-loop",
                "step_started review-loop/iteration-1/code", "step_finished review-loop/iteration-1/code",
                "step_started review-loop/iteration-1/review", "step_finished review-loop/iteration-1/review",
                "step_started review-loop/iteration-2/code", "step_finished review-loop/iteration-2/code",
                "step_started review-loop/iteration-2/review", "step_finished review-loop/iteration-2/review",
                "step_finished review-loop");
        assertThat(model.requestsFor("coder").get(1).lastUserText()).as("the review reaches the next iteration").contains("no tests");
    }

    @Test
    default void aLoopThatNeverConvergesStopsAtItsBound() {
        Crew crew = Crew.of("loop", Step.loop("tries", Until.textContains("attempt", "DONE"), 2, work(agent("worker"), "attempt", "Try.")));
        ScriptedModel model = ScriptedModel.builder().atStep("tries/iteration-1/attempt", Reply.text("not yet"))
                .atStep("tries/iteration-2/attempt", Reply.text("still not")).build();
        RunResult result = Runs.result(driver(model, HumanGate.autoApprove()).run(crew, TASK, id("bound")));
        assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(result.output()).isEqualTo("still not");
        assertThat(result.outcomes()).containsEntry("tries", "stopped at the bound of 2 iterations without converging");
        assertThat(model.requests()).hasSize(2);
    }

    @Test
    default void parallelBranchesAllRunInsideTheStepAndTheOutputJoinsThemInBranchOrder() {
        Crew crew = Crew.of("par", Step.parallel("fan", 3, work(agent("alpha"), "a", "Look at A."),
                work(agent("beta"), "b", "Look at B."), work(agent("gamma"), "c", "Look at C.")));
        ScriptedModel model = ScriptedModel.builder().atStep("fan/a", Reply.text("A is fine"))
                .atStep("fan/b", Reply.text("B is slow")).atStep("fan/c", Reply.text("C is new")).build();
        RunHandle run = driver(model, HumanGate.autoApprove()).run(crew, TASK, id("par"));

        RunResult result = Runs.succeeded(run, "## a\nA is fine\n\n## b\nB is slow\n\n## c\nC is new");
        assertThat(result.outcomes()).containsEntry("fan", "3 branches joined");
        List<RunEvent> events = Runs.events(run);
        for (String branch : List.of("fan/a", "fan/b", "fan/c")) {
            assertThat(Runs.at(events, branch)).containsExactly("step_started", "model_requested", "model_responded", "step_finished");
            Runs.assertInside(events, "fan", branch);
        }
    }

    @Test
    default void aManagerDelegatesToItsWorkersAtNumberedPathsAndFinishes() {
        Crew crew = Crew.of("team", Step.hierarchical("team", agent("manager"), Task.of("feature", "Ship it."), 5,
                agent("builder"), agent("tester")));
        ScriptedModel model = ScriptedModel.builder()
                .atStep("team/manager",
                        Reply.toolCall("delegate", "{\"worker\":\"builder\",\"subtask\":\"build it\"}"),
                        Reply.toolCall("delegate", "{\"worker\":\"tester\",\"subtask\":\"test it\"}"),
                        Reply.toolCall("finish", "{\"answer\":\"built and tested\"}"))
                .atStep("team/delegation-1/builder", Reply.text("built"))
                .atStep("team/delegation-2/tester", Reply.text("tested")).build();
        RunHandle run = driver(model, HumanGate.autoApprove()).run(crew, TASK, id("team"));

        RunResult result = Runs.succeeded(run, "built and tested");
        assertThat(result.outcomes()).containsEntry("team", "2 delegations");
        assertThat(result.outputs()).containsEntry("team/delegation-1/builder", "built").containsEntry("team/delegation-2/tester", "tested");
        List<RunEvent> events = Runs.events(run);
        assertThat(Runs.steps(events)).containsExactly("step_started team", "step_started team/manager",
                "step_started team/delegation-1/builder", "step_finished team/delegation-1/builder",
                "step_started team/delegation-2/tester", "step_finished team/delegation-2/tester",
                "step_finished team/manager", "step_finished team");
        assertThat(events).filteredOn(RunEvent.ToolCalled.class::isInstance).extracting(e -> ((RunEvent.ToolCalled) e).tool())
                .containsExactly("delegate", "delegate", "finish");
        assertThat(model.requests().get(2).request().messages().toString()).as("the manager sees the worker's output").contains("built");
    }

    @Test
    default void debatersReviseUntilTheyAgreeAndTheAgreedAnswerIsTheOutput() {
        Crew crew = Crew.of("debate", Step.debate("debate", Task.of("question", "Yes or no?"), 2,
                agent("pro"), agent("con"), agent("neutral")));
        ScriptedModel model = ScriptedModel.builder()
                .atStep("debate/round-0/pro", Reply.text("{\"answer\":\"yes\"}"))
                .atStep("debate/round-0/con", Reply.text("{\"answer\":\"no\"}"))
                .atStep("debate/round-0/neutral", Reply.text("{\"answer\":\"no\"}"))
                .atStep("debate/round-1/pro", Reply.text("{\"answer\":\"yes\"}"))
                .atStep("debate/round-1/con", Reply.text("{\"answer\":\"Yes\"}"))
                .atStep("debate/round-1/neutral", Reply.text("{\"answer\":\"yes\"}")).build();
        RunHandle run = driver(model, HumanGate.autoApprove()).run(crew, TASK, id("debate"));

        RunResult result = Runs.succeeded(run, "{\"answer\":\"yes\"}");
        assertThat(result.outcomes()).containsEntry("debate", "consensus in round 1");
        assertThat(model.requests()).as("no round 2 after they agree").hasSize(6);
        List<RunEvent> events = Runs.events(run);
        for (String path : List.of("debate/round-0/pro", "debate/round-0/con", "debate/round-1/neutral")) {
            Runs.assertInside(events, "debate", path);
        }
        assertThat(model.requestsFor("con").get(1).request().messages().toString()).as("round 1 sees round 0's answers").contains("yes");
    }

    @Test
    default void votersAnswerIndependentlyAndTheMajorityWins() {
        Crew crew = Crew.of("vote", new Step.Vote("vote", List.of(agent("v1"), agent("v2")), Task.of("question", "Pick a colour."), 2, null));
        ScriptedModel model = ScriptedModel.builder()
                .atStep("vote/sample-1/v1", Reply.text("{\"answer\":\"red\"}"))
                .atStep("vote/sample-1/v2", Reply.text("{\"answer\":\"blue\"}"))
                .atStep("vote/sample-2/v1", Reply.text("{\"answer\":\"red\"}"))
                .atStep("vote/sample-2/v2", Reply.text("{\"answer\":\"red\"}")).build();
        RunHandle run = driver(model, HumanGate.autoApprove()).run(crew, TASK, id("vote"));

        RunResult result = Runs.succeeded(run, "{\"answer\":\"red\"}");
        assertThat(result.outcomes()).containsEntry("vote", "majority 3 of 4 votes");
        List<RunEvent> events = Runs.events(run);
        for (String ballot : List.of("vote/sample-1/v1", "vote/sample-1/v2", "vote/sample-2/v1", "vote/sample-2/v2")) {
            assertThat(Runs.at(events, ballot)).containsExactly("step_started", "model_requested", "model_responded", "step_finished");
            Runs.assertInside(events, "vote", ballot);
        }
    }
}
