package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.CadreJson;
import dev.cadre.api.RunEvent;
import dev.cadre.orchestrator.journal.Durability;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.orchestrator.journal.LocalJournalStore;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run on Temporal (its test server in its own JVM, one {@code cadre worker}) left waiting at its checkpoint by
 * {@code cadre run --temporal} (off a terminal: exit 3), answered by a human through a real {@code cadre console
 * --temporal} over loopback HTTP (its REST API, with its token), and through {@code cadre mcp --temporal} over stdio
 * (the SDK's client calling {@code cadre_checkpoint_resolve}): the decision goes through the workflow's {@code decide}
 * update, whose refusal of an unknown checkpoint is the one-sentence error, and the run ends with the approved result.
 */
class TemporalAnswerProcessTest {

    static final long WAIT_SECONDS = 180;
    static final String TOKEN = "console-t0ken";
    static final String RESULT = "Calculator.average now keeps fractions";

    @TempDir
    static Path dir;
    static ModelStubServer stub;
    static TemporalCluster cluster;
    static final CrashResumeProcessTest.Sample SAMPLE = CrashResumeProcessTest.sample("coder-reviewer");
    static final String QUEUE = "answer";
    static Path workspace;
    static Path runs;

    @BeforeAll
    static void start() throws Exception {
        stub = new ModelStubServer(SAMPLE::answer);
        cluster = new TemporalCluster(dir, stub.openAiUrl());
        workspace = dir.resolve("calculator");
        runs = dir.resolve("runs");
        TemporalWorkersProcessTest.reset(workspace);
        TemporalCluster.ready(cluster.worker(QUEUE, workspace, runs));
    }

    @AfterAll
    static void stop() throws Exception {
        try (ModelStubServer model = stub; TemporalCluster server = cluster) {
            // the cluster closes first, then the model stub (either may be null when starting failed)
        }
    }

    private static LocalJournalStore store() {
        return LocalJournalStore.open(runs, JournalKey.in(cluster.state), Durability.PROCESS);
    }

    /** The run ids the runs directory holds. */
    private static Set<String> journals() {
        if (!Files.isDirectory(runs)) {
            return Set.of();
        }
        try (LocalJournalStore store = store()) {
            return Set.copyOf(store.runIds());
        }
    }

    /** Starts a run with {@code cadre run --temporal} off a terminal: it exits 3, the run waiting on the cluster. */
    private static String aRunWaitingAtItsCheckpoint() throws Exception {
        Set<String> before = journals();
        TemporalWorkersProcessTest.reset(workspace);
        TemporalCluster.Started run = cluster.cadre("run", "run", SAMPLE.crew(), "--task", SAMPLE.task(), "--workspace",
                workspace.toString(), "--runs", runs.toString(), "--temporal", cluster.target(), "--task-queue", QUEUE);
        assertThat(TemporalCluster.exit(run, WAIT_SECONDS)).as(run.err()).isEqualTo(ExitCodes.WAITING);
        Set<String> now = new java.util.HashSet<>(journals());
        now.removeAll(before);
        assertThat(now).hasSize(1);
        return now.iterator().next();
    }

    private static RunEvent lastEvent(String runId) {
        try (LocalJournalStore store = store()) {
            List<RunEvent> events = store.read(runId).events();
            return events.get(events.size() - 1);
        }
    }

    /** The run's journal once it ended (waiting at most {@link #WAIT_SECONDS}). */
    private static List<RunEvent> ended(String runId) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (true) {
            try (LocalJournalStore store = store()) {
                List<RunEvent> events = store.read(runId).events();
                if (events.get(events.size() - 1).isTerminal()) {
                    return events;
                }
                assertThat(System.nanoTime()).as("run " + runId + " did not end; last event " + events.get(events.size() - 1))
                        .isLessThan(deadline);
            }
            Thread.sleep(200);
        }
    }

    private static void assertApprovedBy(List<RunEvent> events, String decidedBy) {
        RunEvent last = events.get(events.size() - 1);
        assertThat(last).isInstanceOf(RunEvent.RunFinished.class);
        assertThat(((RunEvent.RunFinished) last).output()).contains(RESULT);
        assertThat(events).filteredOn(RunEvent.CheckpointResolved.class::isInstance)
                .extracting(e -> ((RunEvent.CheckpointResolved) e).decision().decidedBy()).isNotEmpty().allMatch(by -> by.startsWith(decidedBy));
    }

    @Test
    void aCheckpointOfARunOnTemporalIsApprovedFromCadreConsole() throws Exception {
        String runId = aRunWaitingAtItsCheckpoint();
        TemporalCluster.Started console = cluster.cadre("console", "console", "--port", "0", "--token", TOKEN, "--runs", runs.toString(),
                "--workspace", workspace.toString(), "--temporal", cluster.target(), "--task-queue", QUEUE);
        String base = consoleUrl(console);
        HttpClient http = HttpClient.newHttpClient();

        JsonNode shown = json(http.send(request(base, "/api/runs/" + runId).GET().build(), HttpResponse.BodyHandlers.ofString()));
        assertThat(shown.get("canAnswer").asBoolean()).as(shown.toString()).isTrue();
        String checkpoint = shown.get("pendingCheckpoints").get(0).get("id").asText();

        HttpResponse<String> unknown = post(http, base, runId, "{\"checkpointId\": \"no/such#review\", \"decision\": \"approve\"}");
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
        assertThat(json(unknown).get("error").asText()).as("the decide update's validator, in one sentence").contains("no/such#review");

        // the run asks again (tool approvals, its review): every checkpoint is approved on the page until the run ends
        int approvals = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!lastEvent(runId).isTerminal()) {
            assertThat(System.nanoTime()).as("the run did not end: " + lastEvent(runId)).isLessThan(deadline);
            JsonNode now = json(http.send(request(base, "/api/runs/" + runId).GET().build(), HttpResponse.BodyHandlers.ofString()));
            if (now.get("canAnswer").asBoolean() && !now.get("pendingCheckpoints").isEmpty()) {
                String id = now.get("pendingCheckpoints").get(0).get("id").asText();
                HttpResponse<String> approved = post(http, base, runId, "{\"checkpointId\": \"" + id + "\", \"decision\": \"approve\"}");
                assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
                approvals++;
            } else {
                Thread.sleep(200);
            }
        }
        assertThat(approvals).isPositive();
        assertApprovedBy(ended(runId), "console");
        console.process().destroy();
        assertThat(console.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aCheckpointOfARunOnTemporalIsApprovedThroughCadreMcpOverStdio() throws Exception {
        String runId = aRunWaitingAtItsCheckpoint();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ServerParameters params = ServerParameters.builder(java).args("-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                        "dev.cadre.cli.Main", "mcp", "--stdio", "--runs", runs.toString(), "--temporal", cluster.target(), "--task-queue", QUEUE)
                .env(Map.of("CADRE_STATE_DIR", cluster.state.toString(), "CADRE_OTEL", "off")).build();
        StdioClientTransport transport = new StdioClientTransport(params, new JacksonMcpJsonMapper(CadreJson.newMapper()));
        List<String> stderr = new CopyOnWriteArrayList<>();
        transport.setStdErrorHandler(stderr::add);
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(60)).initializationTimeout(Duration.ofSeconds(60)).build();
        try {
            client.initialize();
            McpSchema.CallToolResult status = client.callTool(new McpSchema.CallToolRequest("cadre_run_status", Map.of("run_id", runId)));
            Map<?, ?> s = (Map<?, ?>) status.structuredContent();
            assertThat(s).as(String.valueOf(status) + stderr).isNotNull();
            assertThat(s.get("status")).isEqualTo("WAITING_FOR_HUMAN");
            String checkpoint = (String) ((Map<?, ?>) ((List<?>) s.get("pendingCheckpoints")).get(0)).get("id");

            // the list finds the run from its journal in the shared runs directory, and asks the cluster for its checkpoints
            Map<?, ?> listed = (Map<?, ?>) client.callTool(new McpSchema.CallToolRequest("cadre_checkpoints_list", Map.of())).structuredContent();
            assertThat((List<?>) listed.get("checkpoints")).as(String.valueOf(listed)).singleElement()
                    .satisfies(c -> assertThat(((Map<?, ?>) c).get("runId")).isEqualTo(runId))
                    .satisfies(c -> assertThat(((Map<?, ?>) c).get("id")).isEqualTo(checkpoint));

            McpSchema.CallToolResult unknown = client.callTool(new McpSchema.CallToolRequest("cadre_checkpoint_resolve",
                    Map.of("run_id", runId, "checkpoint_id", "no/such#review", "decision", "approve")));
            assertThat(unknown.isError()).isTrue();
            assertThat(((McpSchema.TextContent) unknown.content().get(0)).text()).contains("no/such#review");

            // the answer is the run's end or its next checkpoint (tool approvals, its review): each is approved in turn
            McpSchema.CallToolResult done = client.callTool(new McpSchema.CallToolRequest("cadre_checkpoint_resolve",
                    Map.of("run_id", runId, "checkpoint_id", checkpoint, "decision", "approve")));
            for (int i = 0; i < 20 && "WAITING_FOR_HUMAN".equals(((Map<?, ?>) done.structuredContent()).get("status")); i++) {
                String next = (String) ((Map<?, ?>) ((Map<?, ?>) done.structuredContent()).get("checkpoint")).get("id");
                done = client.callTool(new McpSchema.CallToolRequest("cadre_checkpoint_resolve",
                        Map.of("run_id", runId, "checkpoint_id", next, "decision", "approve")));
            }
            assertThat(((Map<?, ?>) done.structuredContent()).get("status")).as(String.valueOf(done)).isEqualTo("SUCCEEDED");
            assertThat(((McpSchema.TextContent) done.content().get(0)).text()).contains(RESULT);
        } finally {
            client.closeGracefully();
        }
        assertApprovedBy(ended(runId), "mcp");
    }

    private static HttpRequest.Builder request(String base, String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(60));
    }

    private static HttpResponse<String> post(HttpClient http, String base, String runId, String body) throws Exception {
        return http.send(request(base, "/api/runs/" + runId + "/checkpoints").header("Content-Type", "application/json")
                .header("Origin", base).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return CadreJson.mapper().readTree(response.body());
    }

    /** The address {@code cadre console} printed ("cadre console: open http://127.0.0.1:PORT/?token=..."). */
    private static String consoleUrl(TemporalCluster.Started console) throws Exception {
        Pattern open = Pattern.compile("cadre console: open (http://[^/\\s]+)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Matcher m = open.matcher(console.err());
            if (m.find()) {
                return m.group(1);
            }
            assertThat(console.process().isAlive()).as("cadre console ended: " + console.err()).isTrue();
            Thread.sleep(50);
        }
        throw new AssertionError("cadre console printed no address: " + console.err());
    }
}
