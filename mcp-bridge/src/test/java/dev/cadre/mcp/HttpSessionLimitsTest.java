package dev.cadre.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.CadreJson;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MCP HTTP sessions are bounded: an idle one expires (its id then gets 404, and the SDK drops its own session too),
 * one with an open event stream does not; at most {@code maxSessions} are open, an initialize beyond gets 503; the
 * initialize params a session keeps are bounded.
 */
class HttpSessionLimitsTest {

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

    private CadreMcpServer start(McpHttpLimits limits) {
        return CadreMcpServer.http(McpServerConfig.builder().root(RawHttp.rootBeside(dir)).runsDirectory(dir.resolve("runs")).httpLimits(limits).build(),
                "127.0.0.1", 0, null, List.of());
    }

    private HttpResponse<String> post(CadreMcpServer server, String session, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.endpoint()).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            b.header("Mcp-Session-Id", session);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String open(CadreMcpServer server) throws Exception {
        HttpResponse<String> init = post(server, null, HttpSecurityTest.INIT);
        assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        assertThat(post(server, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").statusCode()).isEqualTo(202);
        return session;
    }

    private static String ping(int id) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"ping\"}";
    }

    /** The SDK's own sessions (its private map: the memory a session holds lives there). */
    static int sdkSessions(CadreMcpServer server) throws Exception {
        java.lang.reflect.Field field = HttpServletStreamableServerTransportProvider.class.getDeclaredField("sessions");
        field.setAccessible(true);
        return ((Map<?, ?>) field.get(server.transport())).size();
    }

    static void await(String what, java.util.concurrent.Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.call()) {
            assertThat(System.nanoTime()).as("waiting until " + what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void anIdleSessionExpiresItsIdGets404AndTheSdkDropsItToo() throws Exception {
        try (CadreMcpServer server = start(McpHttpLimits.defaults().withSessionIdleTimeout(Duration.ofSeconds(1)))) {
            String session = open(server);
            assertThat(post(server, session, ping(1)).statusCode()).isEqualTo(200);
            await("the session expired", () -> server.openSessions() == 0);
            HttpResponse<String> expired = post(server, session, ping(2));
            assertThat(expired.statusCode()).isEqualTo(404);
            JsonNode error = CadreJson.mapper().readTree(expired.body());
            assertThat(error.path("id").asInt()).isEqualTo(2);
            assertThat(error.path("error").path("message").asText()).isEqualTo("The session in Mcp-Session-Id is not open on this"
                    + " server (it was closed, or idle for 1.0 s or more): send initialize to start a new one.");
            await("the SDK dropped its session", () -> sdkSessions(server) == 0);
            // the client starts again
            assertThat(post(server, open(server), ping(3)).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aSessionWithAnOpenEventStreamDoesNotExpire() throws Exception {
        try (CadreMcpServer server = start(McpHttpLimits.defaults().withSessionIdleTimeout(Duration.ofMillis(500)))) {
            String session = open(server);
            HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(server.endpoint()).GET()
                    .header("Accept", "text/event-stream").header("Mcp-Session-Id", session).build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream events = stream.body()) {
                assertThat(stream.statusCode()).isEqualTo(200);
                Thread.sleep(2_500); // five idle timeouts, and more than two of the SDK's sweeps
                assertThat(server.openSessions()).isEqualTo(1);
                assertThat(sdkSessions(server)).isEqualTo(1);
                assertThat(post(server, session, ping(1)).statusCode()).isEqualTo(200);
            }
        }
    }

    @Test
    void aSessionFloodStaysAtTheCapAndAClosedSessionMakesRoom() throws Exception {
        int cap = 50;
        int flood = 1_000;
        try (CadreMcpServer server = start(McpHttpLimits.defaults().withMaxSessions(cap))) {
            long heapBefore = McpFuzzTest.heapAfterGc();
            int opened = 0;
            int refused = 0;
            String first = null;
            for (int i = 0; i < flood; i++) {
                HttpResponse<String> init = post(server, null, HttpSecurityTest.INIT);
                if (init.statusCode() == 200) {
                    opened++;
                    first = first == null ? init.headers().firstValue("Mcp-Session-Id").orElseThrow() : first;
                } else {
                    assertThat(init.statusCode()).isEqualTo(503);
                    assertThat(CadreJson.mapper().readTree(init.body()).path("error").path("message").asText())
                            .isEqualTo("The server has 50 MCP sessions open, its limit (McpHttpLimits.maxSessions): close one with"
                                    + " DELETE, or retry once one has been idle for 30 min.");
                    refused++;
                }
            }
            long heapAfter = McpFuzzTest.heapAfterGc();
            System.out.printf("http-session-limits: %d initializes, %d opened, %d refused; heap after GC %.1f MB -> %.1f MB%n",
                    flood, opened, refused, heapBefore / 1048576.0, heapAfter / 1048576.0);
            assertThat(opened).isEqualTo(cap);
            assertThat(refused).isEqualTo(flood - cap);
            assertThat(server.openSessions()).isEqualTo(cap);
            assertThat(sdkSessions(server)).isEqualTo(cap);

            HttpResponse<String> deleted = http.send(HttpRequest.newBuilder(server.endpoint()).DELETE().header("Mcp-Session-Id", first)
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(deleted.statusCode()).isEqualTo(200);
            assertThat(server.openSessions()).isEqualTo(cap - 1);
            assertThat(post(server, first, ping(1)).statusCode()).isEqualTo(404);
            assertThat(post(server, null, HttpSecurityTest.INIT).statusCode()).isEqualTo(200);
            assertThat(sdkSessions(server)).isEqualTo(cap);
        }
    }

    @Test
    void theInitializeParamsASessionKeepsAreBounded() throws Exception {
        try (CadreMcpServer server = start(McpHttpLimits.defaults())) {
            String hugeName = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
                    + "\"capabilities\":{},\"clientInfo\":{\"name\":\"" + "n".repeat(1024 * 1024) + "\",\"version\":\"1\"}}}";
            HttpResponse<String> name = post(server, null, hugeName);
            assertThat(name.statusCode()).isEqualTo(400);
            assertThat(CadreJson.mapper().readTree(name.body()).path("error").path("message").asText())
                    .isEqualTo("Invalid params for initialize: clientInfo.name is over 256 characters.");
            String hugeCapabilities = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
                    + "\"capabilities\":{\"experimental\":{\"x\":\"" + "c".repeat(100_000) + "\"}},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
            HttpResponse<String> capabilities = post(server, null, hugeCapabilities);
            assertThat(capabilities.statusCode()).isEqualTo(400);
            assertThat(CadreJson.mapper().readTree(capabilities.body()).path("error").path("message").asText())
                    .startsWith("Invalid params for initialize: the params are 100").endsWith("over the 16384 a session may keep.");
            assertThat(server.openSessions()).isZero();
            assertThat(sdkSessions(server)).isZero();
        }
    }
}
