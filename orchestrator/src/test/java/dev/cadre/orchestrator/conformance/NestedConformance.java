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
import dev.cadre.api.Task;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Step;
import dev.cadre.api.crew.Until;
import dev.cadre.api.crew.Worker;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Patterns inside patterns: paths nest, and outputs flow to the steps that name them. */
public interface NestedConformance extends SuitePart {

    /** An org whose manager delegates to a team (a nested hierarchical step) and to a writer. */
    static Crew teams() {
        Step.Hierarchical eng = new Step.Hierarchical("eng", agent("lead"), Task.of("build", "Build it."),
                List.of(Worker.agent(agent("coder"))), 3, 3);
        return Crew.of("org", new Step.Hierarchical("org", agent("ceo"), Task.of("ship", "Ship it."),
                List.of(Worker.team("eng", eng), Worker.agent(agent("writer"))), 5, 3));
    }

    static ScriptedModel teamsModel() {
        return ScriptedModel.builder()
                .atStep("org/ceo",
                        Reply.toolCall("delegate", "{\"worker\":\"eng\",\"subtask\":\"build the feature\"}"),
                        Reply.toolCall("delegate", "{\"worker\":\"writer\",\"subtask\":\"document it\"}"),
                        Reply.toolCall("finish", "{\"answer\":\"shipped with docs\"}"))
                .atStep("org/delegation-1/eng/lead",
                        Reply.toolCall("delegate", "{\"worker\":\"coder\",\"subtask\":\"write the code\"}"),
                        Reply.toolCall("finish", "{\"answer\":\"the team built it\"}"))
                .atStep("org/delegation-1/eng/delegation-1/coder", Reply.text("code written"))
                .atStep("org/delegation-2/writer", Reply.text("docs written")).build();
    }

    /** Two votes side by side in a parallel step. */
    static Crew polls() {
        return Crew.of("polls", Step.parallel("polls", 2,
                new Step.Vote("colour", List.of(agent("v1"), agent("v2")), Task.of("q1", "Pick a colour."), 1, null),
                new Step.Vote("size", List.of(agent("v3"), agent("v4")), Task.of("q2", "Pick a size."), 1, null)));
    }

    static ScriptedModel pollsModel() {
        return ScriptedModel.builder()
                .atStep("polls/colour/sample-1/v1", Reply.text("red")).atStep("polls/colour/sample-1/v2", Reply.text("red"))
                .atStep("polls/size/sample-1/v3", Reply.text("small")).atStep("polls/size/sample-1/v4", Reply.text("large")).build();
    }

    @Test
    default void aParallelInsideALoopRunsItsBranchesInEveryIteration() {
        Crew crew = Crew.of("nested", Step.loop("rounds", Until.textContains("check", "DONE"), 3,
                Step.parallel("fan", 2, work(agent("alpha"), "a", "Look at A."), work(agent("beta"), "b", "Look at B.")),
                work(agent("checker"), "check", "Check the findings.", "fan")));
        ScriptedModel model = ScriptedModel.builder()
                .atStep("rounds/iteration-1/fan/a", Reply.text("A1")).atStep("rounds/iteration-1/fan/b", Reply.text("B1"))
                .atStep("rounds/iteration-1/check", Reply.text("again"))
                .atStep("rounds/iteration-2/fan/a", Reply.text("A2")).atStep("rounds/iteration-2/fan/b", Reply.text("B2"))
                .atStep("rounds/iteration-2/check", Reply.text("DONE")).build();
        RunHandle run = driver(model, HumanGate.autoApprove()).run(crew, TASK, id("loop-parallel"));

        RunResult result = Runs.succeeded(run, "DONE");
        assertThat(result.outcomes()).containsEntry("rounds", "converged after 2 iterations: check contains 'DONE'")
                .containsEntry("rounds/iteration-1/fan", "2 branches joined").containsEntry("rounds/iteration-2/fan", "2 branches joined");
        List<RunEvent> events = Runs.events(run);
        for (int i = 1; i <= 2; i++) {
            String fan = "rounds/iteration-" + i + "/fan";
            Runs.assertInside(events, fan, fan + "/a");
            Runs.assertInside(events, fan, fan + "/b");
            Runs.assertInside(events, "rounds", fan);
        }
        assertThat(model.requestsFor("checker").get(1).lastUserText()).contains("A2").contains("B2").doesNotContain("A1");
    }

    @Test
    default void aManagerDelegatesToATeamWhoseManagerDelegatesInTurn() {
        Crew crew = teams();
        ScriptedModel model = teamsModel();
        RunHandle run = driver(model, HumanGate.autoApprove()).run(crew, TASK, id("teams"));

        RunResult result = Runs.succeeded(run, "shipped with docs");
        assertThat(result.outputs()).containsEntry("org/delegation-1/eng/delegation-1/coder", "code written")
                .containsEntry("org/delegation-1/eng", "the team built it").containsEntry("org/delegation-2/writer", "docs written");
        List<RunEvent> events = Runs.events(run);
        Runs.assertInside(events, "org", "org/delegation-1/eng");
        Runs.assertInside(events, "org/delegation-1/eng", "org/delegation-1/eng/delegation-1/coder");
        assertThat(model.requests().get(model.requests().size() - 1).request().messages().toString())
                .as("the manager sees the team's answer").contains("the team built it");
    }

    @Test
    default void aDebateInsideASequenceGivesItsAnswerToTheNextStep() {
        Crew crew = Crew.of("decide", Step.sequential("decide",
                Step.debate("debate", Task.of("question", "Yes or no?"), 0, agent("pro"), agent("con"), agent("neutral")),
                work(agent("writer"), "announce", "Announce the decision.", "debate")));
        ScriptedModel model = ScriptedModel.builder()
                .atStep("decide/debate/round-0/pro", Reply.text("{\"answer\":\"yes\"}"))
                .atStep("decide/debate/round-0/con", Reply.text("{\"answer\":\"no\"}"))
                .atStep("decide/debate/round-0/neutral", Reply.text("{\"answer\":\"no\"}"))
                .atStep("decide/announce", Reply.text("We say no.")).build();
        RunHandle run = driver(model, HumanGate.autoApprove()).run(crew, TASK, id("debate-seq"));

        RunResult result = Runs.succeeded(run, "We say no.");
        assertThat(result.outputs()).containsEntry("decide/debate", "{\"answer\":\"no\"}");
        assertThat(result.outcomes()).containsEntry("decide/debate", "majority 2 of 3 after round 0");
        assertThat(Runs.steps(Runs.events(run))).startsWith("step_started decide", "step_started decide/debate")
                .endsWith("step_finished decide/debate", "step_started decide/announce", "step_finished decide/announce",
                        "step_finished decide");
        assertThat(model.requestsFor("writer").get(0).lastUserText()).contains("{\"answer\":\"no\"}");
    }

    @Test
    default void votesInsideAParallelRunSideBySide() {
        Crew crew = polls();
        ScriptedModel model = pollsModel();
        RunHandle run = driver(model, HumanGate.autoApprove()).run(crew, TASK, id("vote-parallel"));

        RunResult result = Runs.succeeded(run, "## colour\nred\n\n## size\nsmall");
        assertThat(result.outcomes()).containsEntry("polls/colour", "majority 2 of 2 votes")
                .containsEntry("polls/size", "majority 1 of 2 votes, tie broken by order");
        List<RunEvent> events = Runs.events(run);
        Runs.assertInside(events, "polls", "polls/colour");
        Runs.assertInside(events, "polls", "polls/size");
        Runs.assertInside(events, "polls/size", "polls/size/sample-1/v4");
    }
}
