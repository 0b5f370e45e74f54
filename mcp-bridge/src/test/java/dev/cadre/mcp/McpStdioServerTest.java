package dev.cadre.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.CadreJson;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RunStatus;
import dev.cadre.personas.CrewLoader;
import dev.cadre.personas.PersonaLibrary;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stdio transport in the JVM, spoken to line by line as an IDE would: progress, elicitation and cancellation. */
class McpStdioServerTest {

    @TempDir
    Path dir;

    CadreMcpServer server;
    PrintStream toServer;
    final BlockingQueue<JsonNode> fromServer = new LinkedBlockingQueue<>();

    void start(ScriptedModel model) throws Exception {
        PipedOutputStream clientOut = new PipedOutputStream();
        PipedInputStream serverIn = new PipedInputStream(clientOut, 1 << 16);
        PipedOutputStream serverOut = new PipedOutputStream();
        PipedInputStream clientIn = new PipedInputStream(serverOut, 1 << 16);
        var crew = CrewLoader.of(PersonaLibrary.builtIn(), List.of()).load("writer.yaml", """
                name: writer
                agents: {writer: {role: Writer}}
                tasks:
                  - {id: draft, description: "Write: {task}", agent: writer, human_review: after}
                """);
        server = CadreMcpServer.stdio(McpServerConfig.builder().crew(crew).models(ModelRegistry.of("scripted:m", model))
                .runsDirectory(dir.resolve("runs")).build(), serverIn, serverOut);
        toServer = new PrintStream(clientOut, true, StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(clientIn, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    fromServer.add(CadreJson.mapper().readTree(line));
                }
            } catch (Exception ignored) {
                // the pipe closes with the test
            }
        }, "test-stdio-reader");
        reader.setDaemon(true);
        reader.start();
    }

    void send(String json) {
        toServer.println(json);
    }

    private final java.util.List<JsonNode> seen = new java.util.ArrayList<>();

    /** The first message (seen earlier or arriving within 20 s) that matches; messages arrive in no guaranteed order. */
    JsonNode next(Predicate<JsonNode> matching) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            for (JsonNode old : seen) {
                if (matching.test(old)) {
                    seen.remove(old);
                    return old;
                }
            }
            JsonNode message = fromServer.poll(100, TimeUnit.MILLISECONDS);
            if (message != null) {
                seen.add(message);
            }
        }
        throw new AssertionError("no matching message from the server within 20 s");
    }

    void initialize(String capabilities) throws InterruptedException {
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":"
                + capabilities + ",\"clientInfo\":{\"name\":\"stdio-test\",\"version\":\"1\"}}}");
        JsonNode init = next(m -> m.path("id").asInt() == 1);
        assertThat(init.path("result").path("serverInfo").path("name").asText()).isEqualTo("cadre");
        send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    }

    @AfterEach
    void stop() {
        if (toServer != null) {
            toServer.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void progressAndElicitationOverStdio() throws Exception {
        start(ScriptedModel.builder().agent("writer", Reply.text("first draft")).build());
        initialize("{\"elicitation\":{}}");
        send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"crew_writer\",\"arguments\":{\"task\":\"a haiku\"},"
                + "\"_meta\":{\"progressToken\":\"tok\"}}}");
        JsonNode progress = next(m -> m.path("method").asText().equals("notifications/progress"));
        assertThat(progress.path("params").path("progressToken").asText()).isEqualTo("tok");
        JsonNode elicit = next(m -> m.path("method").asText().equals("elicitation/create"));
        assertThat(elicit.path("params").path("message").asText()).contains("first draft");
        send("{\"jsonrpc\":\"2.0\",\"id\":" + elicit.path("id") + ",\"result\":{\"action\":\"accept\",\"content\":{\"decision\":\"approve\"}}}");
        JsonNode result = next(m -> m.path("id").asInt() == 2 && m.has("result"));
        assertThat(result.path("result").path("content").get(0).path("text").asText()).isEqualTo("first draft");
        assertThat(result.path("result").path("structuredContent").path("status").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    void cancellationOverStdioCancelsTheRun() throws Exception {
        start(ScriptedModel.builder().agent("writer", Reply.text("late").after(Duration.ofSeconds(30))).build());
        initialize("{}");
        send("{\"jsonrpc\":\"2.0\",\"id\":\"call-9\",\"method\":\"tools/call\",\"params\":{\"name\":\"crew_writer\",\"arguments\":{\"task\":\"x\"}}}");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.runs().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        var run = server.runs().values().iterator().next();
        send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":\"call-9\",\"reason\":\"stop\"}}");
        assertThat(run.result().block(Duration.ofSeconds(10)).status()).isEqualTo(RunStatus.CANCELLED);
    }

    @Test
    void malformedInputGetsAJsonRpcErrorAndTheServerLives() throws Exception {
        start(ScriptedModel.of());
        initialize("{}");
        send("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"no/such/method\"}");
        JsonNode error = next(m -> m.path("id").asInt() == 5);
        assertThat(error.path("error").path("code").asInt()).isEqualTo(-32601);
        send("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/list\"}");
        assertThat(next(m -> m.path("id").asInt() == 6).path("result").path("tools").size()).isGreaterThan(5);
    }

    @Test
    void linesTheSdkCannotReadAreAnsweredAndTheSessionLives() throws Exception {
        // regression: the SDK 2.1.0 ended the stdio session at the first line it could not deserialize
        start(ScriptedModel.of());
        send("{\"jsonrpc\":\"2.0\",\"id\":\"early\",\"method\":\"tools/list\"}");
        assertThat(next(m -> m.path("id").asText().equals("early")).path("error").path("code").asInt())
                .as("a request before initialize is refused, not held").isEqualTo(-32600);
        send("{\"jsonrpc\":\"2.0\",\"id\":\"early-ping\",\"method\":\"ping\"}");
        assertThat(next(m -> m.path("id").asText().equals("early-ping")).has("result")).isTrue();
        initialize("{}");
        send("{\"id\":10,\"method\":\"ping\"}");
        assertThat(next(m -> m.path("id").asInt() == 10).path("error").path("code").asInt()).isEqualTo(-32600);
        send("{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"ping\"}");
        send("[{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"ping\"}]");
        send("{\"jsonrpc\":\"2.0\",\"id\":12,");
        send("{\"jsonrpc\":\"2.0\",\"id\":13,\"method\":\"ping\"} trailing");
        List<Integer> codes = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            JsonNode error = next(m -> m.path("id").isNull() && m.has("error"));
            codes.add(error.path("error").path("code").asInt());
        }
        assertThat(codes).containsExactlyInAnyOrder(-32600, -32600, -32700, -32700);
        // regression: a tools/call whose params or arguments the SDK cannot bind was never answered
        send("{\"jsonrpc\":\"2.0\",\"id\":14,\"method\":\"tools/call\",\"params\":[1]}");
        assertThat(next(m -> m.path("id").asInt() == 14).path("error").path("code").asInt()).isEqualTo(-32602);
        send("{\"jsonrpc\":\"2.0\",\"id\":15,\"method\":\"tools/call\",\"params\":{\"name\":\"workspace_read\",\"arguments\":\"x\"}}");
        assertThat(next(m -> m.path("id").asInt() == 15).path("error").path("message").asText()).contains("arguments must be an object");
        send("{\"jsonrpc\":\"2.0\",\"id\":16,\"method\":\"ping\"}");
        assertThat(next(m -> m.path("id").asInt() == 16).has("result")).as("the session lives").isTrue();
    }

    @Test
    void aRootsChangeTheClientCannotBackUpDoesNotEndTheSession() throws Exception {
        // regression: the SDK asked for the roots on notifications/roots/list_changed and, when the client answered
        // with an error, let the failed notification handler end the stdio session
        start(ScriptedModel.of());
        initialize("{}");
        send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/roots/list_changed\"}");
        send("{\"jsonrpc\":\"2.0\",\"id\":20,\"method\":\"ping\"}");
        JsonNode first = next(m -> m.path("method").asText().equals("roots/list") || m.path("id").asInt() == 20);
        if (first.path("method").asText().equals("roots/list")) {
            send("{\"jsonrpc\":\"2.0\",\"id\":" + first.path("id") + ",\"error\":{\"code\":-32601,\"message\":\"no roots\"}}");
        }
        send("{\"jsonrpc\":\"2.0\",\"id\":21,\"method\":\"ping\"}");
        assertThat(next(m -> m.path("id").asInt() == 21).has("result")).as("the session lives").isTrue();
    }
}
