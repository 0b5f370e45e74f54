package dev.cadre.orchestrator.internal.core;

import static dev.cadre.orchestrator.internal.core.Fixtures.agent;
import static dev.cadre.orchestrator.internal.core.Fixtures.work;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.Checkpoint;
import dev.cadre.api.Decision;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunStatus;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Review;
import dev.cadre.api.crew.Step;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A work step against the core alone: its context, and human review before and after. */
class WorkPatternTest {

    static Crew reviewed(Review review) {
        return Crew.of("w", work("essay", agent("writer"), "Write an essay.").reviewed(review));
    }

    @Test
    void theTaskGetsTheOutputsItNamesAsContext() {
        Crew crew = Crew.of("w", new Step.Sequential("all", List.of(
                work("facts", agent("researcher"), "Find facts."),
                work("other", agent("researcher"), "Find other facts."),
                work("essay", agent("writer"), "Write.", "facts"))));
        CoreHarness h = CoreHarness.start(crew, Fixtures.workTask());
        h.answer("all/facts", "the moon pulls");
        h.answer("all/other", "unrelated");
        String prompt = CoreHarness.prompt(h.model("all/essay"));
        assertThat(prompt).contains("## Context: facts\nthe moon pulls").doesNotContain("unrelated");
    }

    @Test
    void initialContextFromTheCallerIsAvailableToo() {
        Crew crew = Crew.of("w", work("essay", agent("writer"), "Write.", "notes"));
        CoreHarness h = CoreHarness.with(crew).initialContext(Map.of("notes", "from the caller")).start();
        assertThat(CoreHarness.prompt(h.model("essay"))).contains("## Context: notes\nfrom the caller");
    }

    @Test
    void aMissingContextFailsTheStepBeforeItStarts() {
        Crew crew = Crew.of("w", new Step.Sequential("all", List.of(
                work("facts", agent("researcher"), "Find facts."),
                work("essay", agent("writer"), "Write.", "facts", "sources"))));
        CoreHarness h = CoreHarness.start(crew, Fixtures.workTask());
        h.answer("all/facts", "the moon pulls");

        assertThat(h.modelCalls).isEmpty();
        assertThat(h.end.status()).isEqualTo(RunStatus.FAILED);
        assertThat(h.end.reason()).isEqualTo("Task 'essay' takes context [sources], but no earlier output has that name;"
                + " available outputs: facts.");
        assertThat(h.kinds()).endsWith("step_started all/essay", "step_failed all/essay", "step_failed all");
        assertThat(h.kinds()).doesNotContain("model_requested all/essay");
    }

    @Test
    void reviewBeforeApprovedStartsTheWork() {
        CoreHarness h = CoreHarness.start(reviewed(Review.beforeWork()), Fixtures.workTask());
        assertThat(h.modelCalls).isEmpty();
        Command.AskHuman ask = h.ask("essay#review-before");
        assertThat(ask.checkpoint().kind()).isEqualTo(Checkpoint.Kind.REVIEW_BEFORE);
        assertThat(ask.checkpoint().proposedOutput()).isEqualTo("Write an essay.");
        h.decide(ask, Decision.approve("ann"));
        assertThat(h.openPaths()).containsExactly("essay");
        assertThat(h.kinds()).containsSubsequence("checkpoint_requested essay", "checkpoint_resolved essay", "model_requested essay");
    }

    @Test
    void reviewBeforeRejectedGivesTheReviewersInstructions() {
        CoreHarness h = CoreHarness.start(reviewed(Review.beforeWork()), Fixtures.workTask());
        h.decide("essay#review-before", Decision.reject("Keep it under 200 words.", "ann"));
        assertThat(CoreHarness.prompt(h.model("essay")))
                .contains("## Context: Reviewer's instructions before you start\nKeep it under 200 words.");
    }

    @Test
    void reviewBeforeEditedReplacesTheTask() {
        CoreHarness h = CoreHarness.start(reviewed(Review.beforeWork()), Fixtures.workTask());
        h.decide("essay#review-before", Decision.edit("Write a haiku.", "ann"));
        assertThat(CoreHarness.prompt(h.model("essay"))).contains("Write a haiku.").doesNotContain("Write an essay.");
    }

    @Test
    void reviewBeforeAbortedCancelsTheRun() {
        CoreHarness h = CoreHarness.start(reviewed(Review.beforeWork()), Fixtures.workTask());
        h.decide("essay#review-before", Decision.abort("Not today.", "ann"));
        assertThat(h.modelCalls).isEmpty();
        assertThat(h.end.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(h.end.reason()).isEqualTo("Aborted at checkpoint 'essay#review-before' by ann: Not today.");
    }

    @Test
    void reviewAfterApprovedKeepsTheOutput() {
        CoreHarness h = CoreHarness.start(reviewed(Review.afterWork()), Fixtures.workTask());
        h.answer("essay", "An essay.");
        assertThat(h.end).isNull();
        Command.AskHuman ask = h.ask("essay#review-after");
        assertThat(ask.checkpoint().proposedOutput()).isEqualTo("An essay.");
        h.decide(ask, Decision.approve("ann"));
        assertThat(h.end.output()).isEqualTo("An essay.");
    }

    @Test
    void reviewAfterRejectedRunsAttemptTwoWithTheFeedbackAndThePreviousAnswer() {
        CoreHarness h = CoreHarness.start(reviewed(Review.afterWork()), Fixtures.workTask());
        h.answer("essay", "An essay.");
        h.decide("essay#review-after", Decision.reject("Too short.", "ann"));
        Command.CallModel second = h.model("essay/attempt-2");
        assertThat(CoreHarness.prompt(second)).contains("## Context: Your previous answer\nAn essay.",
                "## Context: Reviewer's feedback on your previous answer\nToo short.");
        h.answer(second, "A longer essay.");
        h.decide("essay/attempt-2#review-after", Decision.approve("ann"));
        assertThat(h.end.output()).isEqualTo("A longer essay.");
        assertThat(h.kinds()).contains("step_finished essay", "step_started essay/attempt-2", "step_finished essay/attempt-2");
    }

    @Test
    void reviewAfterEditedTakesTheEditedOutput() {
        CoreHarness h = CoreHarness.start(reviewed(Review.afterWork()), Fixtures.workTask());
        h.answer("essay", "An essay.");
        h.decide("essay#review-after", Decision.edit("An essay, edited.", "ann"));
        assertThat(h.end.output()).isEqualTo("An essay, edited.");
        assertThat(h.outputs).anySatisfy(o -> {
            assertThat(o.stepPath()).isEqualTo("essay");
            assertThat(o.output()).isEqualTo("An essay, edited.");
        });
    }

    @Test
    void anEditedOutputIsWhatLaterStepsSee() {
        Crew crew = Crew.of("w", new Step.Sequential("all", List.of(
                work("essay", agent("writer"), "Write.").reviewed(Review.afterWork()),
                work("title", agent("writer"), "Title it.", "essay"))));
        CoreHarness h = CoreHarness.start(crew, Fixtures.workTask());
        h.answer("all/essay", "raw");
        h.decide("all/essay#review-after", Decision.edit("edited", "ann"));
        assertThat(CoreHarness.prompt(h.model("all/title"))).contains("## Context: essay\nedited").doesNotContain("raw");
    }

    @Test
    void tooManyRejectionsFailTheStep() {
        CoreHarness h = CoreHarness.start(reviewed(new Review(false, true, 1)), Fixtures.workTask());
        h.answer("essay", "one");
        h.decide("essay#review-after", Decision.reject("no", "ann"));
        h.answer("essay/attempt-2", "two");
        h.decide("essay/attempt-2#review-after", Decision.reject("still no", "ann"));
        assertThat(h.modelCalls).isEmpty();
        assertThat(h.end.status()).isEqualTo(RunStatus.FAILED);
        assertThat(h.end.reason()).isEqualTo("Step 'essay' was rejected 2 times; the last feedback was: still no");
    }

    @Test
    void aCheckpointTimeoutTakesThePolicysDecisionAtTheTimeTheCoreWasGiven() {
        Crew crew = reviewed(Review.afterWork()).withPolicy(dev.cadre.api.crew.CrewPolicy.builder()
                .checkpointTimeout(java.time.Duration.ofMinutes(5), Decision.approve("policy")).build());
        CoreHarness h = CoreHarness.start(crew, Fixtures.workTask());
        h.later(java.time.Duration.ofMinutes(1));
        h.answer("essay", "An essay.");
        Command.StartTimer timer = h.timers.get(h.timers.size() - 1);
        assertThat(timer.id()).isEqualTo("essay#review-after");
        assertThat(timer.at()).isEqualTo(CoreHarness.T0.plus(java.time.Duration.ofMinutes(6)));
        h.feed(new Input.TimerFired(timer.id()));
        assertThat(h.end.output()).isEqualTo("An essay.");
        assertThat(h.events(RunEvent.CheckpointResolved.class).get(0).decision().decidedBy()).isEqualTo("timeout");
    }

    @Test
    void aStepNamedLikeAnAttemptRetriesUnderItsOwnPath() {
        Crew crew = Crew.of("w", new Step.Sequential("flow", List.of(
                work("attempt-3", agent("writer"), "Write.").reviewed(Review.afterWork()))));
        CoreHarness h = CoreHarness.start(crew, Fixtures.workTask());
        h.answer("flow/attempt-3", "one");
        h.decide("flow/attempt-3#review-after", Decision.reject("again", "ann"));
        assertThat(h.openPaths()).containsExactly("flow/attempt-3/attempt-2");
    }
}
