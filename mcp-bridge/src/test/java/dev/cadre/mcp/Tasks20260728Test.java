package dev.cadre.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.CadreJson;
import dev.cadre.api.CrewSource;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RunStatus;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.modern.JsonRpc;
import io.modelcontextprotocol.modern.client.transport.HttpClientMcpTransport;
import io.modelcontextprotocol.modern.client.transport.McpClientTransport;
import io.modelcontextprotocol.modern.client.transport.McpTransportRequest;
import io.modelcontextprotocol.modern.client.transport.StdioMcpClientTransport;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crews as tasks on MCP 2026-07-28 (the {@code io.modelcontextprotocol/tasks} extension), over the SDK's own client
 * transports (stdio and HTTP; the SDK's client has no tasks API, so the requests are sent as JSON-RPC through them): a
 * crew call returns a task at once, the task is {@code input_required} at the checkpoint with the checkpoint as an input
 * request, {@code tasks/update} answers it and the task is polled to {@code completed}; {@code tasks/cancel} cancels
 * the run; without the extension the task methods are refused with -32021 and a crew call stays synchronous.
 */
class Tasks20260728Test {

    static final Map<String, Object> TASKS = Map.of("extensions", Map.of("io.modelcontextprotocol/tasks", Map.of()));

    @TempDir
    Path root;

    @TempDir
    Path runs;

    final McpJsonMapper json = new JacksonMcpJsonMapper(CadreJson.newMapper());
    final List<AutoCloseable> closing = new CopyOnWriteArrayList<>();
    final AtomicInteger ids = new AtomicInteger();
    CadreMcpServer server;

    McpServerConfig config(ScriptedModel model) {
        return McpServerConfig.builder().root(root).crew(CrewSource.of("writer.yaml", McpServerFeaturesTest.CREW))
                .models(ModelRegistry.of("scripted:m", model)).runsDirectory(runs).build();
    }

    McpClientTransport http(ScriptedModel model) {
        server = CadreMcpServer.http(config(model), "127.0.0.1", 0, null, List.of());
        return HttpClientMcpTransport.builder(server.endpoint()).jsonMapper(json).build();
    }

    McpClientTransport stdio(ScriptedModel model) throws Exception {
        PipedOutputStream clientOut = new PipedOutputStream();
        PipedInputStream serverIn = new PipedInputStream(clientOut, 1 << 20);
        PipedOutputStream serverOut = new PipedOutputStream();
        PipedInputStream clientIn = new PipedInputStream(serverOut, 1 << 20);
        server = CadreMcpServer.stdio(config(model), serverIn, serverOut);
        StdioMcpClientTransport transport = StdioMcpClientTransport.builder(clientIn, clientOut).jsonMapper(json).start();
        closing.add(transport);
        return transport;
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** One 2026-07-28 request through the SDK's transport: its result, or its error as {@link Refused}. */
    Map<String, Object> request(McpClientTransport transport, String method, Map<String, Object> params, Map<String, Object> capabilities) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("io.modelcontextprotocol/protocolVersion", "2026-07-28");
        meta.put("io.modelcontextprotocol/clientCapabilities", capabilities);
        meta.put("io.modelcontextprotocol/clientInfo", Map.of("name", "ide", "version", "1"));
        Map<String, Object> all = new LinkedHashMap<>(params);
        all.put("_meta", meta);
        JsonRpc.JSONRPCRequest message = new JsonRpc.JSONRPCRequest(method, ids.incrementAndGet(), all);
        String name = params.get("taskId") instanceof String id ? id : (String) params.get("name");
        McpTransportRequest.Builder request = McpTransportRequest.builder(message, "2026-07-28").roundTimeout(Duration.ofSeconds(30));
        if (name != null) {
            request.name(name);
        }
        JsonRpc.JSONRPCMessage answer = transport.exchange(request.build())
                .filter(m -> m instanceof JsonRpc.JSONRPCResponse).blockLast(Duration.ofSeconds(30));
        JsonRpc.JSONRPCResponse response = (JsonRpc.JSONRPCResponse) answer;
        if (response.error() != null) {
            throw new Refused(response.error().code(), response.error().message());
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> result = json.convertValue(response.result(), Map.class);
        result.remove("_meta"); // the SDK's serverInfo
        return result;
    }

    static final class Refused extends RuntimeException {
        final int code;

        Refused(int code, String message) {
            super(message);
            this.code = code;
        }
    }

    Map<String, Object> crewCall(McpClientTransport transport, Map<String, Object> capabilities) {
        return request(transport, "tools/call", Map.of("name", "crew_writer", "arguments", Map.of("task", "keep it short")), capabilities);
    }

    Map<String, Object> pollUntil(McpClientTransport transport, String taskId, String status) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Map<String, Object> task;
        do {
            task = request(transport, "tasks/get", Map.of("taskId", taskId), TASKS);
            if (status.equals(task.get("status"))) {
                return task;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("task " + taskId + " did not reach " + status + "; last: " + task);
    }

    void pausedAnsweredAndPolledToCompletion(McpClientTransport transport, ScriptedModel model) throws Exception {
        Map<String, Object> created = crewCall(transport, TASKS);
        assertThat(created).containsEntry("resultType", "task").containsKeys("taskId", "status", "createdAt", "lastUpdatedAt", "ttlMs",
                "pollIntervalMs").doesNotContainKeys("task", "result", "requestState", "ttl", "pollInterval");
        String taskId = (String) created.get("taskId");

        Map<String, Object> paused = pollUntil(transport, taskId, "input_required");
        assertThat(paused).containsEntry("resultType", "complete").doesNotContainKeys("result", "requestState");
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> requests = (Map<String, Map<String, Object>>) paused.get("inputRequests");
        assertThat(requests).hasSize(1);
        String key = requests.keySet().iterator().next();
        assertThat(requests.get(key)).containsEntry("method", "elicitation/create");
        assertThat(String.valueOf(requests.get(key).get("params"))).contains("Review the output of agent 'writer'", "decision");

        assertThat(request(transport, "tasks/update", Map.of("taskId", taskId, "inputResponses", Map.of("not-asked", 42)), TASKS))
                .as("an answer to a key not asked is ignored, whatever its shape").isEqualTo(Map.of("resultType", "complete"));
        assertThat(pollUntil(transport, taskId, "input_required")).containsKey("inputRequests");
        Map<String, Object> ack = request(transport, "tasks/update",
                Map.of("taskId", taskId, "inputResponses", Map.of(key, Map.of("action", "accept", "content", Map.of("decision", "approve")))),
                TASKS);
        assertThat(ack).isEqualTo(Map.of("resultType", "complete"));

        Map<String, Object> done = pollUntil(transport, taskId, "completed");
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) done.get("result");
        assertThat(result.get("isError")).isEqualTo(false);
        assertThat(String.valueOf(result.get("content"))).contains("Reactor is a reactive library.");
        assertThat(((Map<?, ?>) result.get("structuredContent")).get("status")).isEqualTo("SUCCEEDED");
        assertThat(model.requestsFor("writer")).hasSize(1);
    }

    void cancelled(McpClientTransport transport) throws Exception {
        String taskId = (String) crewCall(transport, TASKS).get("taskId");
        pollUntil(transport, taskId, "input_required");
        assertThat(request(transport, "tasks/cancel", Map.of("taskId", taskId), TASKS)).isEqualTo(Map.of("resultType", "complete"));
        Map<String, Object> task = pollUntil(transport, taskId, "cancelled");
        assertThat(task).doesNotContainKeys("result", "error", "inputRequests");
        String runId = server.runs().keySet().iterator().next();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (server.runs().get(runId).status() != RunStatus.CANCELLED && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(server.runs().get(runId).status()).as("tasks/cancel cancels the run").isEqualTo(RunStatus.CANCELLED);
        assertThat(request(transport, "tasks/cancel", Map.of("taskId", taskId), TASKS)).as("idempotent on a finished task")
                .isEqualTo(Map.of("resultType", "complete"));
    }

    @Test
    void overHttpACrewTaskPausesIsAnsweredAndCompletes() throws Exception {
        ScriptedModel model = ScriptedModel.builder().agent("writer", Reply.text("Reactor is a reactive library.")).build();
        pausedAnsweredAndPolledToCompletion(http(model), model);
    }

    @Test
    void overStdioACrewTaskPausesIsAnsweredAndCompletes() throws Exception {
        ScriptedModel model = ScriptedModel.builder().agent("writer", Reply.text("Reactor is a reactive library.")).build();
        pausedAnsweredAndPolledToCompletion(stdio(model), model);
    }

    @Test
    void overHttpTasksCancelCancelsTheRun() throws Exception {
        cancelled(http(ScriptedModel.builder().agent("writer", Reply.text("Draft.")).build()));
    }

    @Test
    void overStdioTasksCancelCancelsTheRun() throws Exception {
        cancelled(stdio(ScriptedModel.builder().agent("writer", Reply.text("Draft.")).build()));
    }

    @Test
    void overHttpTheMcpNameHeaderMustNameTheTask() throws Exception {
        McpClientTransport transport = http(ScriptedModel.builder().agent("writer", Reply.text("Draft.")).build());
        String taskId = (String) crewCall(transport, TASKS).get("taskId");
        String body = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tasks/get\",\"params\":{\"taskId\":\"" + taskId + "\",\"_meta\":{"
                + "\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":"
                + CadreJson.mapper().writeValueAsString(TASKS) + "}}}";
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                .newBuilder(server.endpoint()).POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("MCP-Protocol-Version", "2026-07-28").header("Mcp-Method", "tasks/get").header("Mcp-Name", "another-task")
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.body()).contains("-32020", "does not match params.taskId");
    }

    @Test
    void withoutTheExtensionTheTaskMethodsAreRefusedAndACrewCallStaysSynchronous() throws Exception {
        ScriptedModel model = ScriptedModel.builder().agent("writer", Reply.text("Draft.")).build();
        McpClientTransport transport = http(model);
        Map<String, Object> forms = Map.of("elicitation", Map.of("form", Map.of()));
        for (String method : List.of("tasks/get", "tasks/update", "tasks/cancel")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> request(transport, method,
                            Map.of("taskId", "x", "inputResponses", Map.of()), forms))
                    .isInstanceOfSatisfying(Refused.class, e -> assertThat(e.code).isEqualTo(-32021));
        }
        Map<String, Object> answer = crewCall(transport, forms);
        assertThat(answer).containsEntry("resultType", "input_required").doesNotContainKey("taskId");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> request(transport, "tasks/get", Map.of("taskId", "nope"), TASKS))
                .isInstanceOfSatisfying(Refused.class, e -> assertThat(e.code).isEqualTo(-32602))
                .hasMessageContaining("no task 'nope'");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> request(transport, "tasks/result", Map.of("taskId", "nope"), TASKS))
                .as("tasks/result is not in the 2026-07-28 extension")
                .isInstanceOfSatisfying(Refused.class, e -> assertThat(e.code).isEqualTo(-32601));
    }
}
