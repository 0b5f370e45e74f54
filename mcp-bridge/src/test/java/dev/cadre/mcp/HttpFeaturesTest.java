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
}
