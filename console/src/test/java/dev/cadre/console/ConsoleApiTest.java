package dev.cadre.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.CadreJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@org.junit.jupiter.api.Timeout(180)
class ConsoleApiTest {

    private static final String TOKEN = "t0ken-for-tests";

    @TempDir
    Path dir;

    private ConsoleFixture fixture;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeEach
    void start() throws IOException {
        fixture = new ConsoleFixture(dir, TOKEN);
    }

    @AfterEach
    void stop() {
        fixture.console.close();
    }

    private String base() {
        return "http://127.0.0.1:" + fixture.console.port();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base() + path)).header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(20));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        return http.send(request(path).header("Content-Type", "application/json").header("Origin", base())
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private record Waiting(String runId, String checkpoint, BlockingQueue<String> events) {}

    /** Starts the crew on {@code task} and waits until it stops at its review checkpoint. */
    private Waiting startAndAwaitCheckpoint(String task) throws Exception {
        String runId = json(post("/api/runs", "{\"crew\": \"review\", \"task\": \"" + task + "\"}")).get("runId").asText();
        BlockingQueue<String> events = lines("/api/runs/" + runId + "/events");
        awaitLine(events, "checkpoint_requested");
        return new Waiting(runId, json(get("/api/runs/" + runId)).get("pendingCheckpoints").get(0).get("id").asText(), events);
    }

    private static String decide(String checkpoint, String fields) {
        return "{\"checkpointId\": \"" + checkpoint + "\", " + fields + "}";
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return CadreJson.mapper().readTree(response.body());
    }

    /** The lines of an event stream, read on another thread. */
    private BlockingQueue<String> lines(String path) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        http.sendAsync(request(path).GET().build(), HttpResponse.BodyHandlers.ofLines())
                .thenAccept(r -> r.body().forEach(lines::add));
        return lines;
    }

    private static String awaitLine(BlockingQueue<String> lines, String containing) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertThat(line).as("a stream line containing '%s'", containing).isNotNull();
            if (line.contains(containing)) {
                return line;
            }
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void startsACrewStreamsItsStepsAndResolvesTheCheckpointPostedFromThePage() throws Exception {
        assertThat(json(get("/api/crews")).toString()).contains("\"canStart\":true", "\"name\":\"review\"");
        HttpResponse<String> started = post("/api/runs", "{\"crew\": \"review\", \"task\": \"Cadre 1.2\"}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
        String runId = json(started).get("runId").asText();

        BlockingQueue<String> events = lines("/api/runs/" + runId + "/events");
        assertThat(awaitLine(events, "\"type\":\"run_started\"")).contains("review-and-debate");
        assertThat(awaitLine(events, "\"type\":\"tool_called\"")).contains("workspace_list");
        assertThat(awaitLine(events, "\"type\":\"tool_returned\"")).contains("CHANGES.md");
        String asked = awaitLine(events, "\"type\":\"checkpoint_requested\"");
        assertThat(asked).contains("Release 1.2");

        JsonNode run = json(get("/api/runs/" + runId));
        assertThat(run.get("summary").get("status").asText()).isEqualTo("WAITING_FOR_HUMAN");
        assertThat(run.get("canAnswer").asBoolean()).isTrue();
        String checkpoint = run.get("pendingCheckpoints").get(0).get("id").asText();

        HttpResponse<String> approved = post("/api/runs/" + runId + "/checkpoints", decide(checkpoint, "\"decision\": \"approve\""));
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        assertThat(awaitLine(events, "\"type\":\"checkpoint_resolved\"")).contains("APPROVE", "console");
        assertThat(awaitLine(events, "debate/round-2/skeptic")).isNotNull();
        assertThat(awaitLine(events, "\"type\":\"run_finished\"")).contains("Green tests");
        awaitLine(events, "event: end");

        JsonNode list = json(get("/api/runs"));
        assertThat(list).hasSize(1);
        JsonNode summary = list.get(0);
        assertThat(summary.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(summary.get("crew").asText()).isEqualTo("review-and-debate");
        assertThat(summary.get("live").asBoolean()).isTrue();
        long input = 320 + 410 + 150 + 190 + 230 + 150 + 195 + 235 + 260;
        long output = 18 + 25 + 20 + 22 + 17 + 21 + 19 + 16 + 24;
        assertThat(summary.get("inputTokens").asLong()).isEqualTo(input);
        assertThat(summary.get("outputTokens").asLong()).isEqualTo(output);
        assertThat(summary.get("cost").decimalValue()).isEqualByComparingTo(
                new java.math.BigDecimal("2.50").multiply(java.math.BigDecimal.valueOf(input))
                        .add(new java.math.BigDecimal("10.00").multiply(java.math.BigDecimal.valueOf(output)))
                        .divide(java.math.BigDecimal.valueOf(1_000_000)));
        assertThat(summary.get("pendingCheckpoints").asInt()).isZero();
    }

    @Test
    void theRunsListIsLiveOverServerSentEvents() throws Exception {
        BlockingQueue<String> updates = lines("/api/updates");
        awaitLine(updates, ": connected");
        String runId = json(post("/api/runs", "{\"crew\": \"review\", \"task\": \"Cadre 1.3\"}")).get("runId").asText();
        assertThat(awaitLine(updates, "\"status\":\"WAITING_FOR_HUMAN\"")).contains(runId, "\"pendingCheckpoints\":1");
        post("/api/runs/" + runId + "/cancel", "{}");
        assertThat(awaitLine(updates, "\"status\":\"CANCELLED\"")).contains(runId);
    }

    @Test
    void decisionsAreChecked() throws Exception {
        Waiting waiting = startAndAwaitCheckpoint("Cadre 1.4");
        String checkpoint = waiting.checkpoint();
        String at = "/api/runs/" + waiting.runId() + "/checkpoints";

        assertThat(post(at, decide(checkpoint, "\"decision\": \"reject\""))).extracting(HttpResponse::statusCode, HttpResponse::body)
                .containsExactly(400, "{\"error\":\"A rejection needs feedback: say what to change.\"}");
        assertThat(post(at, decide(checkpoint, "\"decision\": \"maybe\"")).statusCode()).isEqualTo(400);
        assertThat(post(at, decide(checkpoint, "\"decision\": \"edit\"")).statusCode()).isEqualTo(400);
        assertThat(post(at, decide("nope", "\"decision\": \"approve\"")).statusCode()).isEqualTo(404);
        assertThat(post("/api/runs", "{\"crew\": \"nope\", \"task\": \"x\"}").body()).contains("There is no crew 'nope'; crews: review.");
        assertThat(post("/api/runs", "{\"crew\": \"review\", \"task\": \"  \"}").statusCode()).isEqualTo(400);
        HttpResponse<String> form = http.send(request(at).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("decision=approve")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(form.statusCode()).isEqualTo(415);

        assertThat(post(at, decide(checkpoint, "\"decision\": \"edit\", \"editedOutput\": \"Release 1.4: edited.\"")).statusCode()).isEqualTo(200);
        assertThat(awaitLine(waiting.events(), "checkpoint_resolved")).contains("EDIT", "Release 1.4: edited.");
        awaitLine(waiting.events(), "run_finished");
    }

    @Test
    void theGuardRefusesOtherHostsOriginsAndMissingTokens() throws Exception {
        HttpResponse<String> noToken = http.send(HttpRequest.newBuilder(URI.create(base() + "/api/runs")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(noToken.headers().firstValue("WWW-Authenticate")).contains("Bearer");
        HttpResponse<String> wrongToken = http.send(HttpRequest.newBuilder(URI.create(base() + "/api/runs"))
                .header("Authorization", "Bearer nope").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(wrongToken.statusCode()).isEqualTo(401);
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base() + "/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(401);

        HttpResponse<String> evil = http.send(request("/api/runs").header("Origin", "http://evil.example").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(evil.statusCode()).isEqualTo(403);
        assertThat(evil.body()).contains("Origin 'http://evil.example' is not allowed");

        assertThat(rawGet("/api/runs", "evil.example:" + fixture.console.port())).startsWith("HTTP/1.1 403").contains("DNS rebinding");
        assertThat(rawGet("/api/runs", "127.0.0.1:" + fixture.console.port())).startsWith("HTTP/1.1 200");
    }

    @Test
    void aBrowserBringsTheTokenOnceThenUsesAStrictHttpOnlyCookieAndPostsWithItsOrigin() throws Exception {
        HttpResponse<String> first = http.send(HttpRequest.newBuilder(URI.create(base() + "/?token=" + TOKEN + "&x=1")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(first.statusCode()).isEqualTo(303);
        assertThat(first.headers().firstValue("Location")).contains("/?x=1");
        String setCookie = first.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith("cadre_console_" + fixture.console.port() + "=" + TOKEN).contains("HttpOnly").containsIgnoringCase("SameSite=Strict");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));

        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base() + "/")).header("Cookie", cookie).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<script src=\"console.js\"></script>");
        assertThat(page.headers().firstValue("Content-Security-Policy")).contains("default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");

        HttpRequest.Builder startRun = HttpRequest.newBuilder(URI.create(base() + "/api/runs")).header("Cookie", cookie)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"crew\": \"review\", \"task\": \"x\"}"));
        HttpResponse<String> withoutOrigin = http.send(startRun.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(withoutOrigin.statusCode()).isEqualTo(403);
        assertThat(withoutOrigin.body()).contains("must carry an Origin header");
        HttpResponse<String> crossSite = http.send(startRun.header("Origin", "http://evil.example").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(crossSite.statusCode()).isEqualTo(403);
        HttpResponse<String> sameSite = http.send(HttpRequest.newBuilder(URI.create(base() + "/api/runs")).header("Cookie", cookie)
                .header("Origin", base()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"crew\": \"review\", \"task\": \"x\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(sameSite.statusCode()).as(sameSite.body()).isEqualTo(201);
        HttpResponse<String> tokenOnPost = http.send(HttpRequest.newBuilder(URI.create(base() + "/api/runs?token=" + TOKEN))
                .header("Origin", base()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"crew\": \"review\", \"task\": \"x\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(tokenOnPost.statusCode()).isEqualTo(401);
    }

    @Test
    void eventStreamsEndWhenTheirClientGoesAway() throws Exception {
        String runId = json(post("/api/runs", "{\"crew\": \"review\", \"task\": \"Cadre 1.5\"}")).get("runId").asText();
        InputStream[] streams = new InputStream[3];
        String[] paths = {"/api/updates", "/api/runs/" + runId + "/events", "/api/runs/" + runId + "/events"};
        for (int i = 0; i < streams.length; i++) {
            streams[i] = http.send(request(paths[i]).GET().build(), HttpResponse.BodyHandlers.ofInputStream()).body();
            assertThat(new BufferedReader(new InputStreamReader(streams[i], StandardCharsets.UTF_8)).readLine()).isEqualTo(": connected");
        }
        await("three open streams", () -> fixture.console.openStreams() == 3);
        for (InputStream stream : streams) {
            stream.close();
        }
        await("every stream closed once its client went away", () -> fixture.console.openStreams() == 0);
    }

    @Test
    void journalsOfEarlierRunsAreListedAndReplayedByAConsoleThatOnlyWatches() throws Exception {
        Waiting waiting = startAndAwaitCheckpoint("Cadre 1.6");
        String runId = waiting.runId();
        post("/api/runs/" + runId + "/checkpoints", decide(waiting.checkpoint(), "\"decision\": \"abort\", \"feedback\": \"Name the console.\""));
        awaitLine(waiting.events(), "event: end");
        fixture.console.close();

        try (CadreConsole watcher = CadreConsole.builder().runsDirectory(fixture.runs).build().start("127.0.0.1", 0)) {
            HttpClient client = HttpClient.newHttpClient();
            String at = "http://127.0.0.1:" + watcher.port();
            JsonNode list = CadreJson.mapper().readTree(client.send(HttpRequest.newBuilder(URI.create(at + "/api/runs")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertThat(list).hasSize(1);
            assertThat(list.get(0).get("runId").asText()).isEqualTo(runId);
            assertThat(list.get(0).get("live").asBoolean()).isFalse();
            assertThat(list.get(0).has("journal")).as("an intact journal is not flagged").isFalse();
            String replay = client.send(HttpRequest.newBuilder(URI.create(at + "/api/runs/" + runId + "/events")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(replay).contains("\"type\":\"run_started\"", "Name the console.", "\"type\":\"run_cancelled\"").endsWith("event: end\ndata: {}\n\n");
            String resumed = client.send(HttpRequest.newBuilder(URI.create(at + "/api/runs/" + runId + "/events"))
                    .header("Last-Event-ID", "3").build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(resumed).doesNotContain("\"seq\":3,").contains("\"seq\":4,");
            HttpResponse<String> start = client.send(HttpRequest.newBuilder(URI.create(at + "/api/runs")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"crew\": \"review\", \"task\": \"x\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(start.statusCode()).isEqualTo(409);
            assertThat(client.send(HttpRequest.newBuilder(URI.create(at + "/api/runs/..%2F..%2Fetc")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isIn(400, 404);
        }
    }

    @Test
    void aJournalChangedAfterTheRunIsListedFlaggedWithItsLine() throws Exception {
        Waiting waiting = startAndAwaitCheckpoint("Cadre 1.6");
        String runId = waiting.runId();
        post("/api/runs/" + runId + "/checkpoints", decide(waiting.checkpoint(), "\"decision\": \"abort\", \"feedback\": \"Stop.\""));
        awaitLine(waiting.events(), "event: end");
        fixture.console.close();
        editSecondRecord(fixture.runs);

        try (CadreConsole watcher = CadreConsole.builder().runsDirectory(fixture.runs).build().start("127.0.0.1", 0)) {
            HttpClient client = HttpClient.newHttpClient();
            JsonNode list = CadreJson.mapper().readTree(client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + watcher.port()
                    + "/api/runs")).build(), HttpResponse.BodyHandlers.ofString()).body());
            assertThat(list).hasSize(1);
            assertThat(list.get(0).get("journal").asText()).startsWith("changed at line 2: its authentication code does not match");
        }
    }

    /**
     * Edits the second record of the default store's segment (its event's {@code "seq":2} made {@code "seq":9}) and
     * fixes the record's CRC, as someone who knows the format would: only the line's MAC can tell.
     */
    static void editSecondRecord(java.nio.file.Path runs) throws Exception {
        java.nio.file.Path segment;
        try (var files = java.nio.file.Files.list(runs.resolve("segments"))) {
            segment = files.filter(f -> f.toString().endsWith(".seg")).findFirst().orElseThrow();
        }
        byte[] bytes = java.nio.file.Files.readAllBytes(segment);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
        int second = 16 + 8 + b.getInt(16);
        int length = b.getInt(second);
        String body = new String(bytes, second + 8, length, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = body.indexOf("\"seq\":2");
        assertThat(at).as("the second record holds event 2").isPositive();
        bytes[second + 8 + at + "\"seq\":".length()] = '9';
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes, second + 8, length);
        b.putInt(second + 4, (int) crc.getValue());
        java.nio.file.Files.write(segment, bytes);
    }

    @Test
    void aForkIsListedWithTheRunItWasForkedFromAndWhatChanged() throws Exception {
        fixture.console.close();
        java.time.Instant at = java.time.Instant.parse("2026-01-01T00:00:00Z");
        try (var journal = dev.cadre.orchestrator.journal.JournalWriter.open(fixture.runs, "the-fork", false)) {
            journal.append(new dev.cadre.api.RunEvent.RunStarted("the-fork", "", 1, at, "review", dev.cadre.api.Task.of("t", "x"), null,
                    new dev.cadre.api.ForkedFrom("the-parent", 12, java.util.Map.of("release/draft", "A shorter note."), java.util.Map.of())));
            journal.append(new dev.cadre.api.RunEvent.RunFinished("the-fork", "", 2, at, "done", dev.cadre.api.Usage.ZERO));
        }
        try (CadreConsole watcher = CadreConsole.builder().runsDirectory(fixture.runs).build().start("127.0.0.1", 0)) {
            JsonNode list = CadreJson.mapper().readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + watcher.port() + "/api/runs")).build(), HttpResponse.BodyHandlers.ofString()).body());
            JsonNode fork = list.get(0).get("forkedFrom");
            assertThat(fork.get("parentRunId").asText()).isEqualTo("the-parent");
            assertThat(fork.get("atSeq").asLong()).isEqualTo(12);
            assertThat(fork.get("editedOutputs").get("release/draft").asText()).isEqualTo("A shorter note.");
        }
    }

    /** A GET with a Host header of our choosing (java.net.http will not send a different one). */
    private String rawGet(String path, String host) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", fixture.console.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
