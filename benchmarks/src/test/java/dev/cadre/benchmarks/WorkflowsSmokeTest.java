package dev.cadre.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One short run of every workflow of Cadre and the hand-written floor, so the benchmarks cannot rot unnoticed. */
class WorkflowsSmokeTest {

    @ParameterizedTest
    @ValueSource(strings = {"cadre", "handwritten", "handwritten-journaled"})
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

    /** The hand-written floor that journals writes what Cadre journals for the loop, read back from the store. */
    @org.junit.jupiter.api.Test
    void theJournaledHandWrittenLoopAppendsEveryStepsEvents() {
        HandJournal journal = new HandJournal();
        try (Workflows w = new HandWrittenWorkflows(Duration.ZERO, journal)) {
            w.loop();
            assertThat(journal.runs()).isEqualTo(1);
            java.util.List<dev.cadre.api.RunEvent> events = journal.events("hand-1");
            assertThat(events).first().isInstanceOf(dev.cadre.api.RunEvent.RunStarted.class);
            assertThat(events).last().isInstanceOf(dev.cadre.api.RunEvent.RunFinished.class);
            assertThat(events).filteredOn(dev.cadre.api.RunEvent.ModelResponded.class::isInstance).hasSize(Workflows.LOOP_CALLS);
            assertThat(events).filteredOn(dev.cadre.api.RunEvent.ToolReturned.class::isInstance).hasSize(3);
            assertThat(events).extracting(dev.cadre.api.RunEvent::seq).doesNotHaveDuplicates().isSorted();
            w.cleanUp();
            assertThat(journal.runs()).isZero();
        }
    }

    /** S2's program (100,000 runs, 2 s model in benchmarks/run) at a smoke size. */
    @org.junit.jupiter.api.Test
    void aShortS2RunOfCadreFinishesWithoutAThreadPerRun() {
        ScaleBenchmark.Result r = ScaleBenchmark.measure("cadre", 500, Duration.ofMillis(50));
        assertThat(r.failed()).isZero();
        assertThat(r.peakThreads()).isLessThan(r.threadsBefore() + 100);
    }

    /** P1's program at a smoke size: runs park at their checkpoint, then all are resolved and finish. */
    @org.junit.jupiter.api.Test
    void aShortP1RunParksEveryRunThenResolvesThemAll() {
        // 1,000 runs (~7 MB parked): at 200 (~1.4 MB) what the surefire JVM freed meanwhile could exceed what they hold
        ParkedBenchmark.Result r = ParkedBenchmark.measure(1_000);
        assertThat(r.failed()).isZero();
        assertThat(r.retainedBytesPerRun()).as(r.row()).isPositive();
    }

    private static void check(Workflows w, Function<Workflows, String> workflow, int calls) {
        long before = w.modelCalls();
        String out = workflow.apply(w);
        assertThat(out).contains("answer-");
        assertThat(w.modelCalls() - before).isEqualTo(calls);
    }
}
