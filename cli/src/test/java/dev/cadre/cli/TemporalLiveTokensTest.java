package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.Agent;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.Persona;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Task;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Step;
import dev.cadre.jdbc.JdbcJournalStore;
import dev.cadre.jdbc.PostgresExtension;
import dev.cadre.orchestrator.RunOptions;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.orchestrator.journal.LiveTokens;
import dev.cadre.temporal.TemporalCadre;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;

/**
 * Streamed tokens of a Temporal run across machines: the worker and the client each have their own PostgreSQL journal
 * store on one database (a real server), as on two machines, and the client's handle shows the tokens the worker's model
 * activity sends by NOTIFY before each journaled answer, while the journal keeps only whole answers.
 */
@Timeout(60)
class TemporalLiveTokensTest {

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();
    static final String ANSWER = "Quokkas marmalade zephyrs across fjords.";

    @TempDir
    Path dir;
    private TestWorkflowEnvironment env;
    private TemporalCadre worker;
    private TemporalCadre client;
    private JdbcJournalStore workerStore;
    private JdbcJournalStore clientStore;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
            worker.close();
            env.close();
        }
        if (workerStore != null) {
            workerStore.close();
            clientStore.close();
        }
    }

    @Test
    void theClientsHandleShowsTheTokensTheWorkerStreamsThroughPostgresqlBeforeTheJournaledAnswer() throws Exception {
        String url = POSTGRES.newDatabase();
        JournalKey key = JournalKey.generate();
        workerStore = JdbcJournalStore.builder(url).key(key).build();
        clientStore = JdbcJournalStore.builder(url).key(key).build();
        Crew crew = Crew.of("drafted", Step.work(Agent.resolve(Persona.builder("drafter").role("the drafter").build(), List.of()),
                Task.builder("draft").description("Draft: {task}").build()));
        ModelRegistry models = ModelRegistry.of("scripted:m", ScriptedModel.builder().agent("drafter", Reply.text(ANSWER)).build());
        env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
                .setWorkflowClientOptions(WorkflowClientOptions.newBuilder().setDataConverter(TemporalCadre.dataConverter()).build()).build());
        worker = TemporalCadre.builder(env.getWorkflowClient()).models(models).crew(crew).runsDirectory(dir.resolve("worker"))
                .journalKey(key).journalStore(workerStore).build();
        worker.register(env.getWorkerFactory());
        env.start();
        client = TemporalCadre.builder(env.getWorkflowClient()).models(models).runsDirectory(dir.resolve("client"))
                .journalKey(key).journalStore(clientStore).build();

        CompletableFuture<List<RunEvent>> seen = client.handle("across").events().collectList().toFuture();
        awaitListening("across");
        RunHandle run = client.run(crew, Task.of("task", "Draft it."), RunOptions.DEFAULTS.withRunId("across").withStreaming(true));
        RunResult result = run.result().block(Duration.ofSeconds(30));
        assertThat(result.status()).as(result.reason()).isEqualTo(RunStatus.SUCCEEDED);
        List<RunEvent> events = seen.get(30, TimeUnit.SECONDS);

        int requested = index(events, RunEvent.ModelRequested.class);
        int responded = index(events, RunEvent.ModelResponded.class);
        List<RunEvent.TokenStreamed> tokens = events.subList(requested + 1, responded).stream()
                .map(RunEvent.TokenStreamed.class::cast).toList();
        assertThat(tokens.stream().map(RunEvent.TokenStreamed::token).collect(Collectors.joining())).isEqualTo(ANSWER);
        assertThat(events).filteredOn(RunEvent.TokenStreamed.class::isInstance).hasSize(tokens.size());
        List<RunEvent> journal = clientStore.read("across").events();
        assertThat(journal).noneMatch(RunEvent.TokenStreamed.class::isInstance);
        assertThat(events).filteredOn(e -> !(e instanceof RunEvent.TokenStreamed)).isEqualTo(journal);
    }

    /** Sends probes from the worker's store until the client's store hears them: its LISTEN for the run is in place. */
    private void awaitListening(String runId) throws InterruptedException {
        LiveTokens heard = clientStore.liveTokens().orElseThrow();
        CompletableFuture<LiveTokens.Chunk> probe = new CompletableFuture<>();
        Disposable listening = heard.subscribe(runId).subscribe(probe::complete);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!probe.isDone()) {
            assertThat(System.nanoTime()).as("the client's store heard a probe within 10 s").isLessThan(deadline);
            workerStore.liveTokens().orElseThrow().publish(new LiveTokens.Chunk(runId, "probe", "probe", 0, "probe", Instant.now()));
            Thread.sleep(20);
        }
        listening.dispose();
    }

    private static int index(List<RunEvent> events, Class<? extends RunEvent> type) {
        for (int i = 0; i < events.size(); i++) {
            if (type.isInstance(events.get(i))) {
                return i;
            }
        }
        throw new AssertionError("No " + type.getSimpleName() + " in " + events);
    }
}
