package dev.cadre.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.CadreJson;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Request bodies over HTTP are read without a thread waiting for them: many clients that stop half way through their
 * body do not keep a normal client from being answered, and each gets 408 after the body timeout; a body over the
 * limit gets 413; both as a JSON-RPC error.
 */
class HttpBodyLimitsTest {

    static final int SLOW_CLIENTS = 200;

    @TempDir
    Path dir;

    private CadreMcpServer start(McpHttpLimits limits) {
        return CadreMcpServer.http(McpServerConfig.builder().root(RawHttp.rootBeside(dir)).runsDirectory(dir.resolve("runs")).httpLimits(limits).build(),
                "127.0.0.1", 0, null, List.of());
    }

    static HttpResponse<String> initialize(CadreMcpServer server, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        return http.send(HttpRequest.newBuilder(server.endpoint()).timeout(timeout).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(HttpSecurityTest.INIT)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void slowBodiesHoldNoThreadSoANormalClientIsAnsweredAndEachSlowOneGets408() throws Exception {
        try (CadreMcpServer server = start(McpHttpLimits.defaults().withBodyTimeout(Duration.ofSeconds(20)))) {
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < SLOW_CLIENTS; i++) {
                    slow.add(RawHttp.startPost(server.port(), 1000, "{\"jsonrpc\"".getBytes(StandardCharsets.UTF_8), null));
                }
                long start = System.nanoTime();
                // Jetty has 200 threads: before, each slow body held one in a blocking read, and this waited ~30 s
                HttpResponse<String> normal = initialize(server, Duration.ofSeconds(15));
                long millis = (System.nanoTime() - start) / 1_000_000;
                System.out.printf("http-body-limits: initialize answered in %d ms with %d slow bodies open%n", millis, SLOW_CLIENTS);
                assertThat(normal.statusCode()).as(normal.body()).isEqualTo(200);
                assertThat(normal.body()).contains("\"result\"");
            } finally {
                slow.forEach(RawHttp::closeQuietly);
            }
        }
        try (CadreMcpServer server = start(McpHttpLimits.defaults().withBodyTimeout(Duration.ofSeconds(2)))) {
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    slow.add(RawHttp.startPost(server.port(), 1000, "{\"jsonrpc\"".getBytes(StandardCharsets.UTF_8), null));
                }
                for (Socket socket : slow) {
                    RawHttp.Answer answer = RawHttp.read(socket, 30_000);
                    assertThat(answer.status()).as(answer.head()).isEqualTo(408);
                    JsonNode error = CadreJson.mapper().readTree(answer.body());
                    assertThat(error.path("error").path("message").asText())
                            .isEqualTo("The request body did not arrive within 2.0 s (10 bytes came).");
                    assertThat(answer.head()).containsIgnoringCase("Connection: close");
                }
            } finally {
                slow.forEach(RawHttp::closeQuietly);
            }
            assertThat(initialize(server, Duration.ofSeconds(15)).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aBodyOverTheLimitGets413AsAJsonRpcErrorBeforeItIsRead() throws Exception {
        try (CadreMcpServer server = start(McpHttpLimits.defaults().withMaxBodyBytes(64 * 1024))) {
            // announced too large: refused as soon as its headers are in, without waiting for the body
            try (Socket socket = RawHttp.startPost(server.port(), 10 * 1024 * 1024, new byte[0], null)) {
                RawHttp.Answer answer = RawHttp.read(socket, 30_000);
                assertThat(answer.status()).isEqualTo(413);
                assertThat(CadreJson.mapper().readTree(answer.body()).path("error").path("message").asText())
                        .isEqualTo("Request body over 65536 bytes.");
            }
            // sent whole and too large: its bytes are read and dropped, then the same answer
            byte[] big = ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"x\":\"" + "a".repeat(100_000) + "\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            try (Socket socket = RawHttp.startPost(server.port(), big.length, big, null)) {
                RawHttp.Answer answer = RawHttp.read(socket, 30_000);
                assertThat(answer.status()).isEqualTo(413);
                assertThat(answer.body()).contains("Request body over 65536 bytes.");
            }
            assertThat(initialize(server, Duration.ofSeconds(15)).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void limitsOutOfRangeAreRefusedWithTheSetting() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> McpHttpLimits.defaults().withMaxSessions(0))
                .hasMessage("maxSessions must be at least 1, not 0.");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> McpHttpLimits.defaults().withMaxBodyBytes(64 * 1024 * 1024))
                .hasMessage("maxBodyBytes must be between 1024 and 4194304 bytes, not 67108864.");
    }
}
