package dev.cadre.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.Checkpoint;
import dev.cadre.api.Decision;
import dev.cadre.api.HumanGate;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.Persona;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import dev.cadre.api.Task;
import dev.cadre.api.Tool;
import dev.cadre.api.crew.CrewPolicy;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.tools.CommandRunner;
import dev.cadre.tools.GitTools;
import dev.cadre.tools.LangChain4jTools;
import dev.cadre.tools.Workspace;
import dev.cadre.tools.WorkspaceTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under the default crew policy every tool Cadre ships that writes, executes or reaches outside (workspace write, edit
 * and diff, run_command, unannotated LangChain4j tools, other MCP servers' tools that are not read-only) stops at a
 * tool-approval checkpoint before it runs, and a rejected call never runs; read-only tools run without asking.
 */
class DefaultApprovalPolicyTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** A LangChain4j tool without @ToolRisk: its risk is unknown, so it is treated as EXTERNAL. */
    public static final class Mailer {
        final AtomicInteger sent = new AtomicInteger();

        @dev.langchain4j.agent.tool.Tool("Send an e-mail")
        public String sendMail(String to) {
            sent.incrementAndGet();
            return "sent to " + to;
        }
    }

    record Case(String tool, String arguments, BooleanSupplier untouched) {}

    @Test
    void everyWritingOrExecutingToolWaitsForApprovalAndARejectedCallNeverRuns() throws Exception {
        assertThat(CrewPolicy.DEFAULT.approveToolsFrom()).isEqualTo(RiskLevel.WRITES);
        Path ws = Files.createDirectories(dir.resolve("ws"));
        Files.writeString(ws.resolve("a.txt"), "alpha\n");
        Path remoteRoot = Files.createDirectories(dir.resolve("remote"));
        Workspace workspace = Workspace.at(ws);
        Mailer mailer = new Mailer();
        List<Tool> tools = new ArrayList<>(WorkspaceTools.create(workspace));
        tools.addAll(GitTools.create(workspace));
        tools.add(CommandRunner.of(workspace, "touch ran.txt"));
        tools.addAll(LangChain4jTools.from(mailer));
        try (CadreMcpServer remote = CadreMcpServer.http(McpServerConfig.builder().root(remoteRoot).runsDirectory(dir.resolve("remote-runs"))
                .build(), "127.0.0.1", 0, null, List.of())) {
            Path servers = dir.resolve(".mcp.json");
            Files.writeString(servers, "{\"mcpServers\":{\"remote\":{\"type\":\"http\",\"url\":\"" + remote.endpoint() + "\"}}}");
            try (McpClientTools external = McpClientTools.load(servers)) {
                tools.addAll(external.tools());
                String to = tools.stream().filter(t -> t.name().equals("sendMail")).findFirst().orElseThrow()
                        .specification().parameters().properties().keySet().iterator().next();
                String diff = "--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-alpha\n+gamma\n";
                Map<String, Case> cases = new LinkedHashMap<>();
                for (Case c : List.of(
                        new Case("workspace_write", "{\"path\":\"new.txt\",\"content\":\"x\"}", () -> !Files.exists(ws.resolve("new.txt"))),
                        new Case("workspace_edit", "{\"path\":\"a.txt\",\"old_text\":\"alpha\",\"new_text\":\"beta\"}", () -> unchanged(ws)),
                        new Case("workspace_apply_diff", "{\"diff\":" + dev.cadre.api.CadreJson.mapper().writeValueAsString(diff) + "}",
                                () -> unchanged(ws)),
                        new Case("run_command", "{\"command\":\"touch ran.txt\"}", () -> !Files.exists(ws.resolve("ran.txt"))),
                        new Case("sendMail", "{\"" + to + "\":\"boss@example.test\"}", () -> mailer.sent.get() == 0),
                        new Case("remote__workspace_write", "{\"path\":\"r.txt\",\"content\":\"x\"}", () -> !Files.exists(remoteRoot.resolve("r.txt"))),
                        new Case("remote__workspace_edit", "{\"path\":\"r.txt\",\"old_text\":\"a\",\"new_text\":\"b\"}", () -> true),
                        new Case("remote__workspace_apply_diff", "{\"diff\":\"x\"}", () -> true),
                        new Case("remote__cadre_checkpoint_resolve",
                                "{\"run_id\":\"r\",\"checkpoint_id\":\"c\",\"decision\":\"approve\"}", () -> true))) {
                    cases.put(c.tool(), c);
                }
                List<String> risky = tools.stream().filter(t -> t.risk() != RiskLevel.READ_ONLY).map(Tool::name).toList();
                assertThat(cases.keySet()).as("a case for every tool that is not read-only").containsAll(risky.stream()
                        .filter(n -> !n.startsWith("remote__crew_") && !n.equals("remote__cadre_run_status")
                                && !n.equals("remote__cadre_checkpoints_list")).toList());
                assertThat(risky).as("unannotated remote tools count as risky").contains("remote__cadre_run_status");

                int checked = 0;
                for (Case c : cases.values()) {
                    assertRejectedCallNeverRuns(tools, c);
                    checked++;
                }
                assertThat(checked).isEqualTo(9);

                ScriptedModel reads = ScriptedModel.builder().agent("agent", Reply.toolCall("workspace_read", "{\"path\":\"a.txt\"}"),
                        Reply.toolCall("git_status", "{}"), Reply.toolCall("remote__workspace_read", "{\"path\":\".\"}"),
                        Reply.text("read")).build();
                RunHandle run = orchestrator(reads, tools).run(agent(orchestrator(reads, tools)), Task.of("t", "Read."));
                RunResult result = run.result().block(WAIT);
                assertThat(result.succeeded()).as(result.reason()).isTrue();
                assertThat(run.events().ofType(RunEvent.CheckpointRequested.class).collectList().block(WAIT))
                        .as("read-only tools run without asking").isEmpty();
            }
        }
    }

    private static boolean unchanged(Path ws) {
        try {
            return Files.readString(ws.resolve("a.txt")).equals("alpha\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Orchestrator orchestrator(ScriptedModel model, List<Tool> tools) {
        return Orchestrator.builder().models(ModelRegistry.of("scripted:m", model)).tools(tools).runsDirectory(dir.resolve("runs"))
                .gate(HumanGate.programmatic()).build();
    }

    private static dev.cadre.api.Agent agent(Orchestrator orchestrator) {
        return orchestrator.agent(Persona.builder("agent").role("Agent").tools(List.of("*")).build());
    }

    private void assertRejectedCallNeverRuns(List<Tool> tools, Case c) {
        ScriptedModel model = ScriptedModel.builder().agent("agent", Reply.toolCall(c.tool(), c.arguments()), Reply.text("gave up")).build();
        Orchestrator orchestrator = orchestrator(model, tools);
        RunHandle run = orchestrator.run(agent(orchestrator), Task.of("t", "Do it."));
        Checkpoint asked = run.events().ofType(RunEvent.CheckpointRequested.class).blockFirst(WAIT).checkpoint();

        assertThat(asked.kind()).as(c.tool()).isEqualTo(Checkpoint.Kind.TOOL_APPROVAL);
        assertThat(asked.risk()).as(c.tool()).isGreaterThanOrEqualTo(RiskLevel.WRITES);
        assertThat(asked.question()).contains(c.tool());
        assertThat(c.untouched().getAsBoolean()).as(c.tool() + " has not run while it waits").isTrue();
        run.resolve(asked.id(), Decision.reject("not now", "test"));
        RunResult result = run.result().block(WAIT);
        assertThat(result.succeeded()).as(c.tool() + ": " + result.reason()).isTrue();
        assertThat(c.untouched().getAsBoolean()).as(c.tool() + " never ran").isTrue();
        assertThat(ScriptedModel.lastToolResult(model.requestsFor("agent").get(1).request())).contains("did not allow");
    }
}
