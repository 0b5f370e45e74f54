package dev.cadre.samples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The sample over HTTP on its real port: start the poem crew, see it wait, answer its checkpoint, see it end. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "OPENAI_API_KEY=")
class CrewApplicationTest {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path runs;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("cadre.runs-directory", () -> runs.toString());
    }

    @LocalServerPort
    int port;

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(WAIT)
                .header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode until(String path, Predicate<JsonNode> done) throws Exception {
        Instant deadline = Instant.now().plus(WAIT);
        while (true) {
            JsonNode run = JSON.readTree(send("GET", path, null).body());
            if (done.test(run) || Instant.now().isAfter(deadline)) {
                return run;
            }
            Thread.sleep(50);
        }
    }

    @Test
    void aCrewStartedOverHttpWaitsOnItsCheckpointShowsItInHealthAndEndsWhenItIsAnswered() throws Exception {
        HttpResponse<String> started = send("POST", "/crews/poem/runs", "{\"task\":\"the sea\"}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String runId = JSON.readTree(started.body()).get("runId").asText();

        JsonNode waiting = until("/runs/" + runId, run -> run.get("checkpoints").size() > 0);
        assertThat(waiting.get("status").asText()).isEqualTo("WAITING_FOR_HUMAN");
        JsonNode checkpoint = waiting.get("checkpoints").get(0);
        assertThat(checkpoint.get("kind").asText()).isEqualTo("REVIEW_AFTER");
        assertThat(checkpoint.get("proposedOutput").asText()).startsWith("Grey water folds on stone");

        JsonNode health = JSON.readTree(send("GET", "/actuator/health", null).body());
        assertThat(health.at("/components/cadre/details/pendingCheckpoints").asInt()).isEqualTo(1);
        assertThat(health.at("/components/cadre/details/waiting/0/run").asText()).isEqualTo(runId);

        HttpResponse<String> answered = send("POST", "/runs/" + runId + "/answers",
                "{\"checkpoint\":\"" + checkpoint.get("id").asText() + "\",\"decision\":\"approve\",\"by\":\"alice\"}");
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);

        JsonNode done = until("/runs/" + runId, run -> run.get("status").asText().equals("SUCCEEDED"));
        assertThat(done.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(done.get("output").asText()).contains("the sea keeps what it is told");
        JsonNode metric = JSON.readTree(send("GET", "/actuator/metrics/cadre.runs.ended", null).body());
        assertThat(metric.at("/measurements/0/value").asDouble()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void mistakesAreOneSentenceWithTheirStatus() throws Exception {
        HttpResponse<String> unknownCrew = send("POST", "/crews/nope/runs", "{\"task\":\"x\"}");
        assertThat(unknownCrew.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(unknownCrew.body()).get("error").asText()).isEqualTo("There is no crew 'nope'; crews: poem.");

        HttpResponse<String> unknownRun = send("GET", "/runs/nope", null);
        assertThat(unknownRun.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknownRun.body()).get("error").asText()).isEqualTo("There is no recent run 'nope'.");

        HttpResponse<String> noTask = send("POST", "/crews/poem/runs", "{\"task\":\"\"}");
        assertThat(noTask.statusCode()).isEqualTo(400);

        String runId = JSON.readTree(send("POST", "/crews/poem/runs", "{\"task\":\"x\"}").body()).get("runId").asText();
        HttpResponse<String> noCheckpoint = send("POST", "/runs/" + runId + "/answers", "{\"checkpoint\":\"nope\",\"decision\":\"approve\"}");
        assertThat(noCheckpoint.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(noCheckpoint.body()).get("error").asText()).startsWith("Run '" + runId + "' has no pending checkpoint 'nope'");
    }
}
