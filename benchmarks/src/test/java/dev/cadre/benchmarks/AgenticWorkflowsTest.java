package dev.cadre.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.UserMessage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AgenticWorkflowsTest {

    private AgenticWorkflows workflows;

    @BeforeEach
    void setUp() {
        workflows = new AgenticWorkflows();
    }

    @AfterEach
    void tearDown() {
        workflows.close();
    }

    private void runTwice(Supplier<String> workflow, int expectedCalls) {
        for (int run = 0; run < 2; run++) {
            long before = workflows.modelCalls();
            String output = workflow.get();
            assertThat(output).isNotBlank().startsWith("answer-");
            assertThat(workflows.modelCalls() - before).isEqualTo(expectedCalls);
        }
    }

    @Test
    void sequentialMakesFiveCalls() {
        runTwice(workflows::sequential, Workflows.SEQUENTIAL_CALLS);
    }

    @Test
    void sequentialEachAgentSeesThePreviousOutput() {
        // a fresh run starts from the input, and its output is the last of its 5 answers
        long answersBefore = workflows.modelCalls();
        assertThat(workflows.sequential()).isEqualTo("answer-" + (answersBefore + 5));
    }

    @Test
    void loopMakesNineCalls() {
        runTwice(workflows::loop, Workflows.LOOP_CALLS);
    }

    @Test
    void parallelMakesEightCalls() {
        for (int run = 0; run < 2; run++) {
            long before = workflows.modelCalls();
            String output = workflows.parallel();
            assertThat(output.split("\n")).hasSize(8).allSatisfy(part -> assertThat(part).startsWith("answer-"));
            assertThat(workflows.modelCalls() - before).isEqualTo(Workflows.PARALLEL_CALLS);
        }
    }

    @Test
    void debateMakesTenCalls() {
        runTwice(workflows::debate, Workflows.DEBATE_CALLS);
    }

    @Test
    void promptsCarryStateThroughTheScope() {
        List<String> prompts = new CopyOnWriteArrayList<>();
        try (AgenticWorkflows observed = new AgenticWorkflows(Duration.ZERO,
                request -> prompts.add(((UserMessage) request.messages().get(0)).singleText()))) {
            observed.sequential();
            assertThat(prompts).containsExactly("Improve this text: topic", "Improve this text: answer-1",
                    "Improve this text: answer-2", "Improve this text: answer-3", "Improve this text: answer-4");

            prompts.clear();
            observed.loop(); // answers 6..11: coder 6, reviewer 7, coder 8, reviewer 9, coder 10, reviewer 11
            assertThat(prompts).filteredOn(p -> p.startsWith("Write code")).containsExactly(
                    "Write code for task. Use the bump tool. Last review: none",
                    "Write code for task. Use the bump tool. Last review: none",
                    "Write code for task. Use the bump tool. Last review: answer-7",
                    "Write code for task. Use the bump tool. Last review: answer-7",
                    "Write code for task. Use the bump tool. Last review: answer-9",
                    "Write code for task. Use the bump tool. Last review: answer-9");

            prompts.clear();
            observed.debate();
            assertThat(prompts).hasSize(Workflows.DEBATE_CALLS);
            assertThat(prompts.subList(0, 3)).allSatisfy(p -> assertThat(p).containsPattern(": \\(none\\) .: \\(none\\)$")
                    .doesNotContain("answer-"));
            // round 2 sees exactly round 1's answers 12..14 of the others, round 3 sees round 2's 15..17
            List<String> round2 = prompts.subList(3, 6);
            List<String> round3 = prompts.subList(6, 9);
            assertThat(round2).allSatisfy(p -> assertThat(p).containsPattern("answer-1[234].*answer-1[234]"));
            assertThat(round3).allSatisfy(p -> assertThat(p).containsPattern("answer-1[567].*answer-1[567]"));
            // the judge sees the final round's answers 18..20
            assertThat(prompts.get(9)).matches("Decide the debate on topic: 1: answer-(18|19|20) "
                    + "2: answer-(18|19|20) 3: answer-(18|19|20)");
        }
    }

    @Test
    void loopAsyncWithDelayMakesNineCalls() throws Exception {
        try (AgenticWorkflows delayed = new AgenticWorkflows(Duration.ofMillis(20))) {
            long before = delayed.modelCalls();
            String output = delayed.loopAsync().toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(output).isNotBlank().startsWith("answer-");
            assertThat(delayed.modelCalls() - before).isEqualTo(Workflows.LOOP_CALLS);
        }
    }
}
