package dev.cadre.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class AdkWorkflowsTest {

    private static void runTwice(Workflows workflows, Supplier<String> workflow, int expectedCalls) {
        for (int run = 0; run < 2; run++) {
            long before = workflows.modelCalls();
            String output = workflow.get();
            assertThat(output).isNotEmpty();
            assertThat(workflows.modelCalls() - before).isEqualTo(expectedCalls);
        }
    }

    @Test
    void sequentialMakesFiveCalls() {
        try (AdkWorkflows workflows = new AdkWorkflows()) {
            runTwice(workflows, workflows::sequential, Workflows.SEQUENTIAL_CALLS);
        }
    }

    @Test
    void loopMakesNineCalls() {
        try (AdkWorkflows workflows = new AdkWorkflows()) {
            runTwice(workflows, workflows::loop, Workflows.LOOP_CALLS);
        }
    }

    @Test
    void parallelMakesEightCalls() {
        try (AdkWorkflows workflows = new AdkWorkflows()) {
            runTwice(workflows, workflows::parallel, Workflows.PARALLEL_CALLS);
        }
    }

    @Test
    void debateMakesTenCalls() {
        try (AdkWorkflows workflows = new AdkWorkflows()) {
            runTwice(workflows, workflows::debate, Workflows.DEBATE_CALLS);
        }
    }

    @Test
    void loopAsyncCompletesWithNineCalls() throws Exception {
        try (AdkWorkflows workflows = new AdkWorkflows(Duration.ofMillis(20))) {
            long before = workflows.modelCalls();
            String output = workflows.loopAsync().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(output).isNotEmpty();
            assertThat(workflows.modelCalls() - before).isEqualTo(Workflows.LOOP_CALLS);
        }
    }
}
