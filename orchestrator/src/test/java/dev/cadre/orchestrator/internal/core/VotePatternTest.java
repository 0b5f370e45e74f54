package dev.cadre.orchestrator.internal.core;

import static dev.cadre.orchestrator.internal.core.Fixtures.agent;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.RunEvent;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Task;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Step;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The vote pattern against the core alone: every voter answers every sample, the majority wins. */
class VotePatternTest {

    static Crew vote(int samples, String... voters) {
        return Crew.of("v", new Step.Vote("vote", Arrays.stream(voters).map(Fixtures::agent).toList(),
                Task.of("q", "Rising or falling?"), samples, null));
    }

    @Test
    void everyVoterAnswersEverySampleAtItsOwnPath() {
        CoreHarness h = CoreHarness.start(vote(2, "a", "b"), Fixtures.workTask());
        // one sample of every voter at a time
        assertThat(h.openPaths()).containsExactlyInAnyOrder("vote/sample-1/a", "vote/sample-1/b");
        h.answer("vote/sample-1/a", "rising");
        assertThat(h.openPaths()).containsExactlyInAnyOrder("vote/sample-1/b", "vote/sample-2/a");
        h.answer("vote/sample-1/b", "falling");
        h.answer("vote/sample-2/a", "Rising.");
        h.answer("vote/sample-2/b", "rising");

        assertThat(h.allModelCalls).extracting(Command.CallModel::stepPath).containsExactlyInAnyOrder(
                "vote/sample-1/a", "vote/sample-1/b", "vote/sample-2/a", "vote/sample-2/b");
        assertThat(h.end.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(h.end.output()).isEqualTo("rising");
        assertThat(h.event(RunEvent.StepFinished.class, "vote").outcome()).isEqualTo("majority 3 of 4 votes");
    }

    @Test
    void aTieGoesToTheFirstAnswerInOrderAndSaysSo() {
        CoreHarness h = CoreHarness.start(vote(2, "a", "b"), Fixtures.workTask());
        h.answer("vote/sample-1/b", "falling");
        h.answer("vote/sample-1/a", "rising");
        h.answer("vote/sample-2/a", "falling");
        h.answer("vote/sample-2/b", "rising");
        // ballots in order: sample-1/a rising, sample-1/b falling, ...: rising comes first
        assertThat(h.end.output()).isEqualTo("rising");
        assertThat(h.event(RunEvent.StepFinished.class, "vote").outcome()).isEqualTo("majority 2 of 4 votes, tie broken by order");
    }

    @Test
    void aFailedBallotFailsTheVote() {
        CoreHarness h = CoreHarness.start(vote(1, "a", "b", "c"), Fixtures.workTask());
        h.answer("vote/sample-1/a", "rising");
        h.modelFails("vote/sample-1/c", "Model 'scripted:m' failed: 401");
        assertThat(h.end.status()).isEqualTo(RunStatus.FAILED);
        assertThat(h.kinds()).endsWith("step_failed vote/sample-1/c", "step_failed vote");
    }
}
