package dev.cadre.orchestrator.internal.core;

import static dev.cadre.orchestrator.internal.core.Fixtures.agent;
import static dev.cadre.orchestrator.internal.core.Fixtures.work;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.RunEvent;
import dev.cadre.api.RunStatus;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Step;
import dev.cadre.api.crew.Until;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The loop pattern against the core alone: iterations until the exit condition holds, or the bound. */
class LoopPatternTest {

    static Crew loop(Until until, int max) {
        return Crew.of("loop", new Step.Loop("refine", List.of(
                work("write", agent("writer"), "Write it.", "review"),
                work("review", agent("reviewer"), "Review it.", "write")), until, max));
    }

    @Test
    void convergesWhenTheConditionHoldsAfterAnIterationAndSaysSo() {
        CoreHarness h = CoreHarness.start(loop(new Until.TextContains("review", "APPROVED"), 5), Fixtures.workTask());
        assertThat(h.openPaths()).containsExactly("refine/iteration-1/write");
        h.answer("refine/iteration-1/write", "draft one");
        h.answer("refine/iteration-1/review", "needs work: shorter");
        assertThat(h.openPaths()).containsExactly("refine/iteration-2/write");
        h.answer("refine/iteration-2/write", "draft two");
        h.answer("refine/iteration-2/review", "APPROVED");

        assertThat(h.end.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(h.end.output()).isEqualTo("APPROVED");
        assertThat(h.event(RunEvent.StepFinished.class, "refine").outcome())
                .isEqualTo("converged after 2 iterations: review contains 'APPROVED'");
        assertThat(h.outputs).anySatisfy(o -> {
            assertThat(o.stepPath()).isEqualTo("refine");
            assertThat(o.outcome()).startsWith("converged after 2 iterations");
        });
        assertThat(h.allModelCalls).extracting(Command.CallModel::stepPath).containsExactly("refine/iteration-1/write",
                "refine/iteration-1/review", "refine/iteration-2/write", "refine/iteration-2/review");
    }

    @Test
    void convergingInTheFirstIterationSaysOneIteration() {
        CoreHarness h = CoreHarness.start(loop(new Until.TextContains("review", "APPROVED"), 5), Fixtures.workTask());
        h.answer("refine/iteration-1/write", "draft");
        h.answer("refine/iteration-1/review", "APPROVED");
        assertThat(h.event(RunEvent.StepFinished.class, "refine").outcome())
                .isEqualTo("converged after 1 iteration: review contains 'APPROVED'");
    }

    @Test
    void eachIterationSeesTheLatestOutputsOfTheOthers() {
        CoreHarness h = CoreHarness.start(loop(new Until.TextContains("review", "APPROVED"), 3), Fixtures.workTask());
        Command.CallModel firstWrite = h.model("refine/iteration-1/write");
        // the review has no output yet: a name of the crew that is not there yet is left out, not an error
        assertThat(CoreHarness.prompt(firstWrite)).doesNotContain("## Context: review");
        h.answer(firstWrite, "draft one");
        Command.CallModel firstReview = h.model("refine/iteration-1/review");
        assertThat(CoreHarness.prompt(firstReview)).contains("## Context: write").contains("draft one");
        h.answer(firstReview, "cut the intro");
        Command.CallModel secondWrite = h.model("refine/iteration-2/write");
        assertThat(CoreHarness.prompt(secondWrite)).contains("## Context: review").contains("cut the intro");
        h.answer(secondWrite, "draft two");
        assertThat(CoreHarness.prompt(h.model("refine/iteration-2/review"))).contains("draft two").doesNotContain("draft one");
    }

    @Test
    void stopsAtTheBoundWithTheLastOutputAndAnOutcomeThatSaysItDidNotConverge() {
        CoreHarness h = CoreHarness.start(loop(new Until.TextContains("review", "APPROVED"), 2), Fixtures.workTask());
        for (int i = 1; i <= 2; i++) {
            h.answer("refine/iteration-" + i + "/write", "draft " + i);
            h.answer("refine/iteration-" + i + "/review", "no " + i);
        }
        assertThat(h.modelCalls).isEmpty();
        assertThat(h.end.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(h.end.output()).isEqualTo("no 2");
        assertThat(h.event(RunEvent.StepFinished.class, "refine").outcome())
                .isEqualTo("stopped at the bound of 2 iterations without converging");
        assertThat(h.kinds()).doesNotContain("step_started refine/iteration-3/write");
    }

    @Test
    void theConditionSeesTheTimeTheDriverGives() {
        CoreHarness h = CoreHarness.start(loop(new Until.Time(Duration.ofMinutes(10)), 9), Fixtures.workTask());
        h.answer("refine/iteration-1/write", "a");
        h.later(Duration.ofMinutes(11));
        h.answer("refine/iteration-1/review", "b");
        assertThat(h.event(RunEvent.StepFinished.class, "refine").outcome()).startsWith("converged after 1 iteration");
    }

    @Test
    void aFailingIterationFailsTheLoop() {
        CoreHarness h = CoreHarness.start(loop(new Until.Iterations(3), 3), Fixtures.workTask());
        h.answer("refine/iteration-1/write", "a");
        h.answer("refine/iteration-1/review", "b");
        h.modelFails("refine/iteration-2/write", "Model 'scripted:m' failed: down");
        assertThat(h.end.status()).isEqualTo(RunStatus.FAILED);
        assertThat(h.kinds()).endsWith("step_failed refine/iteration-2/write", "step_failed refine");
    }

    @Test
    void onResumeATimeConditionSeesTheTimesTheJournalRecordedNotTheTimeOfTheResume() {
        Crew crew = Crew.of("loop", new Step.Sequential("all", List.of(
                new Step.Loop("refine", List.of(work("write", agent("writer"), "Write it.")), new Until.Time(Duration.ofMinutes(10)), 3),
                work("after", agent("editor"), "Edit it.", "refine"))));
        CoreHarness first = CoreHarness.start(crew, Fixtures.workTask());
        first.later(Duration.ofMinutes(11));
        first.answer("all/refine/iteration-1/write", "slow draft");
        assertThat(first.openPaths()).containsExactly("all/after");

        CoreHarness resumed = CoreHarness.with(crew).journal(first.journal()).at(CoreHarness.T0.plus(Duration.ofHours(1))).start();
        assertThat(resumed.openPaths()).containsExactly("all/after");
        assertThat(resumed.replayMismatches).isEmpty();
    }

    @Test
    void onResumeATimeConditionSeesWhenTheReviewOfTheLastStepWasDecided() {
        Crew crew = Crew.of("loop", new Step.Sequential("all", List.of(
                new Step.Loop("refine", List.of(work("write", agent("writer"), "Write it.").reviewed(dev.cadre.api.crew.Review.afterWork())),
                        new Until.Time(Duration.ofMinutes(10)), 3),
                work("after", agent("editor"), "Edit it.", "refine"))));
        CoreHarness first = CoreHarness.start(crew, Fixtures.workTask());
        first.answer("all/refine/iteration-1/write", "draft");
        first.later(Duration.ofMinutes(11));
        first.decide("review-after", dev.cadre.api.Decision.approve("ann"));
        assertThat(first.openPaths()).containsExactly("all/after");

        CoreHarness resumed = CoreHarness.with(crew).journal(first.journal()).at(CoreHarness.T0.plus(Duration.ofHours(1))).start();
        assertThat(resumed.openPaths()).containsExactly("all/after");
        // and a run that resumes before the review was decided judges the iteration when the decision comes
        List<RunEvent> beforeDecision = Journals.cutAfter(first.events, e -> e instanceof RunEvent.CheckpointRequested);
        CoreHarness waiting = CoreHarness.with(crew).journal(dev.cadre.orchestrator.internal.RecordedRun.of(beforeDecision))
                .at(CoreHarness.T0.plus(Duration.ofMinutes(2))).start();
        waiting.decide("review-after", dev.cadre.api.Decision.approve("ann"));
        assertThat(waiting.openPaths()).containsExactly("all/refine/iteration-2/write");
    }
}
