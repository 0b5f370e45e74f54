package dev.cadre.orchestrator;

import static dev.cadre.testkit.CadreAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.ModelRegistry;
import dev.cadre.api.Persona;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.RunHandle;
import dev.cadre.api.Task;
import dev.cadre.api.ToolResult;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * BlockHound turns any blocking call on a Reactor non-blocking thread into an error. Blocking model clients
 * (ScriptedModel sleeps, like an HTTP client waiting) and blocking tools (sleep and file IO) must run elsewhere.
 * BlockHound is installed for the whole module by {@link BlockHoundSession}.
 */
class NonBlockingTest {

    @TempDir
    Path runs;

    @Test
    void blockHoundIsActive() throws Exception {
        java.util.concurrent.CompletableFuture<Throwable> caught = new java.util.concurrent.CompletableFuture<>();
        Schedulers.parallel().schedule(() -> {
            try {
                Thread.sleep(5);
                caught.complete(null);
            } catch (Throwable t) {
                caught.complete(t);
            }
        });
        assertThat(caught.get(5, java.util.concurrent.TimeUnit.SECONDS)).isNotNull().hasMessageContaining("Blocking call!");
    }

    @Test
    void blockingModelsAndToolsNeverRunOnParallelThreads(@TempDir Path scratch) {
        TestTool fileTool = new TestTool("save", RiskLevel.WRITES, args -> {
            try {
                Thread.sleep(5);
                Path file = scratch.resolve(args.get("text").asText() + ".txt");
                Files.writeString(file, "saved");
                return ToolResult.ok(Files.readString(file));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Persona saver = Persona.builder("saver").role("Saver").tools("save").build();
        ScriptedModel model = ScriptedModel.builder().anyAgent(
                Reply.toolCall("save", "{\"text\":\"a\"}").after(Duration.ofMillis(10)),
                Reply.text("done").after(Duration.ofMillis(10))).build();
        Orchestrator orchestrator = Orchestrator.builder().models(ModelRegistry.of("scripted:m", model)).tool(fileTool)
                .gate(dev.cadre.api.HumanGate.autoApprove()).runsDirectory(runs).build();

        // Start the run from a parallel thread, as a reactive caller would.
        RunHandle run = Mono.fromCallable(() -> orchestrator.run(orchestrator.agent(saver), Task.of("save", "Save a.")))
                .subscribeOn(Schedulers.parallel()).block(Duration.ofSeconds(10));

        assertThat(run.result().block(Duration.ofSeconds(20))).succeeded().hasOutput("done");
        assertThat(model.requests()).allSatisfy(r -> assertThat(r.nonBlockingThread()).as(r.thread()).isFalse());
        assertThat(fileTool.threads).allSatisfy(t -> assertThat(t).startsWith("boundedElastic"));
    }

    @Test
    void manyConcurrentRunsWithADelayedStreamingModelFinish() {
        ScriptedModel model = ScriptedModel.builder()
                .anyAgent(repeat(Reply.text("ok").after(Duration.ofMillis(50)), 50)).build();
        Orchestrator orchestrator = Orchestrator.builder().models(ModelRegistry.of("scripted:m", model)).runsDirectory(runs).build();
        Persona p = Persona.builder("p").role("R").build();
        List<RunHandle> handles = Flux.range(0, 50)
                .map(i -> orchestrator.run(orchestrator.agent(p), Task.of("t" + i, "Task " + i), RunOptions.DEFAULTS.withStreaming(true)))
                .collectList().block();
        assertThat(Flux.fromIterable(handles).flatMap(RunHandle::result).collectList().block(Duration.ofSeconds(30)))
                .hasSize(50).allSatisfy(r -> assertThat(r.succeeded()).as(r.reason() == null ? "ok" : r.reason()).isTrue());
    }

    static Reply[] repeat(Reply reply, int times) {
        List<Reply> replies = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            replies.add(reply);
        }
        return replies.toArray(Reply[]::new);
    }
}
