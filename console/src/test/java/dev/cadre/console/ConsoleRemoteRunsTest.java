package dev.cadre.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.Agent;
import dev.cadre.api.CadreJson;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.Persona;
import dev.cadre.api.RemoteRuns;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Task;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Review;
import dev.cadre.api.crew.Step;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.orchestrator.RunOptions;
import dev.cadre.orchestrator.journal.MemoryJournalStore;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A run the console only reads from a shared journal store, open in another "process" (an orchestrator the console is
 * not told of, standing for a Temporal cluster): with {@link RemoteRuns} finding its handle, the page answers and
 * cancels it; without, or while the remote is unreachable, it shows the journal only.
 */
@Timeout(60)
class ConsoleRemoteRunsTest {

    private static final String TOKEN = "remote-t0ken";

    private final MemoryJournalStore store = new MemoryJournalStore();
    private final Map<String, RunHandle> elsewhere = new ConcurrentHashMap<>();
    private final AtomicReference<RuntimeException> unreachable = new AtomicReference<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private Orchestrator remote;
    private CadreConsole console;

    @BeforeEach
    void start() {
        ScriptedModel model = ScriptedModel.builder().agent("drafter", Reply.text("a draft"), Reply.text("a better draft")).build();
        remote = Orchestrator.builder().models(ModelRegistry.of("scripted:m", model)).journalStore(store).build();
        console = CadreConsole.builder().journalStore(store).token(TOKEN)
                .remoteRuns(id -> {
                    if (unreachable.get() != null) {
                        throw unreachable.get();
                    }
                    return Optional.ofNullable(elsewhere.get(id));
                })
                .build().start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        console.close();
        elsewhere.values().forEach(RunHandle::cancel);
    }

    private RunHandle startElsewhere(String runId) {
        Agent drafter = Agent.resolve(Persona.builder("drafter").role("the drafter").build(), List.of());
        Crew crew = Crew.of("reviewed", Step.sequential("doc", Step.work(drafter, Task.builder("draft").description("Draft: {task}").build())
                .reviewed(Review.afterWork())));
        RunHandle run = remote.run(crew, Task.of("t", "notes"), RunOptions.DEFAULTS.withRunId(runId));
        elsewhere.put(runId, run);
        run.nextCheckpoint(Duration.ofSeconds(20)).orElseThrow();
        return run;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + console.port() + path))
                .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(20));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        return http.send(request(path).header("Content-Type", "application/json")
                .header("Origin", "http://127.0.0.1:" + console.port()).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return CadreJson.mapper().readTree(response.body());
    }

    @Test
    void aRunOpenElsewhereIsShownWaitingAndItsCheckpointDecidedThroughItsHandle() throws Exception {
        RunHandle run = startElsewhere("remote-1");
        String checkpoint = run.pendingCheckpoints().get(0).id();

        JsonNode shown = json(get("/api/runs/remote-1"));
        assertThat(shown.get("canAnswer").asBoolean()).isTrue();
        assertThat(shown.get("summary").get("status").asText()).isEqualTo("WAITING_FOR_HUMAN");
        assertThat(shown.get("pendingCheckpoints").get(0).get("id").asText()).isEqualTo(checkpoint);

        HttpResponse<String> unknown = post("/api/runs/remote-1/checkpoints", "{\"checkpointId\": \"doc/nowhere#review\", \"decision\": \"approve\"}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).get("error").asText()).contains("doc/nowhere#review");

        HttpResponse<String> rejected = post("/api/runs/remote-1/checkpoints",
                "{\"checkpointId\": \"" + checkpoint + "\", \"decision\": \"reject\", \"feedback\": \"shorter\"}");
        assertThat(rejected.statusCode()).isEqualTo(200);
        String second = run.nextCheckpoint(Duration.ofSeconds(20)).orElseThrow(() -> new AssertionError(
                "the run ended: " + run.result().block())).checkpoint().id();

        HttpResponse<String> stale = post("/api/runs/remote-1/checkpoints", "{\"checkpointId\": \"" + checkpoint + "\", \"decision\": \"approve\"}");
        assertThat(stale.statusCode()).as("a checkpoint already decided is refused").isEqualTo(404);
        assertThat(json(stale).get("error").asText()).contains(checkpoint);

        assertThat(post("/api/runs/remote-1/checkpoints", "{\"checkpointId\": \"" + second + "\", \"decision\": \"approve\"}").statusCode())
                .isEqualTo(200);
        assertThat(run.result().block(Duration.ofSeconds(20)).output()).isEqualTo("a better draft");
        assertThat(run.result().block().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(json(get("/api/runs/remote-1")).get("canAnswer").asBoolean()).as("an ended run is not asked of the remote").isFalse();
    }

    @Test
    void cancelFromThePageCancelsTheRunElsewhere() throws Exception {
        RunHandle run = startElsewhere("remote-2");
        HttpResponse<String> cancelled = post("/api/runs/remote-2/cancel", "{}");
        assertThat(cancelled.statusCode()).isEqualTo(202);
        assertThat(run.result().block(Duration.ofSeconds(20)).status()).isEqualTo(RunStatus.CANCELLED);
    }

    @Test
    void anUnreachableRemoteIsOneSentenceOnAnswerAndTheJournalOnDisplay() throws Exception {
        RunHandle run = startElsewhere("remote-3");
        unreachable.set(new IllegalStateException("The Temporal cluster at localhost:1 did not answer within 10 s."));
        JsonNode shown = json(get("/api/runs/remote-3"));
        assertThat(shown.get("canAnswer").asBoolean()).isFalse();
        assertThat(shown.get("pendingCheckpoints").get(0).get("id").asText()).as("from the journal")
                .isEqualTo(run.pendingCheckpoints().get(0).id());
        HttpResponse<String> refused = post("/api/runs/remote-3/checkpoints",
                "{\"checkpointId\": \"" + run.pendingCheckpoints().get(0).id() + "\", \"decision\": \"approve\"}");
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(json(refused).get("error").asText()).isEqualTo("The Temporal cluster at localhost:1 did not answer within 10 s.");
        assertThat(run.status()).isEqualTo(RunStatus.WAITING_FOR_HUMAN);
    }

    @Test
    void withoutRemoteRunsARunNotOfThisProcessIsOnlyShown() throws Exception {
        startElsewhere("remote-4");
        try (CadreConsole reader = CadreConsole.builder().journalStore(store).token(TOKEN).build().start("127.0.0.1", 0)) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + reader.port()
                            + "/api/runs/remote-4/checkpoints")).header("Authorization", "Bearer " + TOKEN)
                    .header("Origin", "http://127.0.0.1:" + reader.port()).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"checkpointId\": \"x\", \"decision\": \"approve\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(409);
            assertThat(RemoteRuns.none().find("remote-4")).isEmpty();
        }
    }
}
