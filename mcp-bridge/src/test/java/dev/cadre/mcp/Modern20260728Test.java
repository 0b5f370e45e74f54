package dev.cadre.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.CadreJson;
import dev.cadre.api.CrewSource;
import dev.cadre.api.ModelRegistry;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.modern.McpSchema;
import io.modelcontextprotocol.modern.client.McpClient;
import io.modelcontextprotocol.modern.client.McpSyncClient;
import io.modelcontextprotocol.modern.client.transport.HttpClientMcpTransport;
import io.modelcontextprotocol.modern.client.transport.McpClientTransport;
import io.modelcontextprotocol.modern.client.transport.McpHttpRequestCustomizer;
import io.modelcontextprotocol.modern.client.transport.StdioMcpClientTransport;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MCP 2026-07-28 (stateless, no initialize) from the same server that speaks 2025-11-25, driven by the SDK's
 * {@code modern} client over stdio and over HTTP: the crews, tools, prompts and paged run journals; a checkpoint as
 * {@code input_required} answered by the client's retry, also when the server restarted in between.
 */
class Modern20260728Test {

    @TempDir
    Path root;

    @TempDir
    Path runs;

    final McpJsonMapper json = new JacksonMcpJsonMapper(CadreJson.newMapper());
    final List<CadreMcpServer> servers = new CopyOnWriteArrayList<>();
    final List<AutoCloseable> closing = new CopyOnWriteArrayList<>();

    static final String CREW = McpServerFeaturesTest.CREW;

    McpServerConfig config(ScriptedModel model) {
        return McpServerConfig.builder().root(root).crew(CrewSource.of("writer.yaml", CREW)).models(ModelRegistry.of("scripted:m", model))
                .runsDirectory(runs).build();
    }

    CadreMcpServer http(McpServerConfig config, int port) {
        CadreMcpServer server = CadreMcpServer.http(config, "127.0.0.1", port, null, List.of());
        servers.add(server);
        return server;
    }

    McpClientTransport httpClient(CadreMcpServer server) {
        return HttpClientMcpTransport.builder(server.endpoint()).jsonMapper(json).build();
    }

    McpClientTransport stdioClient(McpServerConfig config) throws Exception {
        PipedOutputStream clientOut = new PipedOutputStream();
        PipedInputStream serverIn = new PipedInputStream(clientOut, 1 << 20);
        PipedOutputStream serverOut = new PipedOutputStream();
        PipedInputStream clientIn = new PipedInputStream(serverOut, 1 << 20);
        servers.add(CadreMcpServer.stdio(config, serverIn, serverOut));
        StdioMcpClientTransport transport = StdioMcpClientTransport.builder(clientIn, clientOut).jsonMapper(json).start();
        closing.add(transport);
        return transport;
    }

    McpSyncClient client(McpClientTransport transport, List<McpSchema.ElicitFormRequest> asked, Map<String, Object> answer) {
        return McpClient.sync(transport).jsonMapper(json).callTimeout(Duration.ofSeconds(30))
                .clientInfo(McpSchema.Implementation.builder("ide", "1").build())
                .formElicitation(request -> {
                    asked.add(request);
                    return McpSchema.ElicitResult.accept(answer);
                }).build();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        servers.forEach(CadreMcpServer::close);
    }

    static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }

    void servesEverythingAndAsksTheCheckpointAsInputRequired(McpSyncClient client, ScriptedModel model,
                                                             List<McpSchema.ElicitFormRequest> asked) throws Exception {
        assertThat(client.listTools().list().tools()).extracting(McpSchema.Tool::name)
                .contains("workspace_read", "crew_coder-reviewer", "crew_debate", "crew_hierarchical", "crew_writer",
                        "cadre_checkpoint_resolve");
        McpSchema.CallToolResult read = client.tool("workspace_read").arguments(Map.of("path", "notes.txt")).call();
        assertThat(text(read)).isEqualTo("hello\n");
        assertThat(client.prompts().list().prompts()).extracting(McpSchema.Prompt::name).contains("coder", "debater");
        McpSchema.GetPromptResult prompt = client.prompt("debater").arguments(Map.of("stance", "for tabs", "task", "Tabs?")).get();
        assertThat(((McpSchema.TextContent) prompt.messages().get(0).content()).text()).startsWith("You are Debater arguing for tabs.");

        McpSchema.CallToolResult done = client.tool("crew_writer").arguments(Map.of("task", "keep it short")).call();
        assertThat(asked).singleElement().satisfies(form -> {
            assertThat(form.message()).startsWith("Review the output of agent 'writer'").contains("Reactor is a reactive library.");
            assertThat(form.requestedSchema().get("required")).isEqualTo(List.of("decision"));
        });
        assertThat(done.isError()).isFalse();
        assertThat(((Map<?, ?>) done.structuredContent()).get("status")).isEqualTo("SUCCEEDED");
        assertThat(text(done)).isEqualTo("Reactor is a reactive library.");
        assertThat(model.requestsFor("writer")).hasSize(1);
        String runId = (String) ((Map<?, ?>) done.structuredContent()).get("runId");

        McpSchema.ListResourcesResult resources = client.resources().list();
        assertThat(resources.resources()).extracting(McpSchema.Resource::uri).contains("cadre://runs/" + runId);
        McpSchema.ReadResourceResult journal = client.resource("cadre://runs/" + runId).read();
        assertThat(((McpSchema.TextResourceContents) journal.contents().get(0)).text()).contains("\"type\":\"run_finished\"");
    }

    @Test
    void overHttp() throws Exception {
        Files.writeString(root.resolve("notes.txt"), "hello\n");
        ScriptedModel model = ScriptedModel.builder().agent("writer", Reply.text("Reactor is a reactive library.")).build();
        CadreMcpServer server = http(config(model), 0);
        List<McpSchema.ElicitFormRequest> asked = new CopyOnWriteArrayList<>();
        servesEverythingAndAsksTheCheckpointAsInputRequired(client(httpClient(server), asked, Map.of("decision", "approve")), model, asked);
    }

    @Test
    void overStdio() throws Exception {
        Files.writeString(root.resolve("notes.txt"), "hello\n");
        ScriptedModel model = ScriptedModel.builder().agent("writer", Reply.text("Reactor is a reactive library.")).build();
        List<McpSchema.ElicitFormRequest> asked = new CopyOnWriteArrayList<>();
        servesEverythingAndAsksTheCheckpointAsInputRequired(client(stdioClient(config(model)), asked, Map.of("decision", "approve")),
                model, asked);
    }

    @Test
    void theRetryAfterAServerRestartResumesTheRunFromItsJournal() throws Exception {
        ScriptedModel first = ScriptedModel.builder().agent("writer", Reply.text("Reactor is a reactive library."), Reply.text("Shorter."))
                .build();
        CadreMcpServer server = http(config(first), 0);
        int port = server.port();
        List<McpSchema.ElicitFormRequest> asked = new CopyOnWriteArrayList<>();
        McpSyncClient client = client(httpClient(server), asked, Map.of());
        McpSchema.CallToolOutcome outcome = client.tool("crew_writer").arguments(Map.of("task", "go")).callOnce();
        assertThat(outcome).isInstanceOf(McpSchema.InputRequiredResult.class);
        McpSchema.InputRequiredResult input = (McpSchema.InputRequiredResult) outcome;
        assertThat(input.inputRequests()).containsOnlyKeys("checkpoint");
        assertThat(input.requestState()).isNotBlank().doesNotContain("\"run\"").as("sealed by the server");

        server.close();
        servers.remove(server);
        ScriptedModel second = ScriptedModel.builder().agent("writer", Reply.text("Second draft.")).build();
        CadreMcpServer restarted = http(config(second), port);
        McpSyncClient again = client(httpClient(restarted), asked, Map.of("decision", "approve"));
        McpSchema.CallToolOutcome next = again.tool("crew_writer").arguments(Map.of("task", "go")).requestState(input.requestState())
                .inputResponses(Map.of("checkpoint", McpSchema.ElicitResult.accept(Map.of("decision", "reject", "feedback", "shorter"))))
                .callOnce();
        assertThat(next).as("the rejected draft is redone, and asked again").isInstanceOf(McpSchema.InputRequiredResult.class);
        assertThat(first.requestsFor("writer")).as("the first draft was written once, before the restart").hasSize(1);
        assertThat(second.requestsFor("writer")).singleElement()
                .satisfies(r -> assertThat(r.lastUserText()).contains("shorter"));
        McpSchema.CallToolResult done = again.tool("crew_writer").arguments(Map.of("task", "go"))
                .requestState(((McpSchema.InputRequiredResult) next).requestState())
                .inputResponses(Map.of("checkpoint", McpSchema.ElicitResult.accept(Map.of("decision", "approve")))).call();
        assertThat(((Map<?, ?>) done.structuredContent()).get("status")).isEqualTo("SUCCEEDED");
        assertThat(text(done)).isEqualTo("Second draft.");
    }

    @Test
    void aForgedRequestStateIsRefused() throws Exception {
        ScriptedModel model = ScriptedModel.builder().agent("writer", Reply.text("Draft.")).build();
        CadreMcpServer server = http(config(model), 0);
        McpSyncClient client = client(httpClient(server), new CopyOnWriteArrayList<>(), Map.of("decision", "approve"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.tool("crew_writer").arguments(Map.of("task", "go"))
                        .requestState("{\"run\":\"x\",\"checkpoint\":\"y\"}")
                        .inputResponses(Map.of("checkpoint", McpSchema.ElicitResult.accept(Map.of("decision", "approve")))).callOnce())
                .hasMessageContaining("requestState");
        assertThat(model.requestsFor("writer")).isEmpty();
    }

    @Test
    void theGuardChecksHostOriginAndTokenForThe20260728RequestsToo() throws Exception {
        ScriptedModel model = ScriptedModel.builder().agent("writer", Reply.text("Draft.")).build();
        CadreMcpServer server = CadreMcpServer.http(config(model), "127.0.0.1", 0, "s3cret", List.of());
        servers.add(server);
        String discover = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"params\":{\"_meta\":{"
                + "\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"}}}";
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.util.function.Function<java.net.http.HttpRequest.Builder, Integer> status = b -> {
            try {
                return http.send(b.POST(java.net.http.HttpRequest.BodyPublishers.ofString(discover)).header("Content-Type", "application/json")
                        .header("Accept", "application/json, text/event-stream").header("MCP-Protocol-Version", "2026-07-28")
                        .header("Mcp-Method", "server/discover").build(), java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        assertThat(status.apply(java.net.http.HttpRequest.newBuilder(server.endpoint()))).isEqualTo(401);
        assertThat(status.apply(java.net.http.HttpRequest.newBuilder(server.endpoint()).header("Authorization", "Bearer s3cret")
                .header("Origin", "http://evil.example"))).isEqualTo(403);
        assertThat(status.apply(java.net.http.HttpRequest.newBuilder(server.endpoint()).header("Authorization", "Bearer s3cret")))
                .as("past the guard: the 2026-07-28 server answers").isNotIn(401, 403);
        McpSyncClient client = McpClient.sync(HttpClientMcpTransport.builder(server.endpoint()).jsonMapper(json)
                .requestCustomizer(McpHttpRequestCustomizer.fromSync((request, headers, context) ->
                        headers.set("Authorization", "Bearer s3cret"))).build()).jsonMapper(json).build();
        assertThat(client.listTools().list().tools()).extracting(McpSchema.Tool::name).as("with the token, the SDK's client is served")
                .contains("crew_writer");
    }
}
