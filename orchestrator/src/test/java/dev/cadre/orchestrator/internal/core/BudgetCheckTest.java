package dev.cadre.orchestrator.internal.core;

import static dev.cadre.orchestrator.internal.core.Fixtures.agent;
import static dev.cadre.orchestrator.internal.core.Fixtures.work;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.Budget;
import dev.cadre.api.Checkpoint;
import dev.cadre.api.Decision;
import dev.cadre.api.ModelRef;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunStatus;
import dev.cadre.api.crew.BudgetPolicy;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.CrewPolicy;
import dev.cadre.api.crew.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Budgets against the core alone: checked before each model call, warned at 80%, then the crew's policy. */
class BudgetCheckTest {

    /** {@code steps} work steps one after another, one model call each, under a run budget of {@code maxCalls} calls. */
    static Crew crew(int steps, long maxCalls, CrewPolicy.Builder policy) {
        List<Step> all = new ArrayList<>();
        for (int i = 1; i <= steps; i++) {
            all.add(work("s" + i, agent("dev"), "Part " + i + "."));
        }
        return Crew.of("b", new Step.Sequential("all", all))
                .withPolicy(policy.runBudget(Budget.UNLIMITED.withMaxModelCalls(maxCalls)).build());
    }

    static void answerUpTo(CoreHarness h, int last) {
        for (int i = 1; i <= last; i++) {
            h.answer("all/s" + i, "part " + i);
        }
    }

    @Test
    void aWarningComesOnceAtEightyPercentAndTheCallPastTheLimitIsNotMade() {
        CoreHarness h = CoreHarness.start(crew(6, 5, CrewPolicy.builder()), Fixtures.workTask());
        answerUpTo(h, 2);
        assertThat(h.events(RunEvent.BudgetWarning.class)).isEmpty();
        // the check before the fourth call counts it in: 4 of 5
        h.answer("all/s3", "part 3");
        assertThat(h.events(RunEvent.BudgetWarning.class)).hasSize(1);
        h.answer("all/s4", "part 4");
        h.answer("all/s5", "part 5");
        List<RunEvent.BudgetWarning> warnings = h.events(RunEvent.BudgetWarning.class);
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0).stepPath()).isEqualTo("all/s4");
        assertThat(warnings.get(0).limit()).isEqualTo("run model calls");
        assertThat(warnings.get(0).used()).isEqualTo(4);
        assertThat(warnings.get(0).max()).isEqualTo(5);

        assertThat(h.modelCalls).isEmpty();
        assertThat(h.allModelCalls).hasSize(5);
        assertThat(h.end.status()).isEqualTo(RunStatus.FAILED);
        assertThat(h.end.reason()).isEqualTo("Budget exceeded: the limit of 5 model calls for the run would be passed by the"
                + " next model call (6 with the call).");
        assertThat(h.kinds()).endsWith("step_started all/s6", "step_failed all/s6", "step_failed all");
    }

    @Test
    void underCheaperModelTheRestOfTheRunUsesTheCheaperModel() {
        CoreHarness h = CoreHarness.start(crew(4, 2, CrewPolicy.builder().onBudgetExceeded(BudgetPolicy.CHEAPER_MODEL,
                "scripted:cheap")), Fixtures.workTask());
        answerUpTo(h, 4);
        assertThat(h.allModelCalls).extracting(Command.CallModel::model).containsExactly(ModelRef.parse("scripted:m"),
                ModelRef.parse("scripted:m"), ModelRef.parse("scripted:cheap"), ModelRef.parse("scripted:cheap"));
        assertThat(h.events(RunEvent.ModelRequested.class)).extracting(RunEvent.ModelRequested::model)
                .containsExactly("scripted:m", "scripted:m", "scripted:cheap", "scripted:cheap");
        assertThat(h.end.status()).isEqualTo(RunStatus.SUCCEEDED);
    }

    @Test
    void underAskHumanAnApprovalGrantsAsMuchAgain() {
        CoreHarness h = CoreHarness.start(crew(5, 2, CrewPolicy.builder().onBudgetExceeded(BudgetPolicy.ASK_HUMAN)),
                Fixtures.workTask());
        answerUpTo(h, 2);
        assertThat(h.modelCalls).isEmpty();
        Command.AskHuman ask = h.ask("budget");
        assertThat(ask.checkpoint().id()).isEqualTo("all/s3#budget-run-model-calls-1");
        assertThat(ask.checkpoint().kind()).isEqualTo(Checkpoint.Kind.BUDGET);
        assertThat(ask.checkpoint().question()).isEqualTo("Budget exceeded: the limit of 2 model calls for the run would be"
                + " passed by the next model call (3 with the call). Approve to allow as much again.");
        h.decide(ask, Decision.approve("ann"));
        h.answer("all/s3", "part 3");
        h.answer("all/s4", "part 4");
        assertThat(h.events(RunEvent.BudgetWarning.class)).extracting(RunEvent.BudgetWarning::limit)
                .containsExactly("run model calls", "run model calls (extended x2)");
        // the fifth call passes the granted 4: asked again
        assertThat(h.modelCalls).isEmpty();
        assertThat(h.ask("budget").checkpoint().id()).isEqualTo("all/s5#budget-run-model-calls-2");
    }

    @Test
    void underAskHumanARejectionFailsTheRun() {
        CoreHarness h = CoreHarness.start(crew(3, 2, CrewPolicy.builder().onBudgetExceeded(BudgetPolicy.ASK_HUMAN)),
                Fixtures.workTask());
        answerUpTo(h, 2);
        h.decide("budget", Decision.reject("enough", "ann"));
        assertThat(h.allModelCalls).hasSize(2);
        assertThat(h.end.status()).isEqualTo(RunStatus.FAILED);
        assertThat(h.end.reason()).isEqualTo("Budget exceeded: the limit of 2 model calls for the run would be passed by the"
                + " next model call (3 with the call). The budget was not extended: enough");
    }

    @Test
    void anAgentsBudgetCountsOnlyItsOwnCalls() {
        Crew crew = Crew.of("b", new Step.Sequential("all", List.of(work("s1", agent("dev"), "One."),
                work("s2", agent("ops"), "Two."), work("s3", agent("dev"), "Three."))))
                .withPolicy(CrewPolicy.builder().agentBudget("dev", Budget.UNLIMITED.withMaxModelCalls(1)).build());
        CoreHarness h = CoreHarness.start(crew, Fixtures.workTask());
        h.answer("all/s1", "one");
        h.answer("all/s2", "two");
        assertThat(h.end.status()).isEqualTo(RunStatus.FAILED);
        assertThat(h.end.reason()).isEqualTo("Budget exceeded: the limit of 1 model calls for agent 'dev' would be passed by"
                + " the next model call (2 with the call).");
    }

    @Test
    void theRunsWallTimeIsATimerTheDriverFiresAndACheckBeforeEachCall() {
        Crew crew = crew(3, 100, CrewPolicy.builder()).withPolicy(CrewPolicy.builder()
                .runBudget(Budget.UNLIMITED.withMaxWallTime(Duration.ofMinutes(10))).build());
        CoreHarness h = CoreHarness.start(crew, Fixtures.workTask());
        assertThat(h.timers).containsExactly(new Command.StartTimer("run#wall-time", CoreHarness.T0.plus(Duration.ofMinutes(10))));
        h.later(Duration.ofMinutes(11));
        h.answer("all/s1", "late");
        assertThat(h.modelCalls).isEmpty();
        assertThat(h.end.reason()).isEqualTo("Budget exceeded: the limit of 600000 ms of wall time for the run has passed (660000 ms).");

        CoreHarness fired = CoreHarness.start(crew, Fixtures.workTask());
        fired.later(Duration.ofMinutes(10));
        fired.feed(new Input.TimerFired("run#wall-time"));
        assertThat(fired.end.status()).isEqualTo(RunStatus.FAILED);
        assertThat(fired.end.reason()).isEqualTo("Budget exceeded: the limit of 600000 ms of wall time for the run has passed.");
    }

    @Test
    void aTasksWallTimeCountsFromWhenItsStepStartedAlsoAfterAResume() {
        Crew crew = Crew.of("b", work("job", agent("dev", Fixtures.read()), "Read and tell."))
                .withPolicy(CrewPolicy.builder().taskBudget("job", Budget.UNLIMITED.withMaxWallTime(Duration.ofMinutes(10))).build());
        String reason = "Budget exceeded: the limit of 600000 ms of wall time for task 'job' has passed (660000 ms).";
        CoreHarness h = CoreHarness.start(crew, Fixtures.workTask());
        h.callTools("job", "read", "{\"path\":\"a\"}");
        h.later(Duration.ofMinutes(11));
        h.toolDone(h.tool("read"), "A");
        assertThat(h.end.reason()).isEqualTo(reason);

        CoreHarness first = CoreHarness.start(crew, Fixtures.workTask());
        first.callTools("job", "read", "{\"path\":\"a\"}");
        CoreHarness resumed = CoreHarness.with(crew).journal(first.journal()).at(CoreHarness.T0.plus(Duration.ofMinutes(11))).start();
        resumed.toolDone(resumed.tool("read"), "A");
        assertThat(resumed.modelCalls).isEmpty();
        assertThat(resumed.end.reason()).isEqualTo(reason);
    }
}
