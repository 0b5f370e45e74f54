package dev.cadre.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One short run of every workflow of Cadre and the hand-written floor, so the benchmarks cannot rot unnoticed. */
class WorkflowsSmokeTest {

    @ParameterizedTest
    @ValueSource(strings = {"cadre", "handwritten"})
    void everyWorkflowMakesExactlyItsModelCalls(String framework) {
        try (Workflows w = Frameworks.create(framework, Duration.ZERO)) {
            for (int i = 0; i < 2; i++) {
                check(w, Workflows::sequential, Workflows.SEQUENTIAL_CALLS);
                check(w, Workflows::loop, Workflows.LOOP_CALLS);
                check(w, Workflows::parallel, Workflows.PARALLEL_CALLS);
                check(w, Workflows::debate, Workflows.DEBATE_CALLS);
            }
        }
    }

    /** Every journal store of the {@code store} parameter, streaming, with a reset between iterations as JMH does. */
    @ParameterizedTest
    @ValueSource(strings = {"file", "memory", "runfiles"})
    void everyJournalStoreRunsTheWorkflows(String store) {
        try (Workflows w = Frameworks.create("cadre-streaming", Duration.ZERO, store)) {
            for (int i = 0; i < 2; i++) {
                check(w, Workflows::sequential, Workflows.SEQUENTIAL_CALLS);
                check(w, Workflows::loop, Workflows.LOOP_CALLS);
                w.cleanUp();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cadre", "handwritten"})
    void theLoopRunsWithADelayedModel(String framework) {
        try (Workflows w = Frameworks.create(framework, Duration.ofMillis(20))) {
            long before = w.modelCalls();
            String out = w.loopAsync().toCompletableFuture().join();
            assertThat(out).startsWith("answer-");
            assertThat(w.modelCalls() - before).isEqualTo(Workflows.LOOP_CALLS);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cadre", "agentic", "adk", "handwritten"})
    void aShortScaleRunFinishesAllItsRuns(String framework) {
        ScaleBenchmark.Result r = ScaleBenchmark.measure(framework, 200, Duration.ofMillis(20));
        assertThat(r.failed()).isZero();
        assertThat(r.wallMillis()).isGreaterThanOrEqualTo(r.idealMillis());
        assertThat(r.peakHeapBytes()).isPositive();
    }

    private static void check(Workflows w, Function<Workflows, String> workflow, int calls) {
        long before = w.modelCalls();
        String out = workflow.apply(w);
        assertThat(out).contains("answer-");
        assertThat(w.modelCalls() - before).isEqualTo(calls);
    }
}
