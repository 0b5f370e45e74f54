package dev.cadre.orchestrator.internal.core;

import static dev.cadre.orchestrator.internal.core.Fixtures.agent;
import static dev.cadre.orchestrator.internal.core.Fixtures.work;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.RunEvent;
import dev.cadre.api.RunStatus;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Step;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The parallel pattern against the core alone: branches at once (up to a bound), joined in branch order. */
class ParallelPatternTest {

    static Crew parallel(int maxConcurrency) {
        return Crew.of("fan", new Step.Parallel("research", List.of(
                work("a", agent("alice"), "Look at A."),
                new Step.Sequential("b", List.of(work("b1", agent("bob"), "First B."), work("b2", agent("bob"), "Then B.", "b1"))),
                work("c", agent("carol"), "Look at C.")), maxConcurrency));
    }

    @Test
    void everyBranchsFirstCallIsOpenAtOnce() {
        CoreHarness h = CoreHarness.start(parallel(3), Fixtures.workTask());
        assertThat(h.openPaths()).containsExactlyInAnyOrder("research/a", "research/b/b1", "research/c");
        assertThat(h.kinds()).contains("step_started research/a", "step_started research/b", "step_started research/c");
    }

    @Test
    void theJoinIsInBranchOrderWhateverOrderTheAnswersArriveIn() {
        CoreHarness h = CoreHarness.start(parallel(3), Fixtures.workTask());
        h.answer("research/c", "C found");
        h.answer("research/b/b1", "B one");
        assertThat(h.openPaths()).containsExactlyInAnyOrder("research/a", "research/b/b2");
        h.answer("research/b/b2", "B two");
        assertThat(h.end).isNull();
        h.answer("research/a", "A found");

        assertThat(h.end.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(h.end.output()).isEqualTo("## a\nA found\n\n## b\nB two\n\n## c\nC found");
        assertThat(h.event(RunEvent.StepFinished.class, "research").outcome()).isEqualTo("3 branches joined");
    }

    @Test
    void atMostMaxConcurrencyBranchesRunAtOnce() {
        CoreHarness h = CoreHarness.start(parallel(2), Fixtures.workTask());
        assertThat(h.openPaths()).containsExactlyInAnyOrder("research/a", "research/b/b1");
        assertThat(h.kinds()).doesNotContain("step_started research/c");
        h.answer("research/b/b1", "B one");
        // branch b is not done: c still waits
        assertThat(h.openPaths()).containsExactlyInAnyOrder("research/a", "research/b/b2");
        h.answer("research/a", "A");
        assertThat(h.openPaths()).containsExactlyInAnyOrder("research/b/b2", "research/c");
        h.answer("research/c", "C");
        h.answer("research/b/b2", "B");
        assertThat(h.end.output()).isEqualTo("## a\nA\n\n## b\nB\n\n## c\nC");
    }

    @Test
    void theFirstFailureFailsTheStepAndTheRunAndLateAnswersAreIgnored() {
        CoreHarness h = CoreHarness.start(parallel(3), Fixtures.workTask());
        h.answer("research/a", "A");
        h.modelFails("research/c", "Model 'scripted:m' failed: 500");

        assertThat(h.end.status()).isEqualTo(RunStatus.FAILED);
        assertThat(h.end.reason()).isEqualTo("Model 'scripted:m' failed: 500");
        assertThat(h.kinds()).endsWith("step_failed research/c", "step_failed research");
        int before = h.events.size();
        h.answer("research/b/b1", "too late");
        assertThat(h.events).hasSize(before);
        assertThat(h.modelCalls).isEmpty();
    }
}
