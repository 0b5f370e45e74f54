package dev.cadre.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.CadreJson;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Task;
import dev.cadre.api.crew.Crew;
import dev.cadre.orchestrator.Orchestrator;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The web console and the MCP endpoint on the application's own port (its embedded Tomcat), and their guard. */
@SpringBootTest(classes = CadreAutoConfigurationTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CadreWebEndpointsTest {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final String TOKEN = "s3cret-token";

    @TempDir
    static Path runs;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("cadre.runs-directory", () -> runs.toString());
        registry.add("cadre.web.console.enabled", () -> "true");
        registry.add("cadre.web.mcp.enabled", () -> "true");
        registry.add("cadre.web.token", () -> TOKEN);
        // Spring Security is on the test classpath for CadreWebSecurityTest; this application has none
        registry.add("spring.autoconfigure.exclude", () -> "org.springframework.boot.autoconfigure.security.servlet.SecurityAutoConfiguration");
    }

    @LocalServerPort
    int port;

    @Autowired
    Orchestrator orchestrator;

    @Autowired
    @Qualifier("poem")
    Crew poem;

    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theConsoleAnswersOnTheApplicationsPortShowsItsRunsAndAnswersTheirCheckpoints() throws Exception {
        RunHandle run = orchestrator.run(poem, Task.of("go", "the sea"));
        run.nextCheckpoint(WAIT).orElseThrow();

        HttpResponse<String> page = get("/cadre/console/", "Bearer " + TOKEN, null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.body()).contains("console.js");
        assertThat(get("/cadre/console/console.js", "Bearer " + TOKEN, null).statusCode()).isEqualTo(200);
        HttpResponse<String> bare = get("/cadre/console", "Bearer " + TOKEN, null);
        assertThat(bare.statusCode()).isEqualTo(303);
        assertThat(bare.headers().firstValue("Location")).hasValue("/cadre/console/");

        HttpResponse<String> shown = get("/cadre/console/api/runs/" + run.runId(), "Bearer " + TOKEN, null);
        assertThat(shown.statusCode()).as(shown.body()).isEqualTo(200);
        var body = CadreJson.mapper().readTree(shown.body());
        assertThat(body.path("canAnswer").asBoolean()).isTrue();
        String checkpoint = body.path("pendingCheckpoints").path(0).path("id").asText();
        assertThat(checkpoint).isNotEmpty();

        HttpResponse<String> answered = http.send(HttpRequest.newBuilder(url("/cadre/console/api/runs/" + run.runId() + "/checkpoints"))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"checkpointId\":\"" + checkpoint + "\",\"decision\":\"approve\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
        RunResult result = run.await(WAIT);
        assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(result.output()).isEqualTo("a haiku");
        assertThat(get("/cadre/console/api/runs", "Bearer " + TOKEN, null).body()).contains(run.runId());
    }

    @Test
    void theConsoleRefusesAMissingOrWrongTokenAndAForeignOrigin() throws Exception {
        assertThat(get("/cadre/console/api/runs", null, null).statusCode()).isEqualTo(401);
        assertThat(get("/cadre/console/api/runs", "Bearer wrong", null).statusCode()).isEqualTo(401);
        HttpResponse<String> foreign = get("/cadre/console/api/runs", "Bearer " + TOKEN, "https://evil.example");
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(foreign.body()).doesNotContain("runId");
        assertThat(get("/cadre/console/api/runs", "Bearer " + TOKEN, "http://localhost:" + port).statusCode()).isEqualTo(200);
    }

    @Test
    void anMcpClientRunsTheApplicationsCrewsOnItsPortAndTheConsoleSeesTheRun() throws Exception {
        McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + port)
                        .endpoint("/cadre/mcp").jsonMapper(new JacksonMcpJsonMapper(CadreJson.newMapper()))
                        .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + TOKEN)).build())
                .requestTimeout(WAIT).build();
        try {
            client.initialize();
            assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).contains("crew_poem", "crew_summary");
            McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest("crew_summary", Map.of("task", "the minutes")));
            assertThat(result.isError()).as(result.toString()).isFalse();
            assertThat(result.toString()).contains("short");
        } finally {
            client.closeGracefully();
        }
        assertThat(get("/cadre/console/api/runs", "Bearer " + TOKEN, null).body()).contains("summary");
    }

    @Test
    void theMcpEndpointRefusesAMissingTokenAndAForeignOrigin() throws Exception {
        String initialize = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
        HttpResponse<String> noToken = post("/cadre/mcp", null, null, initialize);
        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(noToken.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(post("/cadre/mcp", "Bearer " + TOKEN, "https://evil.example", initialize).statusCode()).isEqualTo(403);
        HttpResponse<String> allowed = post("/cadre/mcp", "Bearer " + TOKEN, null, initialize);
        assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
        assertThat(allowed.headers().firstValue("Mcp-Session-Id")).isPresent();
    }

    @Test
    void aHostThatIsNotLoopbackIsRefused() throws Exception {
        // DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends its own name as Host (HttpClient cannot set it)
        for (String path : new String[] {"/cadre/console/api/runs", "/cadre/mcp"}) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: evil.example:" + port + "\r\nAuthorization: Bearer "
                        + TOKEN + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
                assertThat(status).as(path).isIn("HTTP/1.1 403", "HTTP/1.1 421");
            }
        }
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private HttpResponse<String> get(String path, String authorization, String origin) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(url(path));
        if (authorization != null) request.header("Authorization", authorization);
        if (origin != null) request.header("Origin", origin);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String authorization, String origin, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(url(path)).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream").POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) request.header("Authorization", authorization);
        if (origin != null) request.header("Origin", origin);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
