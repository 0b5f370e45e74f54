package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.CadreJson;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `cadre mcp --stdio` in a child JVM, driven by the SDK's stdio client: stdout carries JSON-RPC only. */
class McpStdioTest {

    static final String SUMMARY_CREW = """
            name: summary
            agents: {s: summarizer}
            tasks:
              - {id: sum, description: "Summarise {task}", agent: s}
            """;

    @TempDir
    Path root;

    @Test
    void servesToolsPromptsAndCrewsOverStdio() throws Exception {
        Files.writeString(root.resolve("readme.md"), "# Project\n");
        Path crews = Files.createDirectories(root.resolve("crews"));
        Files.writeString(crews.resolve("summary.yaml"), SUMMARY_CREW);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ServerParameters params = ServerParameters.builder(java).args("-cp", System.getProperty("java.class.path"),
                "dev.cadre.cli.Main", "mcp", "--stdio", "--root", root.toString(), "--crews", crews.toString())
                .env(Map.of("CADRE_LOG_LEVEL", "INFO")).build();
        StdioClientTransport transport = new StdioClientTransport(params, new JacksonMcpJsonMapper(CadreJson.newMapper()));
        List<String> stderr = new CopyOnWriteArrayList<>();
        transport.setStdErrorHandler(stderr::add);
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30))
                .initializationTimeout(Duration.ofSeconds(60)).build();
        try {
            McpSchema.InitializeResult init = client.initialize();
            assertThat(init.serverInfo().name()).isEqualTo("cadre");
            assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name)
                    .contains("workspace_read", "git_status", "crew_summary", "cadre_checkpoint_resolve")
                    .as("the built-in crews besides those of --crews").contains("crew_coder-reviewer", "crew_debate", "crew_hierarchical");
            McpSchema.CallToolResult read = client.callTool(new McpSchema.CallToolRequest("workspace_read", Map.of("path", "readme.md")));
            assertThat(((McpSchema.TextContent) read.content().get(0)).text()).isEqualTo("# Project\n");
            assertThat(client.listPrompts().prompts()).extracting(McpSchema.Prompt::name).contains("summarizer");
            McpSchema.CallToolResult noModel = client.callTool(new McpSchema.CallToolRequest("crew_summary", Map.of("task", "x")));
            assertThat(noModel.isError()).isTrue();
            assertThat(((McpSchema.TextContent) noModel.content().get(0)).text()).startsWith("No model is configured");
        } finally {
            client.closeGracefully();
        }
    }

    @Test
    void servesTheBuiltInCrewsWithoutCrewFilesAndOnlyTheUsersWithNoBuiltin() throws Exception {
        assertThat(crewTools("mcp", "--stdio", "--root", root.toString()))
                .containsExactly("crew_coder-reviewer", "crew_debate", "crew_hierarchical");
        Path crews = Files.createDirectories(root.resolve("crews"));
        Files.writeString(crews.resolve("summary.yaml"), SUMMARY_CREW);
        assertThat(crewTools("mcp", "--stdio", "--root", root.toString(), "--crews", crews.toString(), "--no-builtin"))
                .containsExactly("crew_summary");
    }

    /** The crew tools `cadre ARGS` serves over stdio, asked with the SDK's stdio client. */
    private List<String> crewTools(String... args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of("-cp", System.getProperty("java.class.path"), "dev.cadre.cli.Main"));
        command.addAll(List.of(args));
        ServerParameters params = ServerParameters.builder(java).args(command).build();
        McpSyncClient client = McpClient.sync(new StdioClientTransport(params, new JacksonMcpJsonMapper(CadreJson.newMapper())))
                .requestTimeout(Duration.ofSeconds(30)).initializationTimeout(Duration.ofSeconds(60)).build();
        try {
            client.initialize();
            return client.listTools().tools().stream().map(McpSchema.Tool::name).filter(n -> n.startsWith("crew_")).toList();
        } finally {
            client.closeGracefully();
        }
    }
}
