package dev.cadre.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.CadreJson;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunStatus;
import dev.cadre.personas.CrewLoader;
import dev.cadre.personas.PersonaLibrary;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.tools.Workspace;
import dev.cadre.tools.WorkspaceTools;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the web console needs from the HTTP server: run listeners told of crew runs, and more handlers on its port. */
class HttpMountTest {

    @TempDir
    Path root;

    @Test
    void listenersSeeTheServersRunsAndMountedHandlersShareItsPortButNotItsToken() throws Exception {
        List<RunHandle> seen = new CopyOnWriteArrayList<>();
        McpServerConfig config = McpServerConfig.builder().root(root)
                .crew(CrewLoader.of(PersonaLibrary.builtIn(), WorkspaceTools.create(Workspace.at(root)))
                        .load("writer.yaml", "name: writer\nagents:\n  writer: {role: Writer}\ntasks:\n  - {id: draft, description: \"{task}\", agent: writer}\n"))
                .models(ModelRegistry.of("scripted:m", ScriptedModel.of(Reply.text("done"))))
                .listener(seen::add).build();
        ServletContextHandler extra = new ServletContextHandler();
        extra.setContextPath("/extra");
        extra.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                response.getWriter().write("mounted " + request.getPathInfo());
            }
        }), "/*");
        try (CadreMcpServer server = CadreMcpServer.http(config, "127.0.0.1", 0, "tok", List.of(), List.of(extra))) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> mounted = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/extra/x")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(mounted.body()).isEqualTo("mounted /x");
            HttpResponse<String> mcp = http.send(HttpRequest.newBuilder(server.endpoint()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(mcp.statusCode()).isEqualTo(401);

            McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + server.port())
                            .endpoint("/mcp").jsonMapper(new JacksonMcpJsonMapper(CadreJson.newMapper()))
                            .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer tok")).build())
                    .requestTimeout(Duration.ofSeconds(30)).build();
            try {
                client.initialize();
                McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest("crew_writer", Map.of("task", "go")));
                assertThat(result.isError()).isFalse();
            } finally {
                client.closeGracefully();
            }
            assertThat(seen).hasSize(1);
            assertThat(seen.get(0).result().block(Duration.ofSeconds(10)).status()).isEqualTo(RunStatus.SUCCEEDED);
        }
    }
}
