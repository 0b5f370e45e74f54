package dev.cadre.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.api.CadreState;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent that knows where Cadre keeps its state (journals, the journal key) cannot read or write there through
 * any workspace tool: not by a relative path through a root that contains it, not by its absolute path, not through
 * a symbolic link or a hard link it made with a command, and not before the directory exists.
 */
class WorkspaceProtectedStateTest {

    @TempDir
    Path home;

    @Test
    void cadresStateDirectoryIsAlwaysProtected() {
        assertThat(Workspace.at(home).protectedDirectories()).contains(CadreState.directory());
        assertThat(new Workspace(home, 10, 10, null, null, List.of(), List.of()).protectedDirectories()).contains(CadreState.directory());
    }

    @Test
    void aWorkspaceInsideAProtectedDirectoryIsRefused() throws Exception {
        Path state = Files.createDirectories(home.resolve(".local/state/cadre/runs"));
        assertThatThrownBy(() -> Workspace.at(state).withProtectedDirectory(home.resolve(".local/state/cadre")))
                .isInstanceOf(WorkspaceException.class)
                .hasMessage("Workspace root " + state.toRealPath() + " is inside " + home.resolve(".local/state/cadre")
                        + ", which holds Cadre's own state; choose a workspace outside it.");
    }

    @Test
    void noToolReachesTheStateDirectoryInsideOrOutsideTheRoot() throws Exception {
        Path state = Files.createDirectories(home.resolve(".local/state/cadre"));
        Path journal = Files.writeString(Files.createDirectories(state.resolve("runs")).resolve("r.jsonl"), "{\"journal\":1}\n");
        Path later = home.resolve(".cache/cadre-runs"); // protected before it exists
        Path elsewhere = Files.createDirectories(home.getParent().resolve(home.getFileName() + "-runs"));
        Path foreign = Files.writeString(elsewhere.resolve("s.jsonl"), "{\"journal\":2}\n");
        Files.createSymbolicLink(home.resolve("state-link"), state);
        Files.createLink(home.resolve("journal-copy.jsonl"), journal); // as `ln` run by an allowed command would
        Files.createLink(home.resolve("foreign-copy.jsonl"), foreign);
        Workspace workspace = Workspace.at(home).withProtectedDirectory(state).withProtectedDirectory(later)
                .withProtectedDirectory(elsewhere);
        Map<String, Tool> tools = WorkspaceToolsTest.byName(WorkspaceTools.create(workspace));
        List<String> ways = List.of(".local/state/cadre/runs/r.jsonl", ".local/state/cadre/key", ".local/state/cadre",
                state.resolve("runs/r.jsonl").toString(), "state-link/runs/r.jsonl", "state-link/runs/new.jsonl",
                "journal-copy.jsonl", ".cache/cadre-runs/forged.jsonl", foreign.toString(), "foreign-copy.jsonl");
        List<String> answers = new ArrayList<>();
        for (String path : ways) {
            for (ToolResult result : List.of(
                    call(tools, "workspace_read", "path", path),
                    call(tools, "workspace_read", "path", path, "start_line", 1, "end_line", 1),
                    call(tools, "workspace_write", "path", path, "content", "{\"forged\":true}\n"),
                    call(tools, "workspace_edit", "path", path, "old_text", "1", "new_text", "2"),
                    call(tools, "workspace_info", "path", path),
                    call(tools, "workspace_list", "path", path),
                    call(tools, "workspace_apply_diff", "diff", "--- /dev/null\n+++ b/" + path + "\n@@ -0,0 +1 @@\n+forged\n"),
                    call(tools, "workspace_apply_diff", "diff", "--- a/" + path + "\n+++ b/" + path + "\n@@ -1 +1 @@\n-{\"journal\":1}\n+x\n"))) {
                assertThat(result.error()).as(path + ": " + result.text()).isTrue();
                assertThat(result.text()).as(path).doesNotContain("journal\":");
                answers.add(result.text());
            }
        }
        assertThat(answers).hasSize(80);
        assertThat(answers).anyMatch(a -> a.contains("is inside Cadre's state directory") || a.contains("is inside a directory Cadre protects"));
        assertThat(journal).hasContent("{\"journal\":1}");
        assertThat(foreign).hasContent("{\"journal\":2}");
        assertThat(later).doesNotExist();
        try (var files = Files.list(state.resolve("runs"))) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("r.jsonl");
        }

        assertThat(call(tools, "workspace_search", "regex", "journal").text()).isEqualTo("No matches for /journal/.");
        assertThat(call(tools, "workspace_glob", "pattern", "**").text()).doesNotContain("r.jsonl").doesNotContain("key");
        assertThat(call(tools, "workspace_list", "path", ".local/state").text()).isEqualTo("(empty directory)");
        assertThat(call(tools, "workspace_list", "path", ".").text()).contains("state-link").contains(".local/");
    }

    static ToolResult call(Map<String, Tool> tools, String tool, Object... kv) {
        var args = dev.cadre.api.CadreJson.mapper().createObjectNode();
        for (int i = 0; i < kv.length; i += 2) {
            args.putPOJO((String) kv[i], kv[i + 1]);
        }
        return tools.get(tool).invoke(dev.cadre.api.CadreJson.mapper().valueToTree(args), WorkspaceToolsTest.CTX).block();
    }
}
