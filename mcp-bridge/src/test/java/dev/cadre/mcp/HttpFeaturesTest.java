package dev.cadre.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RunStatus;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpClientTransport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The server features over streamable HTTP, and what only HTTP has: Host, Origin and token checks; cancellation by POST. */
class HttpFeaturesTest extends McpServerFeaturesTest {

    private String token;

    @Override
    CadreMcpServer start(McpServerConfig config) {
        return CadreMcpServer.http(config, "127.0.0.1", 0, token, List.of());
    }

    @Override
    McpClientTransport transport() {
        HttpClientStreamableHttpTransport.Builder builder = HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + server.port())
                .endpoint("/mcp").jsonMapper(json);
        if (token != null) {
            builder.requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token));
        }
        return builder.build();
    }

    @Test
    void refusesForeignHostsAndOriginsAndChecksTheToken() throws Exception {
        token = "s3cret-token";
        start(ModelRegistry.of("scripted:m", model));
        HttpClient http = HttpClient.newHttpClient();
        String init = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
        Function<HttpRequest.Builder, HttpResponse<String>> send = b -> {
            try {
                return http.send(b.POST(HttpRequest.BodyPublishers.ofString(init)).header("Content-Type", "application/json")
                        .header("Accept", "application/json, text/event-stream").build(), HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        URI uri = server.endpoint();
        assertThat(send.apply(HttpRequest.newBuilder(uri)).statusCode()).isEqualTo(401);
        assertThat(send.apply(HttpRequest.newBuilder(uri).header("Authorization", "Bearer wrong")).statusCode()).isEqualTo(401);
        assertThat(send.apply(HttpRequest.newBuilder(uri).header("Authorization", "Bearer s3cret-token")
                .header("Origin", "http://evil.example")).statusCode()).isEqualTo(403);
        assertThat(send.apply(HttpRequest.newBuilder(uri).header("Authorization", "Bearer s3cret-token")).statusCode()).isEqualTo(200);
        McpSyncClient client = client(s -> s);
        assertThat(client.listTools().tools()).isNotEmpty();
    }

    @Test
    void aClientsCancellationCancelsTheRun() throws Exception {
        ScriptedModel slow = ScriptedModel.builder().agent("writer", Reply.text("too late").after(Duration.ofSeconds(20))).build();
        start(ModelRegistry.of("scripted:m", slow));
        HttpClient http = HttpClient.newHttpClient();
        Function<String, HttpRequest.Builder> post = body -> HttpRequest.newBuilder(server.endpoint())
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> init = http.send(post.apply("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}").build(),
                HttpResponse.BodyHandlers.ofString());
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        String version = "2025-06-18";
        http.send(post.apply("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").header("Mcp-Session-Id", session)
                .header("MCP-Protocol-Version", version).build(), HttpResponse.BodyHandlers.ofString());
        var pending = http.sendAsync(post.apply("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"crew_writer\",\"arguments\":{\"task\":\"go\"}}}").header("Mcp-Session-Id", session)
                .header("MCP-Protocol-Version", version).build(), HttpResponse.BodyHandlers.ofString());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (server.runs().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        var run = server.runs().values().iterator().next();
        Thread.sleep(200);
        http.send(post.apply("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":7,"
                + "\"reason\":\"user pressed stop\"}}").header("Mcp-Session-Id", session).header("MCP-Protocol-Version", version).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(run.result().block(Duration.ofSeconds(10)).status()).isEqualTo(RunStatus.CANCELLED);
        pending.cancel(true);
    }

    @Test
    void badPostsGetAJsonRpcErrorAndA4xxNeverAStackTraceOrA5xx() throws Exception {
        start(ModelRegistry.of("scripted:m", model));
        HttpClient http = HttpClient.newHttpClient();
        java.util.function.BiFunction<String, String, HttpResponse<String>> post = (session, body) -> {
            HttpRequest.Builder b = HttpRequest.newBuilder(server.endpoint()).header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream").header("MCP-Protocol-Version", "2025-06-18")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (session != null) {
                b.header("Mcp-Session-Id", session);
            }
            try {
                return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        // regression: the SDK answered these with a serialized Java exception (stack trace included)
        HttpResponse<String> early = post.apply(null, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}");
        assertThat(early.statusCode()).isEqualTo(400);
        assertThat(early.body()).doesNotContain("stackTrace").contains("\"id\":3").contains("-32600");
        String session = post.apply(null, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}")
                .headers().firstValue("Mcp-Session-Id").orElseThrow();
        HttpResponse<String> garbage = post.apply(session, "{not json");
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(garbage.body()).doesNotContain("stackTrace").contains("\"id\":null").contains("-32700");
        HttpResponse<String> unknownSession = post.apply("no-such-session", "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\"}");
        assertThat(unknownSession.statusCode()).isEqualTo(404);
        assertThat(unknownSession.body()).doesNotContain("stackTrace").startsWith("{\"jsonrpc\":\"2.0\",\"id\":4,\"error\":");
        // regression: a client response to no pending request got a 500
        HttpResponse<String> stray = post.apply(session, "{\"jsonrpc\":\"2.0\",\"id\":77,\"result\":{}}");
        assertThat(stray.statusCode()).isEqualTo(400);
        assertThat(stray.body()).contains("No request with id 77");
        // regression: a tools/call whose params the SDK cannot bind got a 200 with an empty event stream, no answer
        HttpResponse<String> params = post.apply(session, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":[1]}");
        assertThat(params.statusCode()).isEqualTo(400);
        assertThat(params.body()).contains("\"id\":5").contains("-32602");
        // regression: a body over the limit, still being sent, saw the connection reset instead of the 413
        HttpResponse<String> huge = post.apply(session, "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"ping\",\"params\":{\"x\":\""
                + "y".repeat(6 * 1024 * 1024) + "\"}}");
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(post.apply(session, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}").body()).contains("\"result\":{}");
    }
}
