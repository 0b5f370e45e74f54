package dev.cadre.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.CadreJson;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolContext;
import dev.cadre.api.ToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hard links, link sizes, names with ':' and the per-run write quota (issue 13, finding 12). */
class WorkspaceLinksAndQuotaTest {

    @TempDir
    Path root;

    @TempDir
    Path outside;

    static ToolResult call(Map<String, Tool> tools, String runId, String tool, String json) throws Exception {
        JsonNode args = CadreJson.mapper().readTree(json);
        return tools.get(tool).invoke(args, new ToolContext(runId, "step", "coder", "call")).block(java.time.Duration.ofSeconds(60));
    }

    @Test
    void aHardLinkToAFileOutsideTheRootIsNeitherReadNorWritten() throws Exception {
        Path secret = Files.writeString(outside.resolve("secret.txt"), "TOP SECRET\n");
        Files.createLink(root.resolve("notes.txt"), secret);
        Map<String, Tool> tools = WorkspaceToolsTest.byName(WorkspaceTools.create(Workspace.at(root)));
        String refusal = "File 'notes.txt' has 2 hard links; a hard link can lead to a file outside the workspace,"
                + " so workspace tools neither read nor write it.";
        for (String[] c : List.of(
                new String[] {"workspace_read", "{\"path\":\"notes.txt\"}"},
                new String[] {"workspace_read", "{\"path\":\"notes.txt\",\"start_line\":1,\"end_line\":1}"},
                new String[] {"workspace_info", "{\"path\":\"notes.txt\"}"},
                new String[] {"workspace_write", "{\"path\":\"notes.txt\",\"content\":\"pwned\"}"},
                new String[] {"workspace_edit", "{\"path\":\"notes.txt\",\"old_text\":\"TOP\",\"new_text\":\"pwned\"}"},
                new String[] {"workspace_apply_diff", "{\"diff\":\"--- a/notes.txt\\n+++ b/notes.txt\\n@@ -1 +1 @@\\n-TOP SECRET\\n+pwned\\n\"}"})) {
            ToolResult result = call(tools, "r", c[0], c[1]);
            assertThat(result.error()).as(c[0]).isTrue();
            assertThat(result.text()).as(c[0]).isEqualTo(refusal);
        }
        assertThat(call(tools, "r", "workspace_search", "{\"regex\":\"SECRET\"}").text()).isEqualTo("No matches for /SECRET/.");
        assertThat(call(tools, "r", "workspace_glob", "{\"pattern\":\"*\"}").text()).isEqualTo("No files match '*'.");
        assertThat(Files.readString(secret)).isEqualTo("TOP SECRET\n");
    }

    @Test
    void listReportsASymbolicLinkItselfNotItsTarget() throws Exception {
        Files.writeString(root.resolve("big.txt"), "x".repeat(10_000));
        Files.createSymbolicLink(root.resolve("link.txt"), Path.of("big.txt"));
        Files.createDirectories(root.resolve("dir"));
        Files.createSymbolicLink(root.resolve("dir-link"), Path.of("dir"));
        Map<String, Tool> tools = WorkspaceToolsTest.byName(WorkspaceTools.create(Workspace.at(root)));
        ToolResult list = call(tools, "r", "workspace_list", "{}");
        Map<String, JsonNode> entries = new java.util.HashMap<>();
        list.structured().get("entries").forEach(e -> entries.put(e.get("name").asText(), e));
        assertThat(entries.get("link.txt").get("type").asText()).isEqualTo("link");
        assertThat(entries.get("link.txt").get("size").asLong()).isEqualTo("big.txt".length());
        assertThat(entries.get("dir-link").get("type").asText()).isEqualTo("link");
        assertThat(entries.get("dir-link").get("size").asLong()).isEqualTo("dir".length());
        assertThat(entries.get("big.txt").get("size").asLong()).isEqualTo(10_000);
        assertThat(list.text()).contains("link.txt  (link, 7 bytes)");
    }

    @Test
    void aNameWithAColonIsAnOrdinaryRelativeName() throws Exception {
        Map<String, Tool> tools = WorkspaceToolsTest.byName(WorkspaceTools.create(Workspace.at(root)));
        for (String name : List.of("a:b", "x:y/z.txt", "notes:v2.md")) {
            ToolResult write = call(tools, "r", "workspace_write", "{\"path\":\"" + name + "\",\"content\":\"ok\\n\"}");
            assertThat(write.error()).as(write.text()).isFalse();
            assertThat(root.resolve(name)).hasContent("ok");
            assertThat(call(tools, "r", "workspace_read", "{\"path\":\"" + name + "\"}").text()).isEqualTo("ok\n");
        }
        assertThat(call(tools, "r", "workspace_read", "{\"path\":\"C:/Windows/win.ini\"}").text()).contains("is absolute");
        assertThat(call(tools, "r", "workspace_read", "{\"path\":\"c:\"}").text()).contains("is absolute");
    }

    @Test
    void eachRunHasAWriteQuotaOfBytesAndFiles() throws Exception {
        Map<String, Tool> tools = WorkspaceToolsTest.byName(WorkspaceTools.create(Workspace.at(root).withWriteQuota(new WriteQuota(100, 3))));
        String sixty = "x".repeat(60);
        assertThat(call(tools, "run-1", "workspace_write", "{\"path\":\"a.txt\",\"content\":\"" + sixty + "\"}").error()).isFalse();
        ToolResult over = call(tools, "run-1", "workspace_write", "{\"path\":\"a.txt\",\"content\":\"" + sixty + "\"}");
        assertThat(over.error()).isTrue();
        assertThat(over.text()).isEqualTo("Writing 'a.txt' would bring this run's writes to 120 bytes, over its write quota of"
                + " 100 bytes (Workspace.writeQuota).");
        assertThat(call(tools, "run-2", "workspace_write", "{\"path\":\"a.txt\",\"content\":\"" + sixty + "\"}").error())
                .as("another run has its own quota").isFalse();

        for (String name : List.of("b", "c", "d")) {
            assertThat(call(tools, "run-3", "workspace_write", "{\"path\":\"" + name + "\",\"content\":\"1\"}").error()).isFalse();
        }
        assertThat(call(tools, "run-3", "workspace_edit", "{\"path\":\"b\",\"old_text\":\"1\",\"new_text\":\"2\"}").error())
                .as("a file already written does not count again").isFalse();
        ToolResult fourth = call(tools, "run-3", "workspace_apply_diff", "{\"diff\":\"--- /dev/null\\n+++ b/e\\n@@ -0,0 +1 @@\\n+1\\n\"}");
        assertThat(fourth.text()).isEqualTo("Writing 'e' would make this run write more than 3 files, its write quota (Workspace.writeQuota).");
        assertThat(root.resolve("e")).doesNotExist();
        assertThat(Workspace.at(root).writeQuota()).isEqualTo(new WriteQuota(64L * 1024 * 1024, 1000));
    }
}
