package dev.cadre.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.api.CadreJson;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolContext;
import dev.cadre.api.ToolResult;
import dev.langchain4j.agent.tool.P;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitAndLangChain4jToolsTest {

    @TempDir
    Path root;

    static final ToolContext CTX = new ToolContext("run", "step", "coder", "call-1");

    void git(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("git", "-c", "user.name=Test", "-c", "user.email=t@example.com"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
    }

    @Test
    void gitStatusAndDiffShowTheWorkspacesChanges() throws Exception {
        git("init", "-q", "-b", "main");
        Files.writeString(root.resolve("App.java"), "class App {}\n");
        git("add", ".");
        git("commit", "-q", "-m", "first");
        Files.writeString(root.resolve("App.java"), "class App { int x; }\n");
        Files.writeString(root.resolve("New.java"), "class New {}\n");
        Map<String, Tool> tools = GitTools.create(Workspace.at(root)).stream().collect(Collectors.toMap(Tool::name, t -> t));

        ToolResult status = tools.get("git_status").invoke(CadreJson.mapper().createObjectNode(), CTX).block();
        assertThat(status.text()).contains("## main").contains(" M App.java").contains("?? New.java");
        ToolResult diff = tools.get("git_diff").invoke(CadreJson.mapper().createObjectNode().put("path", "App.java"), CTX).block();
        assertThat(diff.text()).contains("-class App {}").contains("+class App { int x; }");
        assertThat(tools.get("git_diff").risk()).isEqualTo(RiskLevel.READ_ONLY);
        ToolResult outside = tools.get("git_diff").invoke(CadreJson.mapper().createObjectNode().put("path", "../x"), CTX).block();
        assertThat(outside.error()).isTrue();
    }

    @Test
    void gitOutsideARepositoryIsAClearError() throws Exception {
        Map<String, Tool> tools = GitTools.create(Workspace.at(root)).stream().collect(Collectors.toMap(Tool::name, t -> t));
        ToolResult status = tools.get("git_status").invoke(CadreJson.mapper().createObjectNode(), CTX).block();
        assertThat(status.error()).isTrue();
        assertThat(status.text()).isEqualTo("Workspace " + root.toRealPath() + " is not a git repository (it has no .git directory;"
                + " git tools never read a repository above the workspace root).");
    }

    static final class Calculator {
        @dev.langchain4j.agent.tool.Tool("Adds two integers")
        @ToolRisk(value = RiskLevel.READ_ONLY, idempotent = true)
        public int add(@P("first") int a, @P("second") int b) {
            return a + b;
        }

        @dev.langchain4j.agent.tool.Tool(name = "send_email", value = "Sends an email")
        public String sendEmail(@P("to") String to) {
            return "sent to " + to;
        }
    }

    @Test
    void langChain4jToolMethodsBecomeCadreTools() throws Exception {
        Map<String, Tool> tools = LangChain4jTools.from(new Calculator()).stream().collect(Collectors.toMap(Tool::name, t -> t));
        assertThat(tools.keySet()).containsExactlyInAnyOrder("add", "send_email");
        Tool add = tools.get("add");
        assertThat(add.specification().description()).isEqualTo("Adds two integers");
        assertThat(add.specification().parameters().required()).containsExactlyInAnyOrder("a", "b");
        assertThat(add.risk()).isEqualTo(RiskLevel.READ_ONLY);
        assertThat(add.idempotent()).isTrue();
        assertThat(add.invoke(CadreJson.mapper().readTree("{\"a\":2,\"b\":3}"), CTX).block().text()).isEqualTo("5");
        Tool email = tools.get("send_email");
        assertThat(email.risk()).as("unannotated methods are assumed risky").isEqualTo(RiskLevel.EXTERNAL);
        assertThat(email.invoke(CadreJson.mapper().readTree("{\"to\":\"bob\"}"), CTX).block().text()).isEqualTo("sent to bob");
        assertThatThrownBy(() -> LangChain4jTools.from(new Object())).hasMessage("java.lang.Object has no methods annotated with LangChain4j's @Tool.");
    }
}
