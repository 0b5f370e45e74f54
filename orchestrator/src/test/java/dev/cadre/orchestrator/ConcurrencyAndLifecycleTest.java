package dev.cadre.orchestrator;

import static dev.cadre.testkit.CadreAssertions.assertThat;
import static dev.cadre.testkit.CadreAssertions.assertThatEvents;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.Agent;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.Persona;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Task;
import dev.cadre.api.ToolResult;
import dev.cadre.orchestrator.journal.JournalReader;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrencyAndLifecycleTest {

    static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path runs;

    final Persona worker = Persona.builder("worker").role("Worker").tools("*").build();
    final Task task = Task.of("work", "Do the work.");

    static Reply threeCalls(String tool) {
        return Reply.toolCalls(
                ToolExecutionRequest.builder().id("1").name(tool).arguments("{\"text\":\"a\"}").build(),
                ToolExecutionRequest.builder().id("2").name(tool).arguments("{\"text\":\"b\"}").build(),
                ToolExecutionRequest.builder().id("3").name(tool).arguments("{\"text\":\"c\"}").build());
    }

    @Test
    void readOnlyToolCallsOfOneAnswerRunConcurrently() {
        // Each call waits until all three have started: only concurrent execution can finish in time.
        CountDownLatch allStarted = new CountDownLatch(3);
        TestTool lookup = new TestTool("lookup", RiskLevel.READ_ONLY, args -> {
            allStarted.countDown();
            try {
                boolean together = allStarted.await(5, TimeUnit.SECONDS);
                return ToolResult.ok(together ? "ran together" : "ran alone");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        ScriptedModel model = ScriptedModel.builder().agent("worker", threeCalls("lookup"), Reply.text("done")).build();
        Orchestrator orchestrator = Orchestrator.builder().models(ModelRegistry.of("scripted:m", model)).tool(lookup)
                .runsDirectory(runs).build();

        RunHandle run = orchestrator.run(orchestrator.agent(worker), task);
        assertThat(run.result().block(WAIT)).succeeded();
        List<RunEvent> events = run.events().collectList().block(WAIT);
        assertThat(events.stream().filter(RunEvent.ToolReturned.class::isInstance).map(e -> ((RunEvent.ToolReturned) e).result()))
                .containsExactly("ran together", "ran together", "ran together");
        assertThat(lookup.threads.stream().collect(Collectors.toSet())).hasSize(3);
    }

    @Test
    void writingToolCallsRunOneAtATimeInOrder() {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        TestTool write = new TestTool("write", RiskLevel.WRITES, args -> {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            running.decrementAndGet();
            return ToolResult.ok("wrote " + args.get("text").asText());
        });
        ScriptedModel model = ScriptedModel.builder().agent("worker", threeCalls("write"), Reply.text("done")).build();
        Orchestrator orchestrator = Orchestrator.builder().models(ModelRegistry.of("scripted:m", model)).tool(write)
                .gate(dev.cadre.api.HumanGate.autoApprove()).runsDirectory(runs).build();

        assertThat(orchestrator.run(orchestrator.agent(worker), task).result().block(WAIT)).succeeded();
        assertThat(maxRunning).hasValue(1);
        assertThat(write.calls).extracting(a -> a.get("text").asText()).containsExactly("a", "b", "c");
    }

    @Test
    void listenersAreToldOfEveryRunBeforeItsFirstStepAndAFailingListenerDoesNotStopIt() {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<RunEvent> watched = new java.util.concurrent.CopyOnWriteArrayList<>();
        Orchestrator orchestrator = Orchestrator.builder()
                .models(ModelRegistry.of("scripted:m", ScriptedModel.of(Reply.text("One."), Reply.text("Two."))))
                .runsDirectory(runs)
                .listener(run -> { throw new IllegalStateException("a broken listener"); })
                .listener(run -> {
                    seen.add(run.runId());
                    run.events().subscribe(watched::add);
                })
                .build();
        RunHandle first = orchestrator.run(Agent.of(worker), task);
        RunHandle second = orchestrator.run(Agent.of(worker), task);
        assertThat(first.result().block(WAIT)).succeeded();
        assertThat(second.result().block(WAIT)).succeeded();
        assertThat(seen).containsExactly(first.runId(), second.runId());
        assertThat(watched).filteredOn(RunEvent.RunStarted.class::isInstance).hasSize(2);
        assertThat(watched).filteredOn(RunEvent.RunFinished.class::isInstance).hasSize(2);
    }

    @Test
    void streamingModelsPublishTokensAsTheyCome() {
        ScriptedModel model = ScriptedModel.of(Reply.text("Counting is easy."));
        List<RunEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        Orchestrator orchestrator = Orchestrator.builder().models(ModelRegistry.of("scripted:m", model)).runsDirectory(runs)
                .listener(handle -> handle.events().subscribe(events::add)).build();
        RunHandle run = orchestrator.run(Agent.of(worker), task, RunOptions.DEFAULTS.withStreaming(true));
        assertThat(run.result().block(WAIT)).succeeded().hasOutput("Counting is easy.");
        assertThat(events.stream().filter(RunEvent.TokenStreamed.class::isInstance)
                .map(e -> ((RunEvent.TokenStreamed) e).token()).collect(Collectors.joining())).isEqualTo("Counting is easy.");
        assertThatEvents(events).hasTypesInOrder(RunEvent.ModelRequested.class, RunEvent.TokenStreamed.class,
                RunEvent.ModelResponded.class, RunEvent.RunFinished.class).hasContiguousSequenceNumbers();
        // Tokens are live: the journal, and a subscriber after the run, have the whole answer instead.
        List<RunEvent> replayed = run.events().collectList().block(WAIT);
        assertThat(replayed).noneMatch(RunEvent.TokenStreamed.class::isInstance)
                .containsExactlyElementsOf(events.stream().filter(e -> !(e instanceof RunEvent.TokenStreamed)).toList());
        assertThat(replayed).filteredOn(RunEvent.ModelResponded.class::isInstance).singleElement()
                .extracting(e -> ((RunEvent.ModelResponded) e).text()).isEqualTo("Counting is easy.");
    }

    @Test
    void cancelStopsTheRunKeepsItsJournalAndDropsLateSignals() throws Exception {
        ScriptedModel model = ScriptedModel.of(Reply.text("too late").after(Duration.ofSeconds(2)));
        Orchestrator orchestrator = Orchestrator.builder().models(ModelRegistry.of("scripted:m", model)).runsDirectory(runs).build();
        RunHandle run = orchestrator.run(Agent.of(worker), task, RunOptions.DEFAULTS.withStreaming(true));

        run.events().filter(RunEvent.ModelRequested.class::isInstance).next().block(WAIT);
        assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
        run.cancel();
        RunResult result = run.result().block(WAIT);

        assertThat(result).wasCancelled().hasReasonContaining("Cancelled by the user.");
        assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
        Thread.sleep(2_300); // past the model's answer: it must not reach the events or the journal
        List<RunEvent> events = run.events().collectList().block(WAIT);
        assertThatEvents(events).endsWithType(RunEvent.RunCancelled.class).hasContiguousSequenceNumbers();
        assertThat(events).noneMatch(e -> e instanceof RunEvent.ModelResponded || e instanceof RunEvent.TokenStreamed);
        assertThat(Journals.read(runs, run.runId()).events()).containsExactlyElementsOf(events);
        run.cancel(); // idempotent
        assertThat(run.events().collectList().block(WAIT)).hasSameSizeAs(events);
    }

    @Test
    void lateSubscribersGetTheWholeHistory() {
        ScriptedModel model = ScriptedModel.of(Reply.text("ok"));
        Orchestrator orchestrator = Orchestrator.builder().models(ModelRegistry.of("scripted:m", model)).runsDirectory(runs).build();
        RunHandle run = orchestrator.run(Agent.of(worker), task);
        run.result().block(WAIT);
        List<RunEvent> first = run.events().collectList().block(WAIT);
        List<RunEvent> second = run.events().collectList().block(WAIT);
        assertThat(second).isEqualTo(first);
        assertThat(first.get(0)).isInstanceOf(RunEvent.RunStarted.class);
    }
}
