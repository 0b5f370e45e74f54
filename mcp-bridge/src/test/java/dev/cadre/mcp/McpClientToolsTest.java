package dev.cadre.mcp;

import static dev.cadre.testkit.CadreAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.api.CadreJson;
import dev.cadre.api.HumanGate;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.Persona;
import dev.cadre.api.RunHandle;
import dev.cadre.api.Task;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolContext;
import dev.cadre.api.ToolResult;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class McpClientToolsTest {

    @TempDir
    Path dir;

    static final ToolContext CTX = new ToolContext("r", "s", "a", "c");

    @Test
    void anHttpServersToolsBecomeCadreToolsAndRunInACrew() throws Exception {
        Path root = Files.createDirectories(dir.resolve("ws"));
        Files.writeString(root.resolve("a.txt"), "alpha\n");
        try (CadreMcpServer server = CadreMcpServer.http(McpServerConfig.builder().root(root).runsDirectory(dir.resolve("runs")).build(),
                "127.0.0.1", 0, "tok", List.of())) {
            Path config = dir.resolve(".mcp.json");
            Files.writeString(config, "{\"mcpServers\":{\"cadre\":{\"type\":\"http\",\"url\":\"" + server.endpoint()
                    + "\",\"headers\":{\"Authorization\":\"Bearer tok\"}}}}");
            try (McpClientTools clients = McpClientTools.load(config)) {
                List<Tool> tools = clients.tools();
                assertThat(tools).extracting(Tool::name).contains("cadre__workspace_read", "cadre__cadre_run_status");
                Tool read = tools.stream().filter(t -> t.name().equals("cadre__workspace_read")).findFirst().orElseThrow();
                assertThat(read.specification().parameters().required()).containsExactly("path");
                ToolResult result = read.invoke(CadreJson.mapper().readTree("{\"path\":\"a.txt\"}"), CTX).block();
                assertThat(result.text()).isEqualTo("alpha\n");

                ScriptedModel model = ScriptedModel.builder().agent("reader",
                        Reply.toolCall("cadre__workspace_read", "{\"path\":\"a.txt\"}"),
                        Reply.dynamic(r -> Reply.text("read: " + ScriptedModel.lastToolResult(r).strip()))).build();
                Orchestrator orchestrator = Orchestrator.builder().models(ModelRegistry.of("scripted:m", model)).tools(tools)
                        .runsDirectory(dir.resolve("runs2")).gate(HumanGate.autoApprove()).build();
                RunHandle run = orchestrator.run(orchestrator.agent(Persona.builder("reader").role("Reader").tools("cadre__*").build()),
                        Task.of("read", "Read a.txt."));
                assertThat(run).succeeded().hasOutput("read: alpha");
            }
        }
    }

    @Test
    void badConfigurationsAreClearErrors() throws Exception {
        assertThatThrownBy(() -> McpClientTools.load(dir.resolve("missing.json")))
                .hasMessage("MCP servers file " + dir.resolve("missing.json") + " does not exist.");
        Path noServers = dir.resolve("a.json");
        Files.writeString(noServers, "{\"servers\":{}}");
        assertThatThrownBy(() -> McpClientTools.load(noServers)).hasMessage("MCP servers file " + noServers + " has no \"mcpServers\" object.");
        Path neither = dir.resolve("b.json");
        Files.writeString(neither, "{\"mcpServers\":{\"x\":{\"args\":[]}}}");
        assertThatThrownBy(() -> McpClientTools.load(neither))
                .hasMessage("MCP server 'x' in " + neither + " needs either \"command\" (stdio) or \"url\" (HTTP).");
        assertThat(McpClientTools.safeName("my.server", "read.file")).isEqualTo("my_server__read_file");
        assertThat(McpClientTools.safeName("s", "x".repeat(80))).hasSize(64).matches("[a-zA-Z0-9_-]+");
    }

    static boolean npxAvailable() {
        try {
            Process p = new ProcessBuilder("npx", "--version").redirectErrorStream(true).start();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void theReferenceServersToolsRunInsideACrewAndLeaveNoProcessBehind() throws Exception {
        Assumptions.assumeTrue(npxAvailable(), "npx is not installed: .ci/run installs Node and runs this test");
        Path files = Files.createDirectories(dir.resolve("files"));
        Files.writeString(files.resolve("hello.txt"), "hello from the filesystem server");
        Path config = dir.resolve(".mcp.json");
        Files.writeString(config, CadreJson.mapper().writeValueAsString(Map.of("mcpServers", Map.of(
                "everything", Map.of("command", "npx", "args", List.of("-y", "@modelcontextprotocol/server-everything")),
                "fs", Map.of("command", "npx", "args", List.of("-y", "@modelcontextprotocol/server-filesystem", files.toString()))))));
        long childrenBefore = ProcessHandle.current().descendants().count();
        try (McpClientTools clients = McpClientTools.load(config)) {
            List<Tool> tools = clients.tools();
            assertThat(tools).extracting(Tool::name).contains("everything__echo", "fs__read_text_file");
            ScriptedModel model = ScriptedModel.builder().agent("agent",
                    Reply.toolCall("everything__echo", "{\"message\":\"ping\"}"),
                    Reply.toolCall("fs__read_text_file", CadreJson.mapper().createObjectNode().put("path", files.resolve("hello.txt").toString()).toString()),
                    Reply.dynamic(r -> Reply.text(ScriptedModel.lastToolResult(r)))).build();
            Orchestrator orchestrator = Orchestrator.builder().models(ModelRegistry.of("scripted:m", model)).tools(tools)
                    .runsDirectory(dir.resolve("runs")).gate(HumanGate.autoApprove()).build();
            RunHandle run = orchestrator.run(orchestrator.agent(Persona.builder("agent").role("Agent").tools("everything__echo", "fs__*").build()),
                    Task.of("t", "Use the tools."));
            assertThat(run).succeeded().hasOutput("hello from the filesystem server");
            assertThat(ScriptedModel.lastToolResult(model.requestsFor("agent").get(1).request())).contains("ping");
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (ProcessHandle.current().descendants().count() > childrenBefore && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(ProcessHandle.current().descendants().count()).as("no server process is left running").isLessThanOrEqualTo(childrenBefore);
    }
}
