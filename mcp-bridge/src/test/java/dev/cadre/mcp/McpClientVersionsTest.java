package dev.cadre.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.CadreJson;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolContext;
import dev.cadre.api.ToolResult;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/**
 * {@code --servers}: an HTTP server that speaks MCP 2026-07-28 (Cadre's own) is spoken to in 2026-07-28, one that
 * speaks only 2025-11-25 (the SDK's session server alone) in 2025-11-25; the tools work either way.
 */
class McpClientVersionsTest {

    @TempDir
    Path dir;

    static final ToolContext CTX = new ToolContext("r", "s", "a", "c");

    @Test
    void cadresOwnServerIsSpokenToIn20260728() throws Exception {
        Path root = Files.createDirectories(dir.resolve("ws"));
        Files.writeString(root.resolve("a.txt"), "alpha\n");
        try (CadreMcpServer server = CadreMcpServer.http(McpServerConfig.builder().root(root).runsDirectory(dir.resolve("runs")).build(),
                "127.0.0.1", 0, "tok", List.of());
             McpClientTools clients = McpClientTools.of(List.of(new McpClientTools.ServerSpec("cadre", null, List.of(), Map.of(),
                     server.endpoint().toString(), Map.of("Authorization", "Bearer tok"))))) {
            Tool read = clients.tools().stream().filter(t -> t.name().equals("cadre__workspace_read")).findFirst().orElseThrow();
            assertThat(clients.protocolVersion("cadre")).isEqualTo("2026-07-28");
            assertThat(read.specification().parameters().required()).containsExactly("path");
            ToolResult result = read.invoke(CadreJson.mapper().readTree("{\"path\":\"a.txt\"}"), CTX).block(Duration.ofSeconds(30));
            assertThat(result.text()).isEqualTo("alpha\n");
            assertThat(result.error()).isFalse();
        }
    }

    @Test
    void aServerOfOnly20251125IsSpokenToIn20251125() throws Exception {
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .jsonMapper(new JacksonMcpJsonMapper(CadreJson.newMapper())).mcpEndpoint("/mcp").build();
        McpAsyncServer old = McpServer.async(transport).serverInfo("old", "1")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(McpServerFeatures.AsyncToolSpecification.builder()
                        .tool(McpSchema.Tool.builder().name("echo").description("Echoes")
                                .inputSchema(Map.of("type", "object", "properties", Map.of("text", Map.of("type", "string")))).build())
                        .callHandler((exchange, request) -> Mono.just(McpSchema.CallToolResult.builder()
                                .addTextContent("echo " + request.arguments().get("text")).build())).build())
                .build();
        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        ServletHolder servlet = new ServletHolder(transport);
        servlet.setAsyncSupported(true);
        context.addServlet(servlet, "/mcp");
        jetty.setHandler(context);
        jetty.start();
        try (McpClientTools clients = McpClientTools.of(List.of(new McpClientTools.ServerSpec("old", null, List.of(), Map.of(),
                "http://127.0.0.1:" + connector.getLocalPort() + "/mcp", Map.of())))) {
            Tool echo = clients.tools().stream().filter(t -> t.name().equals("old__echo")).findFirst().orElseThrow();
            assertThat(clients.protocolVersion("old")).isEqualTo("2025-11-25");
            assertThat(echo.invoke(CadreJson.mapper().readTree("{\"text\":\"hi\"}"), CTX).block(Duration.ofSeconds(30)).text())
                    .isEqualTo("echo hi");
        } finally {
            old.closeGracefully().block(Duration.ofSeconds(5));
            jetty.stop();
        }
    }
}
