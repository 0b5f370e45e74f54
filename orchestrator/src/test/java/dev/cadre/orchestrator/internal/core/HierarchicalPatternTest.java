package dev.cadre.orchestrator.internal.core;

import static dev.cadre.orchestrator.internal.core.Fixtures.agent;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.RunEvent;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Task;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.CrewPolicy;
import dev.cadre.api.crew.Step;
import dev.cadre.api.crew.Worker;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hierarchical pattern against the core alone: a manager's delegate and finish are the core's own tools. */
class HierarchicalPatternTest {

    static final Task GOAL = Task.of("goal", "Write a report on tides.");

    static Step.Hierarchical team(int maxDelegations, int maxDepth, Worker... workers) {
        return new Step.Hierarchical("team", agent("boss"), GOAL, List.of(workers), maxDelegations, maxDepth);
    }

    static Crew crew(Step.Hierarchical team) {
        return Crew.of("h", team);
    }

    static final Worker RESEARCHER = Worker.agent(agent("researcher"));
    static final Worker WRITER = Worker.agent(agent("writer"));

    /** A nested team: its manager, lead, takes the subtask and leads an analyst. */
    static final Worker LAB = Worker.team("lab", new Step.Hierarchical("research", agent("lead"), null,
            List.of(Worker.agent(agent("analyst"))), 3, 3));

    static String delegate(String worker, String subtask) {
        return "{\"worker\":\"" + worker + "\",\"subtask\":\"" + subtask + "\"}";
    }

    static String finish(String answer) {
        return "{\"answer\":\"" + answer + "\"}";
    }

    @Test
    void delegateRunsTheWorkerAtDelegationNAndItsOutputIsTheToolResult() {
        CoreHarness h = CoreHarness.start(crew(team(5, 3, RESEARCHER, WRITER)), Fixtures.workTask());
        Command.CallModel first = h.model("team/boss");
        assertThat(first.request().toolSpecifications()).extracting(s -> s.name()).containsExactly("delegate", "finish");
        assertThat(CoreHarness.prompt(first)).contains("- researcher: researcher-role", "- writer: writer-role");
        h.callTools(first, "delegate", delegate("researcher", "Find the facts."));

        Command.CallModel work = h.model("team/delegation-1/researcher");
        assertThat(CoreHarness.prompt(work)).contains("Find the facts.").doesNotContain("You lead a team");
        h.answer(work, "Tides follow the moon.");

        Command.CallModel second = h.model("team/boss");
        assertThat(second.turn()).isEqualTo(2);
        assertThat(CoreHarness.lastMessage(second)).isEqualTo("tool delegate: Output of researcher:\nTides follow the moon.");
        RunEvent.ToolReturned returned = h.events(RunEvent.ToolReturned.class).get(0);
        assertThat(returned.error()).isFalse();
        assertThat(returned.stepPath()).isEqualTo("team/boss");
        h.callTools(second, "finish", finish("The report."));

        assertThat(h.modelCalls).isEmpty();
        assertThat(h.end.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(h.end.output()).isEqualTo("The report.");
        assertThat(h.event(RunEvent.StepFinished.class, "team").outcome()).isEqualTo("1 delegation");
        assertThat(h.kinds()).containsSubsequence("step_started team", "step_started team/boss",
                "step_started team/delegation-1/researcher", "step_finished team/delegation-1/researcher",
                "step_finished team/boss", "step_finished team");
    }

    @Test
    void finishEndsTheStepWithoutAnotherModelCall() {
        CoreHarness h = CoreHarness.start(crew(team(5, 3, RESEARCHER)), Fixtures.workTask());
        h.callTools("team/boss", "finish", finish("Nothing to delegate."));
        assertThat(h.allModelCalls).hasSize(1);
        assertThat(h.end.output()).isEqualTo("Nothing to delegate.");
        assertThat(h.event(RunEvent.StepFinished.class, "team").outcome()).isEqualTo("0 delegations");
    }

    @Test
    void anUnknownWorkerIsAnErrorTheManagerSees() {
        CoreHarness h = CoreHarness.start(crew(team(5, 3, RESEARCHER, WRITER)), Fixtures.workTask());
        h.callTools("team/boss", "delegate", delegate("editor", "Edit."));
        assertThat(CoreHarness.lastMessage(h.model("team/boss")))
                .isEqualTo("tool delegate: Error: There is no worker named 'editor'. Workers: researcher, writer.");
        assertThat(h.events(RunEvent.ToolReturned.class).get(0).error()).isTrue();
        assertThat(h.end).isNull();
    }

    @Test
    void delegatingToItselfIsAnErrorTheManagerSees() {
        CoreHarness h = CoreHarness.start(crew(team(5, 3, RESEARCHER)), Fixtures.workTask());
        h.callTools("team/boss", "delegate", delegate("boss", "Do it yourself."));
        assertThat(CoreHarness.lastMessage(h.model("team/boss")))
                .isEqualTo("tool delegate: Error: You cannot delegate to yourself. Workers: researcher.");
        assertThat(h.kinds()).noneMatch(k -> k.contains("delegation-"));
    }

    @Test
    void theDelegationLimitIsAnErrorTheManagerSees() {
        CoreHarness h = CoreHarness.start(crew(team(1, 3, RESEARCHER, WRITER)), Fixtures.workTask());
        h.callTools("team/boss", "delegate", delegate("researcher", "One."));
        h.answer("team/delegation-1/researcher", "done one");
        h.callTools("team/boss", "delegate", delegate("writer", "Two."));
        assertThat(h.openPaths()).containsExactly("team/boss");
        Command.CallModel third = h.model("team/boss");
        assertThat(CoreHarness.lastMessage(third))
                .isEqualTo("tool delegate: Error: The limit of 1 delegations is reached; call finish with your answer now.");
        h.callTools(third, "delegate", delegate("writer", "Three."));
        h.callTools("team/boss", "finish", finish("done"));
        // refused delegations are not counted
        assertThat(h.event(RunEvent.StepFinished.class, "team").outcome()).isEqualTo("1 delegation");
    }

    @Test
    void delegationsAreNumberedInTheOrderTheManagerMakesThemAndRunOneAfterAnother() {
        CoreHarness h = CoreHarness.start(crew(team(5, 3, RESEARCHER, WRITER)), Fixtures.workTask());
        h.callTools("team/boss", "delegate", delegate("writer", "Draft."), "delegate", delegate("researcher", "Check."));
        assertThat(h.openPaths()).containsExactly("team/delegation-1/writer");
        h.answer("team/delegation-1/writer", "draft");
        assertThat(h.openPaths()).containsExactly("team/delegation-2/researcher");
        h.answer("team/delegation-2/researcher", "checked");
        Command.CallModel next = h.model("team/boss");
        assertThat(CoreHarness.prompt(next)).contains("Output of writer:\ndraft", "Output of researcher:\nchecked");
        h.callTools(next, "delegate", delegate("writer", "Polish."));
        assertThat(h.openPaths()).containsExactly("team/delegation-3/writer");
    }

    @Test
    void aFailingWorkerIsAnErrorTheManagerSeesNotTheEndOfTheRun() {
        CoreHarness h = CoreHarness.start(crew(team(5, 3, RESEARCHER)), Fixtures.workTask());
        h.callTools("team/boss", "delegate", delegate("researcher", "Find."));
        h.modelFails("team/delegation-1/researcher", "Model 'scripted:m' failed: 503");
        assertThat(h.end).isNull();
        assertThat(CoreHarness.lastMessage(h.model("team/boss")))
                .isEqualTo("tool delegate: Error: Worker 'researcher' failed: Model 'scripted:m' failed: 503");
        assertThat(h.kinds()).contains("step_failed team/delegation-1/researcher");
    }

    @Test
    void aNestedTeamTakesTheSubtaskThroughItsManager() {
        CoreHarness h = CoreHarness.start(crew(team(5, 3, LAB, WRITER)), Fixtures.workTask());
        h.callTools("team/boss", "delegate", delegate("lab", "Measure the tides."));

        Command.CallModel lead = h.model("team/delegation-1/lab/lead");
        assertThat(CoreHarness.prompt(lead)).contains("Measure the tides.").contains("- analyst: analyst-role");
        h.callTools(lead, "delegate", delegate("analyst", "Read the gauges."));
        h.answer("team/delegation-1/lab/delegation-1/analyst", "2 m");
        h.callTools("team/delegation-1/lab/lead", "finish", finish("Tides are 2 m."));

        assertThat(CoreHarness.lastMessage(h.model("team/boss"))).isEqualTo("tool delegate: Output of lab:\nTides are 2 m.");
        assertThat(h.event(RunEvent.StepStarted.class, "team/delegation-1/lab").kind()).isEqualTo("hierarchical");
        assertThat(h.event(RunEvent.StepFinished.class, "team/delegation-1/lab").outcome()).isEqualTo("1 delegation");
    }

    @Test
    void aDelegationCycleFailsTheRun() {
        Step.Hierarchical back = new Step.Hierarchical("back", agent("boss"), null, List.of(RESEARCHER), 3, 5);
        Step.Hierarchical middle = new Step.Hierarchical("middle", agent("lead"), null, List.of(Worker.team("upstairs", back)), 3, 5);
        CoreHarness h = CoreHarness.start(crew(team(5, 5, Worker.team("mid", middle))), Fixtures.workTask());
        h.callTools("team/boss", "delegate", delegate("mid", "Plan."));
        h.callTools("team/delegation-1/mid/lead", "delegate", delegate("upstairs", "Plan more."));

        assertThat(h.end.status()).isEqualTo(RunStatus.FAILED);
        assertThat(h.end.reason()).isEqualTo("Delegation cycle: boss -> lead -> boss; stopped before it runs again.");
        assertThat(h.modelCalls).isEmpty();
        assertThat(h.kinds()).endsWith("step_failed team/delegation-1/mid/lead", "step_failed team/delegation-1/mid",
                "step_failed team/boss", "step_failed team");
    }

    @Test
    void theDepthLimitKeepsATeamFromTakingSubtasks() {
        CoreHarness h = CoreHarness.start(crew(team(5, 1, LAB, RESEARCHER)), Fixtures.workTask());
        h.callTools("team/boss", "delegate", delegate("lab", "Measure."));
        assertThat(h.openPaths()).containsExactly("team/boss");
        Command.CallModel second = h.model("team/boss");
        assertThat(CoreHarness.lastMessage(second)).isEqualTo("tool delegate: Error: The delegation depth limit of 1"
                + " is reached: team 'lab' cannot take subtasks from here. Use another worker.");
        h.callTools(second, "delegate", delegate("researcher", "Measure."));
        // a refused delegation takes no number
        assertThat(h.openPaths()).containsExactly("team/delegation-1/researcher");
    }

    @Test
    void aToolResultThatComesAfterItsWorkerFailedIsDropped() {
        Crew crew = Crew.of("h", team(5, 3, Worker.agent(agent("clerk", Fixtures.read()))))
                .withPolicy(CrewPolicy.builder().maxRepeatedToolCalls(2).build());
        CoreHarness h = CoreHarness.start(crew, Fixtures.workTask());
        h.callTools("team/boss", "delegate", delegate("clerk", "Look up a and b."));
        h.callTools("team/delegation-1/clerk", "read", "{\"path\":\"a\"}");
        h.toolDone(h.tool("read"), "A");
        // two read-only calls run at once; the first repeats the earlier call and stops the worker
        h.callTools("team/delegation-1/clerk", "read", "{\"path\":\"a\"}", "read", "{\"path\":\"b\"}");
        assertThat(h.kinds()).contains("step_failed team/delegation-1/clerk");
        assertThat(h.openPaths()).containsExactly("team/boss");
        int before = h.events.size();
        h.toolDone(h.tool("read"), "B");
        assertThat(h.events).hasSize(before);
        assertThat(h.kinds().get(h.kinds().size() - 1)).isEqualTo("model_requested team/boss");
    }
}
