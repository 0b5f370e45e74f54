package dev.cadre.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.api.CadreJson;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RunStatus;
import dev.cadre.personas.CrewFile;
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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class McpHttpServerTest {

    @TempDir
    Path root;

    @TempDir
    Path runs;

    CadreMcpServer server;
    ScriptedModel model;
    final List<McpSyncClient> clients = new CopyOnWriteArrayList<>();

    static final String CREW = """
            name: writer
            agents:
              writer: {role: Writer}
            tasks:
              - {id: draft, description: "Write about {topic}: {task}", agent: writer, human_review: after}
            inputs: {topic: Reactor}
            """;

    CrewFile crew() {
        return CrewLoader.of(PersonaLibrary.builtIn(), WorkspaceTools.create(Workspace.at(root))).load("writer.yaml", CREW);
    }

    void start(ModelRegistry models, String token) {
        McpServerConfig config = McpServerConfig.builder().root(root).crew(crew()).models(models).runsDirectory(runs)
                .checkpointTimeout(Duration.ofMinutes(2)).build();
        server = CadreMcpServer.http(config, "127.0.0.1", 0, token, List.of());
    }

    McpSyncClient client(String token, Function<McpClient.SyncSpec, McpClient.SyncSpec> customize) {
        HttpClientStreamableHttpTransport.Builder transport = HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + server.port())
                .endpoint("/mcp").jsonMapper(new JacksonMcpJsonMapper(CadreJson.newMapper()));
        if (token != null) {
            transport.requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token));
        }
        McpSyncClient client = customize.apply(McpClient.sync(transport.build()).requestTimeout(Duration.ofSeconds(30))).build();
        client.initialize();
        clients.add(client);
        return client;
    }

    @BeforeEach
    void setUp() throws Exception {
        Files.writeString(root.resolve("notes.txt"), "hello from the workspace\n");
        model = ScriptedModel.builder().agent("writer", Reply.text("Reactor is a reactive library."), Reply.text("Second draft.")).build();
    }

    @AfterEach
    void tearDown() {
        clients.forEach(McpSyncClient::closeGracefully);
        if (server != null) {
            server.close();
        }
    }

    @Test
    void listsAndCallsWorkspaceToolsWithStructuredResults() {
        start(ModelRegistry.of("scripted:m", model), null);
        McpSyncClient client = client(null, s -> s);
        List<String> names = client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
        assertThat(names).contains("workspace_read", "workspace_write", "workspace_edit", "workspace_search", "crew_writer",
                "cadre_run_status", "cadre_checkpoints_list", "cadre_checkpoint_resolve");
        McpSchema.CallToolResult read = client.callTool(new McpSchema.CallToolRequest("workspace_read", Map.of("path", "notes.txt")));
        assertThat(((McpSchema.TextContent) read.content().get(0)).text()).isEqualTo("hello from the workspace\n");
        assertThat(read.isError()).isFalse();
        assertThat(((Map<?, ?>) read.structuredContent()).get("total_lines")).isEqualTo(1);
        McpSchema.CallToolResult escape = client.callTool(new McpSchema.CallToolRequest("workspace_read", Map.of("path", "../etc/passwd")));
        assertThat(escape.isError()).isTrue();
        McpSchema.Tool write = client.listTools().tools().stream().filter(t -> t.name().equals("workspace_write")).findFirst().orElseThrow();
        assertThat(write.annotations().readOnlyHint()).isFalse();
        assertThat(write.annotations().destructiveHint()).isTrue();
    }

    @Test
    void aCrewRunsAsAToolWithProgressAndWaitsAtACheckpointWithoutElicitation() {
        start(ModelRegistry.of("scripted:m", model), null);
        List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
        McpSyncClient client = client(null, s -> s.progressConsumer(progress::add));
        McpSchema.CallToolResult waiting = client.callTool(McpSchema.CallToolRequest.builder("crew_writer")
                .arguments(Map.of("task", "keep it short")).progressToken("p-1").build());
        Map<?, ?> structured = (Map<?, ?>) waiting.structuredContent();
        assertThat(structured.get("status")).isEqualTo("WAITING_FOR_HUMAN");
        String runId = (String) structured.get("runId");
        String checkpointId = (String) ((Map<?, ?>) structured.get("checkpoint")).get("id");
        assertThat(((McpSchema.TextContent) waiting.content().get(0)).text()).contains("waits at checkpoint")
                .contains("Reactor is a reactive library.");
        assertThat(model.requestsFor("writer").get(0).lastUserText()).isEqualTo("Write about Reactor: keep it short");
        assertThat(progress).isNotEmpty().allSatisfy(p -> assertThat(p.progressToken()).isEqualTo("p-1"));
        assertThat(progress.stream().map(McpSchema.ProgressNotification::message)).anyMatch(m -> m.contains("writer is working"));

        McpSchema.CallToolResult listed = client.callTool(new McpSchema.CallToolRequest("cadre_checkpoints_list", Map.of()));
        assertThat(((McpSchema.TextContent) listed.content().get(0)).text()).contains(checkpointId);
        McpSchema.CallToolResult rejected = client.callTool(new McpSchema.CallToolRequest("cadre_checkpoint_resolve",
                Map.of("run_id", runId, "checkpoint_id", checkpointId, "decision", "reject", "feedback", "shorter")));
        Map<?, ?> next = (Map<?, ?>) rejected.structuredContent();
        assertThat(next.get("status")).isEqualTo("WAITING_FOR_HUMAN");
        String second = (String) ((Map<?, ?>) next.get("checkpoint")).get("id");
        McpSchema.CallToolResult done = client.callTool(new McpSchema.CallToolRequest("cadre_checkpoint_resolve",
                Map.of("run_id", runId, "checkpoint_id", second, "decision", "approve")));
        assertThat(((Map<?, ?>) done.structuredContent()).get("status")).isEqualTo("SUCCEEDED");
        assertThat(((McpSchema.TextContent) done.content().get(0)).text()).isEqualTo("Second draft.");
        McpSchema.CallToolResult status = client.callTool(new McpSchema.CallToolRequest("cadre_run_status", Map.of("run_id", runId)));
        assertThat(((Map<?, ?>) status.structuredContent()).get("status")).isEqualTo("SUCCEEDED");

        McpSchema.ReadResourceResult journal = client.readResource(new McpSchema.ReadResourceRequest("cadre://runs/" + runId));
        String text = ((McpSchema.TextResourceContents) journal.contents().get(0)).text();
        assertThat(text.lines().findFirst().orElseThrow()).contains("\"type\":\"run_started\"");
        assertThat(text.lines().reduce((a, b) -> b).orElseThrow()).contains("\"type\":\"run_finished\"");
        assertThatThrownBy(() -> client.readResource(new McpSchema.ReadResourceRequest("cadre://runs/nope")))
                .hasMessageContaining("There is no run 'nope'");
    }

    @Test
    void checkpointsAreAskedThroughElicitationWhenTheClientCan() {
        start(ModelRegistry.of("scripted:m", model), null);
        List<McpSchema.ElicitFormRequest> asked = new CopyOnWriteArrayList<>();
        McpSyncClient client = client(null, s -> s.capabilities(McpSchema.ClientCapabilities.builder().elicitation().build())
                .elicitation(request -> {
                    asked.add(request);
                    return new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT,
                            Map.of("decision", "edit", "edited_output", "Edited in the IDE."));
                }));
        McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest("crew_writer", Map.of("task", "go")));
        assertThat(((McpSchema.TextContent) result.content().get(0)).text()).isEqualTo("Edited in the IDE.");
        assertThat(asked).singleElement().satisfies(r -> {
            assertThat(r.message()).startsWith("Review the output of agent 'writer'").contains("Reactor is a reactive library.");
            assertThat(r.requestedSchema().get("required")).isEqualTo(List.of("decision"));
        });
    }

    @Test
    void withoutAModelCrewsRunOnTheClientsModelThroughSampling() {
        start(null, null);
        List<McpSchema.CreateMessageRequest> sampled = new CopyOnWriteArrayList<>();
        McpSyncClient client = client(null, s -> s.capabilities(McpSchema.ClientCapabilities.builder().sampling().elicitation().build())
                .sampling(request -> {
                    sampled.add(request);
                    return McpSchema.CreateMessageResult.builder(McpSchema.Role.ASSISTANT, "Written by the IDE's model.", "ide-model").build();
                })
                .elicitation(request -> new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT, Map.of("decision", "approve"))));
        McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest("crew_writer", Map.of("task", "go")));
        assertThat(((McpSchema.TextContent) result.content().get(0)).text()).isEqualTo("Written by the IDE's model.");
        assertThat(sampled).singleElement().satisfies(r -> {
            assertThat(r.systemPrompt()).startsWith("You are Writer.");
            assertThat(((McpSchema.TextContent) r.messages().get(0).content()).text()).isEqualTo("Write about Reactor: go");
        });

        McpSyncClient plain = client(null, s -> s);
        McpSchema.CallToolResult refused = plain.callTool(new McpSchema.CallToolRequest("crew_writer", Map.of("task", "go")));
        assertThat(refused.isError()).isTrue();
        assertThat(((McpSchema.TextContent) refused.content().get(0)).text()).startsWith("No model is configured");
    }

    @Test
    void personasArePromptsWithTheirVariablesAsArguments() {
        start(ModelRegistry.of("scripted:m", model), null);
        McpSyncClient client = client(null, s -> s);
        List<McpSchema.Prompt> prompts = client.listPrompts().prompts();
        assertThat(prompts).extracting(McpSchema.Prompt::name).contains("coder", "reviewer", "debater", "judge");
        McpSchema.Prompt debater = prompts.stream().filter(p -> p.name().equals("debater")).findFirst().orElseThrow();
        assertThat(debater.arguments()).extracting(McpSchema.PromptArgument::name).containsExactly("task", "stance");
        McpSchema.GetPromptResult got = client.getPrompt(new McpSchema.GetPromptRequest("debater",
                Map.of("stance", "that tabs are better", "task", "Tabs or spaces?")));
        String text = ((McpSchema.TextContent) got.messages().get(0).content()).text();
        assertThat(text).startsWith("You are Debater arguing that tabs are better.").endsWith("Task: Tabs or spaces?");
        assertThatThrownBy(() -> client.getPrompt(new McpSchema.GetPromptRequest("debater", Map.of())))
                .hasMessageContaining("needs the argument 'stance'");
    }

    @Test
    void refusesForeignHostsAndOriginsAndChecksTheToken() throws Exception {
        start(ModelRegistry.of("scripted:m", model), "s3cret-token");
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
        McpSyncClient client = client("s3cret-token", s -> s);
        assertThat(client.listTools().tools()).isNotEmpty();
    }

    @Test
    void aClientsCancellationCancelsTheRun() throws Exception {
        ScriptedModel slow = ScriptedModel.builder().agent("writer", Reply.text("too late").after(Duration.ofSeconds(20))).build();
        start(ModelRegistry.of("scripted:m", slow), null);
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
