package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.Agent;
import dev.cadre.api.CadreJson;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.Persona;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Task;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Review;
import dev.cadre.api.crew.Step;
import dev.cadre.console.CadreConsole;
import dev.cadre.orchestrator.RunOptions;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.temporal.TemporalCadre;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wiring of {@code cadre console --temporal} on Temporal's in-memory service: {@link TemporalRemoteRuns} finds a
 * run's open workflow and hands the console {@code TemporalCadre.handle}, so the page's decision is the workflow's
 * {@code decide} update (its validator's refusal the page's error) and its cancel the workflow's cancellation.
 */
@Timeout(60)
class TemporalRemoteRunsTest {

    private static final String TOKEN = "wiring-t0ken";

    @TempDir
    Path dir;
    private TestWorkflowEnvironment env;
    private TemporalCadre cadre;
    private TemporalRemoteRuns remote;
    private CadreConsole console;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Crew crew = Crew.of("reviewed", Step.sequential("doc", Step.work(
            Agent.resolve(Persona.builder("drafter").role("the drafter").build(), List.of()),
            Task.builder("draft").description("Draft: {task}").build()).reviewed(Review.afterWork())));

    @BeforeEach
    void start() {
        JournalKey key = JournalKey.generate();
        Path runs = dir.resolve("runs");
        env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
                .setWorkflowClientOptions(WorkflowClientOptions.newBuilder().setDataConverter(TemporalCadre.dataConverter()).build()).build());
        ScriptedModel model = ScriptedModel.builder().agent("drafter", Reply.text("a draft"), Reply.text("a better draft")).build();
        cadre = TemporalCadre.builder(env.getWorkflowClient()).models(ModelRegistry.of("scripted:m", model)).crew(crew)
                .runsDirectory(runs).journalKey(key).build();
        cadre.register(env.getWorkerFactory());
        env.start();
        remote = new TemporalRemoteRuns(id -> TemporalRuns.isOpen(env.getWorkflowClient(), id), cadre::handle, "in-memory", () -> { });
        console = CadreConsole.builder().runsDirectory(runs).journalKey(key).token(TOKEN).remoteRuns(remote).build().start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        console.close();
        remote.close();
        cadre.close();
        env.close();
    }

    private RunHandle waiting(String runId) {
        RunHandle run = cadre.run(crew, Task.of("t", "notes"), RunOptions.DEFAULTS.withRunId(runId));
        run.nextCheckpoint(Duration.ofSeconds(30)).orElseThrow();
        return run;
    }

    private HttpResponse<String> send(String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + console.port() + path))
                .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(30));
        if (body != null) {
            b.header("Content-Type", "application/json").header("Origin", "http://127.0.0.1:" + console.port())
                    .POST(HttpRequest.BodyPublishers.ofString(body));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return CadreJson.mapper().readTree(response.body());
    }

    @Test
    void theConsolesDecisionIsTheWorkflowsDecideUpdate() throws Exception {
        RunHandle run = waiting("wired-1");
        JsonNode shown = json(send("/api/runs/wired-1", null));
        assertThat(shown.get("canAnswer").asBoolean()).as(shown.toString()).isTrue();
        String first = shown.get("pendingCheckpoints").get(0).get("id").asText();

        HttpResponse<String> unknown = send("/api/runs/wired-1/checkpoints", "{\"checkpointId\": \"doc/nowhere#review\", \"decision\": \"approve\"}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).get("error").asText()).as("the validator's refusal").contains("no pending checkpoint 'doc/nowhere#review'");

        assertThat(send("/api/runs/wired-1/checkpoints", "{\"checkpointId\": \"" + first + "\", \"decision\": \"reject\", \"feedback\": \"more\"}")
                .statusCode()).isEqualTo(200);
        String second = run.nextCheckpoint(Duration.ofSeconds(30)).orElseThrow().checkpoint().id();
        HttpResponse<String> stale = send("/api/runs/wired-1/checkpoints", "{\"checkpointId\": \"" + first + "\", \"decision\": \"approve\"}");
        assertThat(stale.statusCode()).isEqualTo(404);
        assertThat(json(stale).get("error").asText()).contains("no pending checkpoint '" + first + "'");

        assertThat(send("/api/runs/wired-1/checkpoints", "{\"checkpointId\": \"" + second + "\", \"decision\": \"approve\"}").statusCode())
                .isEqualTo(200);
        assertThat(run.result().block(Duration.ofSeconds(30)).output()).isEqualTo("a better draft");
        assertThat(remote.find("wired-1")).as("an ended workflow is not open").isEmpty();
    }

    @Test
    void theConsolesCancelCancelsTheWorkflow() throws Exception {
        RunHandle run = waiting("wired-2");
        assertThat(send("/api/runs/wired-2/cancel", "{}").statusCode()).isEqualTo(202);
        assertThat(run.result().block(Duration.ofSeconds(30)).status()).isEqualTo(RunStatus.CANCELLED);
    }

    @Test
    void aRunTheClusterNeverHadOrAnIdThatIsNoRunIdIsNotFound() {
        assertThat(remote.find("never-started")).isEmpty();
        assertThat(remote.find("../etc/passwd")).isEmpty();
    }
}
