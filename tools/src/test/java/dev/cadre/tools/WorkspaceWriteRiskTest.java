package dev.cadre.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.CadreJson;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.Tool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes that can make code run (into .git/, to executed files) are EXECUTES calls, with the reason. */
class WorkspaceWriteRiskTest {

    @TempDir
    Path root;

    static JsonNode write(String path) {
        return CadreJson.mapper().createObjectNode().put("path", path).put("content", "x");
    }

    @Test
    void writesIntoGitAreExecutesWhateverTheSpelling() throws Exception {
        Files.createDirectories(root.resolve(".git"));
        Files.createSymbolicLink(root.resolve("g"), Path.of(".git"));
        Map<String, Tool> tools = WorkspaceToolsTest.byName(WorkspaceTools.create(Workspace.at(root)));
        for (String tool : List.of("workspace_write", "workspace_edit")) {
            for (String path : List.of(".git/config", ".GIT/hooks/pre-commit", "sub/.git/config", ".git", "sub/.Git",
                    ".git./config", ".git /config", ".g\u200cit/config", "git~1/config", "g/config")) {
                JsonNode args = write(path);
                assertThat(tools.get(tool).risk(args)).as(tool + " " + path).isEqualTo(RiskLevel.EXECUTES);
                assertThat(tools.get(tool).riskReason(args)).as(path)
                        .hasValue("writes into .git/ ('" + path + "'), where git configuration and hooks can run code");
            }
            assertThat(tools.get(tool).risk(write("src/App.java"))).isEqualTo(RiskLevel.WRITES);
            assertThat(tools.get(tool).riskReason(write("src/App.java"))).isEmpty();
            assertThat(tools.get(tool).risk(write("docs/.gitignore"))).isEqualTo(RiskLevel.WRITES);
        }
        Tool diff = tools.get("workspace_apply_diff");
        JsonNode intoGit = CadreJson.mapper().createObjectNode().put("diff",
                "--- /dev/null\n+++ b/README.md\n@@ -0,0 +1 @@\n+x\n--- /dev/null\n+++ b/.git/hooks/post-checkout\n@@ -0,0 +1 @@\n+x\n");
        assertThat(diff.risk(intoGit)).isEqualTo(RiskLevel.EXECUTES);
        assertThat(diff.riskReason(intoGit).orElseThrow()).contains(".git/hooks/post-checkout");
        assertThat(diff.risk(CadreJson.mapper().createObjectNode().put("diff", "not a diff"))).isEqualTo(RiskLevel.WRITES);
        assertThat(tools.get("workspace_read").risk(write(".git/config"))).isEqualTo(RiskLevel.READ_ONLY);
    }

    @Test
    void writesToExecutedFilesAreExecutesNamingThePattern() {
        Workspace workspace = Workspace.at(root).withExecutedFiles(List.of("pom.xml", ".mvn/**", "build.gradle*", "Makefile"));
        Map<String, Tool> tools = WorkspaceToolsTest.byName(WorkspaceTools.create(workspace));
        Map<String, String> cases = Map.of("pom.xml", "pom.xml", "module/pom.xml", "pom.xml", "POM.XML", "pom.xml",
                ".mvn/wrapper/maven-wrapper.properties", ".mvn/**", "build.gradle.kts", "build.gradle*", "makefile", "Makefile");
        cases.forEach((path, pattern) -> {
            assertThat(tools.get("workspace_write").risk(write(path))).as(path).isEqualTo(RiskLevel.EXECUTES);
            assertThat(tools.get("workspace_write").riskReason(write(path))).as(path).hasValue("writes '" + path
                    + "', which matches the crew's executed file pattern '" + pattern + "': allow-listed commands run it");
        });
        assertThat(tools.get("workspace_write").risk(write("src/pom.xml.txt"))).isEqualTo(RiskLevel.WRITES);
        assertThat(WorkspaceToolsTest.byName(WorkspaceTools.create(Workspace.at(root))).get("workspace_write").risk(write("pom.xml")))
                .as("no executed files unless the crew says so").isEqualTo(RiskLevel.WRITES);
        assertThatThrownBy(() -> Workspace.at(root).withExecutedFiles(List.of("{pom.xml")))
                .hasMessage("Executed-files pattern '{pom.xml' is not a valid glob: a '{' group is not closed.");
    }

    @Test
    void aCrewsExecutedFilesRemakeTheWorkspaceToolsAndKeepTheOthers() {
        Tool other = new CommandRunner(Workspace.at(root), List.of("true"), java.time.Duration.ofSeconds(5), 1024, Map.of());
        List<Tool> tools = new java.util.ArrayList<>(WorkspaceTools.create(Workspace.at(root)));
        tools.add(other);
        List<Tool> remade = WorkspaceTools.withExecutedFiles(tools, List.of("package.json"));
        assertThat(remade).extracting(Tool::name).containsExactlyElementsOf(tools.stream().map(Tool::name).toList());
        assertThat(remade).contains(other);
        Tool write = remade.stream().filter(t -> t.name().equals("workspace_write")).findFirst().orElseThrow();
        assertThat(write.risk(write("web/package.json"))).isEqualTo(RiskLevel.EXECUTES);
    }
}
