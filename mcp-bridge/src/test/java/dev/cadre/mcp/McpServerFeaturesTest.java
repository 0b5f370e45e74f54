package dev.cadre.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.api.CadreJson;
import dev.cadre.api.ModelRegistry;
import dev.cadre.personas.CrewFile;
import dev.cadre.personas.CrewLoader;
import dev.cadre.personas.PersonaLibrary;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.tools.Workspace;
import dev.cadre.tools.WorkspaceTools;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every server feature, driven by the SDK's own client; run once per transport by the subclasses. Over 300 lines: one
 * test per feature, each needing both transports, which only the subclasses know how to start.
 */
abstract class McpServerFeaturesTest {

    @TempDir
    Path root;

    @TempDir
    Path runs;

    CadreMcpServer server;
    ScriptedModel model;
    final List<McpSyncClient> clients = new CopyOnWriteArrayList<>();
    final McpJsonMapper json = new JacksonMcpJsonMapper(CadreJson.newMapper());

    static final String CREW = """
            name: writer
            agents:
              writer: {role: Writer}
            tasks:
              - {id: draft, description: "Write about {topic}: {task}", agent: writer, human_review: after}
            inputs: {topic: Reactor}
            """;

    /** Starts the server under test with {@code config}. */
    abstract CadreMcpServer start(McpServerConfig config) throws Exception;

    /** A transport to the server under test (stdio servers serve one client). */
    abstract McpClientTransport transport() throws Exception;

    CrewFile crew() {
        return CrewLoader.of(PersonaLibrary.builtIn(), WorkspaceTools.create(Workspace.at(root))).load("writer.yaml", CREW);
    }

    void start(ModelRegistry models) throws Exception {
        server = start(McpServerConfig.builder().root(root).crew(crew()).models(models).runsDirectory(runs)
                .checkpointTimeout(Duration.ofMinutes(2)).build());
    }

    McpSyncClient client(Function<McpClient.SyncSpec, McpClient.SyncSpec> customize) throws Exception {
        McpSyncClient client = customize.apply(McpClient.sync(transport()).requestTimeout(Duration.ofSeconds(30))).build();
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

    static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }

    @Test
    void listsAndCallsWorkspaceToolsWithStructuredResults() throws Exception {
        start(ModelRegistry.of("scripted:m", model));
        McpSyncClient client = client(s -> s);
        List<String> names = client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
        assertThat(names).contains("workspace_read", "workspace_write", "workspace_edit", "workspace_search", "crew_writer",
                "cadre_run_status", "cadre_checkpoints_list", "cadre_checkpoint_resolve");
        McpSchema.CallToolResult read = client.callTool(new McpSchema.CallToolRequest("workspace_read", Map.of("path", "notes.txt")));
        assertThat(text(read)).isEqualTo("hello from the workspace\n");
        assertThat(read.isError()).isFalse();
        assertThat(((Map<?, ?>) read.structuredContent()).get("total_lines")).isEqualTo(1);
        McpSchema.CallToolResult escape = client.callTool(new McpSchema.CallToolRequest("workspace_read", Map.of("path", "../etc/passwd")));
        assertThat(escape.isError()).isTrue();
        McpSchema.Tool write = client.listTools().tools().stream().filter(t -> t.name().equals("workspace_write")).findFirst().orElseThrow();
        assertThat(write.annotations().readOnlyHint()).isFalse();
        assertThat(write.annotations().destructiveHint()).isTrue();
        McpSchema.CallToolResult invalid = client.callTool(new McpSchema.CallToolRequest("workspace_read", Map.of("path", 42)));
        assertThat(invalid.isError()).as("input is validated against the tool's schema").isTrue();
        assertThat(text(invalid)).contains("path");
    }

    @Test
    void aCrewRunsAsAToolWithProgressAndWaitsAtACheckpointWithoutElicitation() throws Exception {
        start(ModelRegistry.of("scripted:m", model));
        List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
        List<McpSchema.ResourceContents> updated = new CopyOnWriteArrayList<>();
        List<McpSchema.LoggingMessageNotification> logs = new CopyOnWriteArrayList<>();
        McpSyncClient client = client(s -> s.progressConsumer(progress::add).resourcesUpdateConsumer(updated::addAll)
                .loggingConsumer(logs::add));
        McpSchema.CallToolResult waiting = client.callTool(McpSchema.CallToolRequest.builder("crew_writer")
                .arguments(Map.of("task", "keep it short")).progressToken("p-1").build());
        Map<?, ?> structured = (Map<?, ?>) waiting.structuredContent();
        assertThat(structured.get("status")).isEqualTo("WAITING_FOR_HUMAN");
        String runId = (String) structured.get("runId");
        String checkpointId = (String) ((Map<?, ?>) structured.get("checkpoint")).get("id");
        assertThat(text(waiting)).contains("waits at checkpoint").contains("Reactor is a reactive library.");
        assertThat(model.requestsFor("writer").get(0).lastUserText()).isEqualTo("Write about Reactor: keep it short");
        // notifications need not arrive before the result (over HTTP they may take another stream): wait for them, bounded
        long progressUntil = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (progress.stream().noneMatch(p -> p.message().contains("writer is working")) && System.nanoTime() < progressUntil) {
            Thread.sleep(20);
        }
        assertThat(progress).isNotEmpty().allSatisfy(p -> assertThat(p.progressToken()).isEqualTo("p-1"));
        assertThat(progress.stream().map(McpSchema.ProgressNotification::message)).anyMatch(m -> m.contains("writer is working"));

        client.subscribeResource(new McpSchema.SubscribeRequest("cadre://runs/" + runId));
        assertThat(text(client.callTool(new McpSchema.CallToolRequest("cadre_checkpoints_list", Map.of())))).contains(checkpointId);
        McpSchema.CallToolResult rejected = client.callTool(new McpSchema.CallToolRequest("cadre_checkpoint_resolve",
                Map.of("run_id", runId, "checkpoint_id", checkpointId, "decision", "reject", "feedback", "shorter")));
        Map<?, ?> next = (Map<?, ?>) rejected.structuredContent();
        assertThat(next.get("status")).isEqualTo("WAITING_FOR_HUMAN");
        String second = (String) ((Map<?, ?>) next.get("checkpoint")).get("id");
        McpSchema.CallToolResult done = client.callTool(new McpSchema.CallToolRequest("cadre_checkpoint_resolve",
                Map.of("run_id", runId, "checkpoint_id", second, "decision", "approve")));
        assertThat(((Map<?, ?>) done.structuredContent()).get("status")).isEqualTo("SUCCEEDED");
        assertThat(text(done)).isEqualTo("Second draft.");
        McpSchema.CallToolResult status = client.callTool(new McpSchema.CallToolRequest("cadre_run_status", Map.of("run_id", runId)));
        assertThat(((Map<?, ?>) status.structuredContent()).get("status")).isEqualTo("SUCCEEDED");
        assertThat(text(client.callTool(new McpSchema.CallToolRequest("cadre_checkpoint_resolve",
                Map.of("run_id", "nope", "checkpoint_id", "x", "decision", "approve"))))).isEqualTo("There is no run 'nope' in this server.");

        McpSchema.ReadResourceResult journal = client.readResource(new McpSchema.ReadResourceRequest("cadre://runs/" + runId));
        String text = ((McpSchema.TextResourceContents) journal.contents().get(0)).text();
        assertThat(text.lines().findFirst().orElseThrow()).contains("\"type\":\"run_started\"");
        assertThat(text.lines().reduce((a, b) -> b).orElseThrow()).contains("\"type\":\"run_finished\"");
        assertThat(journal.contents()).as("an intact journal is served alone").hasSize(1);
        // a record of the default store's segments edited (its CRC not fixed: the record is skipped, the chain breaks)
        try (var segments = Files.list(runs.resolve("segments"))) {
            for (Path segment : segments.toList()) {
                String bytes = new String(Files.readAllBytes(segment), java.nio.charset.StandardCharsets.ISO_8859_1);
                Files.write(segment, bytes.replace("Second draft.", "Secund draft.").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }
        McpSchema.ReadResourceResult changed = client.readResource(new McpSchema.ReadResourceRequest("cadre://runs/" + runId));
        assertThat(changed.contents()).hasSize(2);
        assertThat(((McpSchema.TextResourceContents) changed.contents().get(1)).text())
                .startsWith("Journal cadre://runs/" + runId + " was changed at line ");
        assertThatThrownBy(() -> client.readResource(new McpSchema.ReadResourceRequest("cadre://runs/nope")))
                .hasMessageContaining("There is no run 'nope'");
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (updated.isEmpty() && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertThat(updated).as("subscribers hear that the journal changed").isNotEmpty();
        assertThat(logs).extracting(McpSchema.LoggingMessageNotification::data).anyMatch(d -> d.startsWith("Run " + runId + " started"));
    }

    @Test
    void eachResolveAnswersWithTheRunsNextCheckpointNeverAnEarlierOneAlreadyDecided() throws Exception {
        model = ScriptedModel.builder().agent("writer", Reply.text("Draft one."), Reply.text("Draft two."), Reply.text("Draft three."))
                .build();
        start(ModelRegistry.of("scripted:m", model));
        McpSyncClient client = client(s -> s);
        Map<?, ?> waiting = (Map<?, ?>) client.callTool(new McpSchema.CallToolRequest("crew_writer", Map.of("task", "go")))
                .structuredContent();
        String runId = (String) waiting.get("runId");
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String id = (String) ((Map<?, ?>) waiting.get("checkpoint")).get("id");
            seen.add(id);
            waiting = (Map<?, ?>) client.callTool(new McpSchema.CallToolRequest("cadre_checkpoint_resolve",
                    Map.of("run_id", runId, "checkpoint_id", id, "decision", "reject", "feedback", "again"))).structuredContent();
            assertThat(waiting.get("status")).isEqualTo("WAITING_FOR_HUMAN");
            // events() replays the run from its start: the answer must name the checkpoint waiting now
            assertThat((String) ((Map<?, ?>) waiting.get("checkpoint")).get("id")).isNotIn(seen);
        }
        String last = (String) ((Map<?, ?>) waiting.get("checkpoint")).get("id");
        Map<?, ?> done = (Map<?, ?>) client.callTool(new McpSchema.CallToolRequest("cadre_checkpoint_resolve",
                Map.of("run_id", runId, "checkpoint_id", last, "decision", "approve"))).structuredContent();
        assertThat(done.get("status")).isEqualTo("SUCCEEDED");
        assertThat(done.get("output")).isEqualTo("Draft three.");
    }

    @Test
    void checkpointsAreAskedThroughElicitationWhenTheClientCan() throws Exception {
        start(ModelRegistry.of("scripted:m", model));
        List<McpSchema.ElicitFormRequest> asked = new CopyOnWriteArrayList<>();
        McpSyncClient client = client(s -> s.capabilities(McpSchema.ClientCapabilities.builder().elicitation().build())
                .elicitation(request -> {
                    asked.add(request);
                    return new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT,
                            Map.of("decision", "edit", "edited_output", "Edited in the IDE."));
                }));
        McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest("crew_writer", Map.of("task", "go")));
        assertThat(text(result)).isEqualTo("Edited in the IDE.");
        assertThat(asked).singleElement().satisfies(r -> {
            assertThat(r.message()).startsWith("Review the output of agent 'writer'").contains("Reactor is a reactive library.");
            assertThat(r.requestedSchema().get("required")).isEqualTo(List.of("decision"));
        });
    }

    @Test
    void withoutAModelCrewsRunOnTheClientsModelThroughSampling() throws Exception {
        start((ModelRegistry) null);
        List<McpSchema.CreateMessageRequest> sampled = new CopyOnWriteArrayList<>();
        McpSyncClient client = client(s -> s.capabilities(McpSchema.ClientCapabilities.builder().sampling().elicitation().build())
                .sampling(request -> {
                    sampled.add(request);
                    return McpSchema.CreateMessageResult.builder(McpSchema.Role.ASSISTANT, "Written by the IDE's model.", "ide-model").build();
                })
                .elicitation(request -> new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT, Map.of("decision", "approve"))));
        McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest("crew_writer", Map.of("task", "go")));
        assertThat(text(result)).isEqualTo("Written by the IDE's model.");
        assertThat(sampled).singleElement().satisfies(r -> {
            assertThat(r.systemPrompt()).startsWith("You are Writer.");
            assertThat(((McpSchema.TextContent) r.messages().get(0).content()).text()).isEqualTo("Write about Reactor: go");
        });
    }

    @Test
    void withoutAModelOrSamplingACrewCallSaysHowToConfigureOne() throws Exception {
        start((ModelRegistry) null);
        McpSyncClient plain = client(s -> s);
        McpSchema.CallToolResult refused = plain.callTool(new McpSchema.CallToolRequest("crew_writer", Map.of("task", "go")));
        assertThat(refused.isError()).isTrue();
        assertThat(text(refused)).startsWith("No model is configured");
    }

    @Test
    void personasArePromptsWithTheirVariablesAsArguments() throws Exception {
        start(ModelRegistry.of("scripted:m", model));
        McpSyncClient client = client(s -> s);
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

    static final String JUDGED = "{\"answer\": \"yes\", \"reasons\": \"both sides agree\"}";

    McpSyncClient samplingClient(List<McpSchema.CreateMessageRequest> sampled) throws Exception {
        return client(s -> s.capabilities(McpSchema.ClientCapabilities.builder().sampling().build())
                .sampling(request -> {
                    sampled.add(request);
                    return McpSchema.CreateMessageResult.builder(McpSchema.Role.ASSISTANT, JUDGED, "ide-model").build();
                }));
    }

    @Test
    void theBuiltInCrewsAreServedWithoutCrewFilesAndRunOnTheClientsModel() throws Exception {
        server = start(McpServerConfig.builder().root(root).runsDirectory(runs).build());
        List<McpSchema.CreateMessageRequest> sampled = new CopyOnWriteArrayList<>();
        McpSyncClient client = samplingClient(sampled);
        List<McpSchema.Tool> crews = client.listTools().tools().stream().filter(t -> t.name().startsWith("crew_")).toList();
        assertThat(crews).extracting(McpSchema.Tool::name).containsExactly("crew_coder-reviewer", "crew_debate", "crew_hierarchical");
        assertThat(crews).allSatisfy(t -> {
            assertThat(t.inputSchema().get("required")).isEqualTo(List.of("task"));
            assertThat(t.outputSchema()).containsKey("properties");
            assertThat(t.outputSchema().get("required")).isEqualTo(List.of("runId", "status"));
        });
        assertThat(crews.get(1).description()).startsWith("Three debaters with different stances argue for two rounds; a judge decides.");
        assertThat(client.listPrompts().prompts()).extracting(McpSchema.Prompt::name).contains("coder", "debater", "judge", "manager");

        McpSchema.CallToolResult judged = client.callTool(new McpSchema.CallToolRequest("crew_debate", Map.of("task", "Tabs or spaces?")));
        assertThat(judged.isError()).isFalse();
        assertThat(((Map<?, ?>) judged.structuredContent()).get("status")).isEqualTo("SUCCEEDED");
        assertThat(text(judged)).contains("both sides agree");
        assertThat(sampled).extracting(McpSchema.CreateMessageRequest::systemPrompt).as("each debater argued on the client's model")
                .anyMatch(p -> p.startsWith("You are Debater arguing for the proposal"))
                .anyMatch(p -> p.startsWith("You are Debater arguing against the proposal"))
                .anyMatch(p -> p.startsWith("You are Debater weighing costs and benefits"));
    }

    @Test
    void noBuiltInCrewsServesOnlyTheGivenOnesAndAFileReplacesTheBuiltInCrewOfItsName() throws Exception {
        server = start(McpServerConfig.builder().root(root).runsDirectory(runs).builtInCrews(false)
                .crew(dev.cadre.api.CrewSource.of("writer.yaml", CREW)).build());
        McpSyncClient client = client(s -> s);
        assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).filteredOn(n -> n.startsWith("crew_"))
                .containsExactly("crew_writer");
        server.close();
        clients.clear();
        server = start(McpServerConfig.builder().root(root).runsDirectory(runs)
                .crew(dev.cadre.api.CrewSource.of("debate.yaml", CREW.replace("name: writer", "name: debate"))).build());
        McpSchema.Tool debate = client(s -> s).listTools().tools().stream().filter(t -> t.name().equals("crew_debate")).findFirst()
                .orElseThrow();
        assertThat(debate.description()).as("the user's file, not the built-in crew").startsWith("Runs the crew 'debate'");
        assertThat(((Map<?, ?>) debate.inputSchema().get("properties")).get("inputs").toString()).contains("topic=Reactor");
    }

    @Test
    void aCrewWhoseAgentsNeedToolsIsRefusedThroughSamplingInsteadOfRunningWithoutThem() throws Exception {
        server = start(McpServerConfig.builder().root(root).runsDirectory(runs).build());
        List<McpSchema.CreateMessageRequest> sampled = new CopyOnWriteArrayList<>();
        McpSyncClient client = samplingClient(sampled);
        McpSchema.CallToolResult refused = client.callTool(new McpSchema.CallToolRequest("crew_coder-reviewer", Map.of("task", "fix it")));
        assertThat(refused.isError()).isTrue();
        assertThat(text(refused)).startsWith("The crew 'coder-reviewer' needs tools (coder, reviewer call them)")
                .contains("cannot call tools").contains("CADRE_MODEL");
        assertThat(sampled).as("nothing ran").isEmpty();
        assertThat(Files.list(runs).count()).as("no run was started").isZero();
    }

    @Test
    void aMissingKeyIsRefusedWithTheSettingNeverAskedForInAForm() throws Exception {
        ModelRegistry keyless = ModelRegistry.builder().provider("keyed", name -> {
            throw new dev.cadre.api.UnknownModelException("KEYED_API_KEY is not set: export it to use keyed:" + name + ".");
        }).defaultModel("keyed:big").build();
        start(keyless);
        List<McpSchema.ElicitRequest> asked = new CopyOnWriteArrayList<>();
        McpSyncClient client = client(s -> s.capabilities(McpSchema.ClientCapabilities.builder().elicitation().build())
                .elicitation(request -> {
                    asked.add(request);
                    return new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.DECLINE, null);
                }));
        McpSchema.CallToolResult refused = client.callTool(new McpSchema.CallToolRequest("crew_writer", Map.of("task", "go")));
        assertThat(refused.isError()).isTrue();
        assertThat(text(refused)).isEqualTo("The crew 'writer' cannot start: agent 'writer': KEYED_API_KEY is not set: export it"
                + " to use keyed:big. Set it where cadre mcp starts (Cadre never asks for a key through the client).");
        assertThat(asked).isEmpty();
    }

    @Test
    void resourcesListPagesThroughEveryRunInTheRunsDirectoryNewestFirst() throws Exception {
        for (int i = 0; i < 120; i++) {
            String id = String.format("20260101T0000%02d-%016x", i % 60, i);
            Files.writeString(runs.resolve(id + ".jsonl"), "{\"type\":\"run_started\",\"crew\":\"crew-" + i + "\"}\n");
        }
        Files.writeString(runs.resolve("notes.txt"), "not a journal");
        start(ModelRegistry.of("scripted:m", model));
        McpSyncClient client = client(s -> s);
        McpSchema.ListResourcesResult first = client.listResources(null);
        assertThat(first.resources()).hasSize(50);
        assertThat(first.nextCursor()).isNotNull();
        McpSchema.ListResourcesResult second = client.listResources(first.nextCursor());
        McpSchema.ListResourcesResult third = client.listResources(second.nextCursor());
        assertThat(second.resources()).hasSize(50);
        assertThat(third.resources()).hasSize(20);
        assertThat(third.nextCursor()).isNull();
        List<String> uris = new ArrayList<>();
        List.of(first, second, third).forEach(page -> page.resources().forEach(r -> uris.add(r.uri())));
        assertThat(uris).hasSize(120).doesNotHaveDuplicates().isSortedAccordingTo(java.util.Comparator.reverseOrder());
        McpSchema.Resource newest = first.resources().get(0);
        assertThat(newest.mimeType()).isEqualTo("application/x-ndjson");
        assertThat(newest.title()).startsWith("Run 20260101T000059-").contains("(crew crew-");
        assertThat(client.listResources().resources()).as("the SDK's client follows the cursors").hasSize(120);
        assertThatThrownBy(() -> client.listResources("bm90LWEtY3Vyc29y")).hasMessageContaining("cursor is not one this server gave");

        Map<?, ?> waiting = (Map<?, ?>) client.callTool(new McpSchema.CallToolRequest("crew_writer", Map.of("task", "go")))
                .structuredContent();
        assertThat(client.listResources(null).resources().get(0).uri()).as("a run of this server is the newest")
                .isEqualTo("cadre://runs/" + waiting.get("runId"));
    }

    @Test
    void withoutARootACrewWithoutToolsRunsForAClientWithoutRootsAndOneWithToolsAsksForAWorkspace() throws Exception {
        server = start(McpServerConfig.builder().crew(dev.cadre.api.CrewSource.of("writer.yaml", CREW))
                .models(ModelRegistry.of("scripted:m", model)).runsDirectory(runs).build());
        McpSyncClient client = client(s -> s);
        Map<?, ?> waiting = (Map<?, ?>) client.callTool(new McpSchema.CallToolRequest("crew_writer", Map.of("task", "go")))
                .structuredContent();
        assertThat(waiting.get("status")).isEqualTo("WAITING_FOR_HUMAN");
        assertThatThrownBy(() -> client.callTool(new McpSchema.CallToolRequest("crew_coder-reviewer", Map.of("task", "fix it"))))
                .hasMessageContaining("No workspace: start 'cadre mcp' with --root DIR");
    }
}
