package dev.cadre.mcp;

import static org.assertj.core.api.Assertions.assertThat;

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
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.orchestrator.RunOptions;
import dev.cadre.orchestrator.journal.MemoryJournalStore;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Path;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * A run open elsewhere (an orchestrator the server does not know, standing for a Temporal cluster) answered through the
 * {@code cadre_*} tools over stdio by its id, through {@link McpServerConfig#remoteRuns()}: never resumed here, never
 * cancelled when the server closes.
 */
@Timeout(60)
class RemoteRunsToolsTest {

    @TempDir
    Path runs;

    private final MemoryJournalStore store = new MemoryJournalStore();
    private final Map<String, RunHandle> elsewhere = new ConcurrentHashMap<>();
    private final AtomicReference<RuntimeException> unreachable = new AtomicReference<>();
    private CadreMcpServer server;
    private McpSyncClient client;
    private RunHandle run;

    @BeforeEach
    void start() throws Exception {
        ScriptedModel model = ScriptedModel.builder().agent("drafter", Reply.text("a draft"), Reply.text("a better draft")).build();
        Agent drafter = Agent.resolve(Persona.builder("drafter").role("the drafter").build(), List.of());
        Crew crew = Crew.of("reviewed", Step.sequential("doc", Step.work(drafter, Task.builder("draft").description("Draft: {task}").build())
                .reviewed(Review.afterWork())));
        run = Orchestrator.builder().models(ModelRegistry.of("scripted:m", model)).journalStore(store).build()
                .run(crew, Task.of("t", "notes"), RunOptions.DEFAULTS.withRunId("far-1"));
        elsewhere.put("far-1", run);
        run.nextCheckpoint(Duration.ofSeconds(20)).orElseThrow();

        PipedOutputStream clientOut = new PipedOutputStream();
        PipedInputStream serverIn = new PipedInputStream(clientOut, 1 << 20);
        PipedOutputStream serverOut = new PipedOutputStream();
        PipedInputStream clientIn = new PipedInputStream(serverOut, 1 << 20);
        server = CadreMcpServer.stdio(McpServerConfig.builder().runsDirectory(runs).journalStore(store).builtInCrews(false)
                .remoteRuns(id -> {
                    if (unreachable.get() != null) {
                        throw unreachable.get();
                    }
                    return Optional.ofNullable(elsewhere.get(id));
                }).build(), serverIn, serverOut);
        client = McpClient.sync(new PipedClientTransport(clientIn, clientOut, new JacksonMcpJsonMapper(CadreJson.newMapper())))
                .requestTimeout(Duration.ofSeconds(30)).build();
        client.initialize();
    }

    @AfterEach
    void stop() {
        client.closeGracefully();
        server.close();
        run.cancel();
    }

    private McpSchema.CallToolResult call(String tool, Map<String, Object> args) {
        return client.callTool(new McpSchema.CallToolRequest(tool, args));
    }

    private static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }

    @Test
    void theCheckpointToolsAnswerARunOpenElsewhereByItsId() {
        String first = run.pendingCheckpoints().get(0).id();
        Map<?, ?> status = (Map<?, ?>) call("cadre_run_status", Map.of("run_id", "far-1")).structuredContent();
        assertThat(status.get("status")).isEqualTo("WAITING_FOR_HUMAN");
        assertThat(((Map<?, ?>) ((List<?>) status.get("pendingCheckpoints")).get(0)).get("id")).isEqualTo(first);

        McpSchema.CallToolResult unknown = call("cadre_checkpoint_resolve",
                Map.of("run_id", "far-1", "checkpoint_id", "doc/nowhere#review", "decision", "approve"));
        assertThat(unknown.isError()).isTrue();
        assertThat(text(unknown)).contains("doc/nowhere#review");

        Map<?, ?> next = (Map<?, ?>) call("cadre_checkpoint_resolve",
                Map.of("run_id", "far-1", "checkpoint_id", first, "decision", "reject", "feedback", "longer")).structuredContent();
        assertThat(next.get("status")).isEqualTo("WAITING_FOR_HUMAN");
        String second = (String) ((Map<?, ?>) next.get("checkpoint")).get("id");
        assertThat(second).isNotEqualTo(first);

        McpSchema.CallToolResult stale = call("cadre_checkpoint_resolve", Map.of("run_id", "far-1", "checkpoint_id", first, "decision", "approve"));
        assertThat(stale.isError()).as("a checkpoint already decided is refused").isTrue();
        assertThat(text(stale)).contains(first);

        McpSchema.CallToolResult done = call("cadre_checkpoint_resolve", Map.of("run_id", "far-1", "checkpoint_id", second, "decision", "approve"));
        assertThat(((Map<?, ?>) done.structuredContent()).get("status")).isEqualTo("SUCCEEDED");
        assertThat(text(done)).isEqualTo("a better draft");
        assertThat(run.result().block(Duration.ofSeconds(5)).status()).isEqualTo(RunStatus.SUCCEEDED);
    }

    @Test
    void theListShowsTheCheckpointsOfARunOpenElsewhereThatItsJournalShowsWaitingUntilTheRunEnds() {
        String first = run.pendingCheckpoints().get(0).id();
        Map<?, ?> listed = (Map<?, ?>) call("cadre_checkpoints_list", Map.of()).structuredContent();
        assertThat((List<?>) listed.get("checkpoints")).singleElement()
                .satisfies(c -> assertThat(((Map<?, ?>) c).get("runId")).isEqualTo("far-1"))
                .satisfies(c -> assertThat(((Map<?, ?>) c).get("id")).isEqualTo(first));
        assertThat(listed.containsKey("unlisted")).isFalse();

        // a journal that waits but whose run the remote does not have open (it ended elsewhere, or is another's) is not listed
        elsewhere.remove("far-1");
        assertThat(text(call("cadre_checkpoints_list", Map.of()))).isEqualTo("No checkpoint is waiting.");
        elsewhere.put("far-1", run);

        run.resolve(first, dev.cadre.api.Decision.approve("test"));
        run.result().block(Duration.ofSeconds(10));
        assertThat(text(call("cadre_checkpoints_list", Map.of()))).as("an ended run's journal no longer waits").isEqualTo("No checkpoint is waiting.");
    }

    @Test
    void anUnreachableRemoteLeavesTheListWithASentenceSayingWhatIsNotListed() {
        unreachable.set(new IllegalStateException("The Temporal cluster at localhost:1 did not answer within 10 s."));
        McpSchema.CallToolResult result = call("cadre_checkpoints_list", Map.of());
        assertThat(result.isError()).isFalse();
        assertThat((Object) ((Map<?, ?>) result.structuredContent()).get("unlisted"))
                .isEqualTo("Runs open elsewhere are not all listed: The Temporal cluster at localhost:1 did not answer within 10 s.");
        assertThat(text(result)).startsWith("No checkpoint is waiting. Runs open elsewhere are not all listed");
    }

    @Test
    void anUnreachableRemoteIsTheToolsOneSentenceAndTheRunWaitsOn() {
        unreachable.set(new IllegalStateException("The Temporal cluster at localhost:1 did not answer within 10 s."));
        McpSchema.CallToolResult result = call("cadre_checkpoint_resolve",
                Map.of("run_id", "far-1", "checkpoint_id", run.pendingCheckpoints().get(0).id(), "decision", "approve"));
        assertThat(result.isError()).isTrue();
        assertThat(text(result)).isEqualTo("The Temporal cluster at localhost:1 did not answer within 10 s.");
        assertThat(run.status()).isEqualTo(RunStatus.WAITING_FOR_HUMAN);
    }

    @Test
    void closingTheServerLeavesARunOpenElsewhereAlone() {
        assertThat(call("cadre_run_status", Map.of("run_id", "far-1")).isError()).isFalse();
        client.closeGracefully();
        server.close();
        assertThat(run.status()).isEqualTo(RunStatus.WAITING_FOR_HUMAN);
    }
}
