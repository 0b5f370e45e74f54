package dev.cadre.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.CadreJson;
import dev.cadre.api.CrewSource;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RunStatus;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crews as experimental tasks of MCP 2025-11-25, from the SDK's 2025-11-25 client over HTTP and over stdio (the task
 * requests sent in its session through {@link TappedTransport}, the SDK's client having no tasks API): the capability
 * and the crew tools' task support are advertised; a crew call with {@code task} returns a task at once, which is
 * {@code input_required} at the checkpoint, then, the checkpoint answered, polled to {@code completed} and its result
 * fetched with {@code tasks/result}; {@code tasks/cancel} cancels the run; {@code tasks/list} lists them.
 */
class ExperimentalTasksTest {

    @TempDir
    Path root;

    @TempDir
    Path runs;

    final McpJsonMapper json = new JacksonMcpJsonMapper(CadreJson.newMapper());
    CadreMcpServer server;
    McpSyncClient client;
    TappedTransport tap;

    void connect(String transport, ScriptedModel model) throws Exception {
        McpServerConfig config = McpServerConfig.builder().root(root).crew(CrewSource.of("writer.yaml", McpServerFeaturesTest.CREW))
                .models(ModelRegistry.of("scripted:m", model)).runsDirectory(runs).build();
        if (transport.equals("http")) {
            server = CadreMcpServer.http(config, "127.0.0.1", 0, null, List.of());
            tap = new TappedTransport(HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + server.port()).endpoint("/mcp")
                    .jsonMapper(json).build());
        } else {
            PipedOutputStream clientOut = new PipedOutputStream();
            PipedInputStream serverIn = new PipedInputStream(clientOut, 1 << 20);
            PipedOutputStream serverOut = new PipedOutputStream();
            PipedInputStream clientIn = new PipedInputStream(serverOut, 1 << 20);
            server = CadreMcpServer.stdio(config, serverIn, serverOut);
            tap = new TappedTransport(new PipedClientTransport(clientIn, clientOut, json));
        }
        client = McpClient.sync(tap).requestTimeout(Duration.ofSeconds(30)).build();
        client.initialize();
    }

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.closeGracefully();
        }
        if (server != null) {
            server.close();
        }
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> ok(String method, Map<String, Object> params) {
        McpSchema.JSONRPCResponse response = tap.request(method, params);
        assertThat(response.error()).as(method + " answered without an error").isNull();
        return json.convertValue(response.result(), Map.class);
    }

    McpSchema.JSONRPCResponse.JSONRPCError refused(String method, Map<String, Object> params) {
        McpSchema.JSONRPCResponse response = tap.request(method, params);
        assertThat(response.error()).as(method + " refused").isNotNull();
        return response.error();
    }

    @SuppressWarnings("unchecked")
    String startTask() {
        Map<String, Object> created = ok("tools/call", Map.of("name", "crew_writer", "arguments", Map.of("task", "keep it short"),
                "task", Map.of("ttl", 60_000)));
        Map<String, Object> task = (Map<String, Object>) created.get("task");
        assertThat(task).containsEntry("status", "working").containsKeys("taskId", "createdAt", "lastUpdatedAt", "ttl", "pollInterval");
        return (String) task.get("taskId");
    }

    Map<String, Object> pollUntil(String taskId, String status) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Map<String, Object> task;
        do {
            task = ok("tasks/get", Map.of("taskId", taskId));
            if (status.equals(task.get("status"))) {
                return task;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("task " + taskId + " did not reach " + status + "; last: " + task);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "stdio"})
    @SuppressWarnings("unchecked")
    void aCrewTaskAdvertisedPausedAnsweredAndPolledToCompletion(String transport) throws Exception {
        ScriptedModel model = ScriptedModel.builder().agent("writer", Reply.text("Reactor is a reactive library.")).build();
        connect(transport, model);
        Map<String, Object> initialized = tap.received.stream().filter(m -> m instanceof McpSchema.JSONRPCResponse)
                .map(m -> (Map<String, Object>) json.convertValue(((McpSchema.JSONRPCResponse) m).result(), Map.class))
                .filter(r -> r.containsKey("capabilities")).findFirst().orElseThrow();
        assertThat(CadreJson.mapper().valueToTree(initialized).at("/capabilities/tasks/requests/tools/call").isObject()).isTrue();
        List<Map<String, Object>> tools = (List<Map<String, Object>>) ok("tools/list", Map.of()).get("tools");
        assertThat(tools).filteredOn(t -> "crew_writer".equals(t.get("name"))).singleElement()
                .satisfies(t -> assertThat(t.get("execution")).isEqualTo(Map.of("taskSupport", "optional")));
        assertThat(tools).filteredOn(t -> "workspace_read".equals(t.get("name"))).singleElement()
                .satisfies(t -> assertThat(t).doesNotContainKey("execution"));

        String taskId = startTask();
        Map<String, Object> paused = pollUntil(taskId, "input_required");
        assertThat((String) paused.get("statusMessage")).contains("Review the output of agent 'writer'", "cadre_checkpoint_resolve");
        assertThat(refused("tasks/result", Map.of("taskId", taskId)).message()).contains("still input_required", "poll tasks/get");

        String runId = server.runs().keySet().iterator().next();
        String checkpointId = server.runs().get(runId).pendingCheckpoints().get(0).id();
        McpSchema.CallToolResult resolved = client.callTool(new McpSchema.CallToolRequest("cadre_checkpoint_resolve",
                Map.of("run_id", runId, "checkpoint_id", checkpointId, "decision", "approve")));
        assertThat(resolved.isError()).isFalse();

        pollUntil(taskId, "completed");
        Map<String, Object> result = ok("tasks/result", Map.of("taskId", taskId));
        assertThat(String.valueOf(result.get("content"))).contains("Reactor is a reactive library.");
        assertThat(result.get("isError")).isEqualTo(false);
        assertThat(result.get("_meta")).isEqualTo(Map.of("io.modelcontextprotocol/related-task", Map.of("taskId", taskId)));
        assertThat((List<Map<String, Object>>) ok("tasks/list", Map.of()).get("tasks")).extracting(t -> t.get("taskId"))
                .containsExactly(taskId);
        assertThat(model.requestsFor("writer")).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "stdio"})
    void tasksCancelCancelsTheRunAndUnknownTasksAreInvalidParams(String transport) throws Exception {
        connect(transport, ScriptedModel.builder().agent("writer", Reply.text("Draft."), Reply.text("Second draft.")).build());
        String taskId = startTask();
        pollUntil(taskId, "input_required");
        assertThat(ok("tasks/cancel", Map.of("taskId", taskId))).containsEntry("status", "cancelled");
        String runId = server.runs().keySet().iterator().next();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (server.runs().get(runId).status() != RunStatus.CANCELLED && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(server.runs().get(runId).status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(refused("tasks/cancel", Map.of("taskId", taskId)).message()).contains("already cancelled");
        assertThat(refused("tasks/get", Map.of("taskId", "nope")).code()).isEqualTo(-32602);
        assertThat(refused("tools/call", Map.of("name", "workspace_read", "arguments", Map.of("path", "x"), "task", Map.of())).code())
                .as("only crew tools run as tasks").isEqualTo(-32601);
        McpSchema.CallToolResult plain = client.callTool(new McpSchema.CallToolRequest("crew_writer", Map.of("task", "again")));
        assertThat(((Map<?, ?>) plain.structuredContent()).get("status")).as("without task, a crew call is as before")
                .isEqualTo("WAITING_FOR_HUMAN");
    }
}
