package dev.cadre.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.api.CadreJson;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolContext;
import dev.cadre.api.ToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceToolsTest {

    @TempDir
    Path root;

    @TempDir
    Path outside;

    Map<String, Tool> tools;
    static final ToolContext CTX = new ToolContext("run", "step", "coder", "call-1");

    @BeforeEach
    void setUp() throws Exception {
        Files.writeString(root.resolve("App.java"), "class App {\n  int x = 1;\n  int y = 1;\n}\n");
        Files.createDirectories(root.resolve("src/main"));
        Files.writeString(root.resolve("src/main/Util.java"), "class Util { // TODO tidy\n}\n");
        Files.writeString(outside.resolve("secret.txt"), "TOP SECRET");
        tools = byName(WorkspaceTools.create(new Workspace(root, 200, 200)));
    }

    static Map<String, Tool> byName(List<Tool> list) {
        return list.stream().collect(java.util.stream.Collectors.toMap(Tool::name, t -> t));
    }

    ToolResult call(String tool, Object... kv) {
        ObjectNode args = CadreJson.mapper().createObjectNode();
        for (int i = 0; i < kv.length; i += 2) {
            args.putPOJO((String) kv[i], kv[i + 1]);
        }
        JsonNode json = CadreJson.mapper().valueToTree(args);
        return tools.get(tool).invoke(json, CTX).block();
    }

    @Test
    void declaresNamesRisksAndIdempotency() {
        assertThat(tools.keySet()).containsExactlyInAnyOrder("workspace_read", "workspace_write", "workspace_edit",
                "workspace_apply_diff", "workspace_list", "workspace_glob", "workspace_search", "workspace_info");
        assertThat(tools.get("workspace_read").risk()).isEqualTo(RiskLevel.READ_ONLY);
        assertThat(tools.get("workspace_write").risk()).isEqualTo(RiskLevel.WRITES);
        assertThat(tools.get("workspace_write").idempotent()).isTrue();
        assertThat(tools.get("workspace_edit").idempotent()).isFalse();
        tools.keySet().forEach(Tool::requireValidName);
    }

    @Test
    void searchAndGlobDoNotSeeTheTemporaryFileOfAWriteInProgress() {
        // regression (found by the MCP fuzz run): a search running while a write was in progress listed the write's
        // temporary file, which was renamed before the search read it, and failed with NoSuchFileException
        List<String> seen = new java.util.ArrayList<>();
        Map<String, Tool> pausing = byName(WorkspaceTools.create(Workspace.at(root), () -> {
            seen.add(call("workspace_search", "regex", "midway").text());
            seen.add(call("workspace_glob", "pattern", "**").text());
        }));
        ObjectNode args = CadreJson.mapper().createObjectNode().put("path", "notes/draft.txt").put("content", "midway\n");
        assertThat(pausing.get("workspace_write").invoke(args, CTX).block().error()).isFalse();
        assertThat(seen.get(0)).isEqualTo("No matches for /midway/.");
        assertThat(seen.get(1)).doesNotContain("cadre-tmp");
        assertThat(call("workspace_search", "regex", "midway").text()).isEqualTo("notes/draft.txt:1: midway");
    }

    @Test
    void readsWholeFilesAndLineRangesWithinTheLimit() throws Exception {
        assertThat(call("workspace_read", "path", "App.java").text()).isEqualTo("class App {\n  int x = 1;\n  int y = 1;\n}\n");
        ToolResult range = call("workspace_read", "path", "App.java", "start_line", 2, "end_line", 3);
        assertThat(range.text()).isEqualTo("  int x = 1;\n  int y = 1;");
        assertThat(range.structured().get("total_lines").asInt()).isEqualTo(4);
        Files.writeString(root.resolve("big.txt"), "line\n".repeat(100));
        ToolResult big = call("workspace_read", "path", "big.txt");
        assertThat(big.error()).isTrue();
        assertThat(big.text()).isEqualTo("File 'big.txt' is 500 bytes, over the read limit of 200 bytes; read it by line range (start_line, end_line).");
        assertThat(call("workspace_read", "path", "big.txt", "start_line", 1, "end_line", 3).text()).isEqualTo("line\nline\nline");
        Files.write(root.resolve("bin.dat"), new byte[] {1, 0, 2});
        assertThat(call("workspace_read", "path", "bin.dat").text()).contains("is not UTF-8 text");
        assertThat(call("workspace_read", "path", "nope.txt").text()).isEqualTo("File 'nope.txt' does not exist.");
    }

    @Test
    void writesAtomicallyAndAnInterruptedWriteLeavesTheOldFileIntact() throws Exception {
        assertThat(call("workspace_write", "path", "docs/new.md", "content", "# New\n").text()).isEqualTo("Created docs/new.md (6 bytes, 1 lines).");
        assertThat(Files.readString(root.resolve("docs/new.md"))).isEqualTo("# New\n");

        Map<String, Tool> crashing = byName(WorkspaceTools.create(Workspace.at(root), () -> {
            throw new IllegalStateException("power cut before the rename");
        }));
        assertThatThrownBy(() -> crashing.get("workspace_write").invoke(CadreJson.mapper().readTree(
                "{\"path\":\"App.java\",\"content\":\"garbage\"}"), CTX).block()).hasMessageContaining("power cut");
        assertThat(Files.readString(root.resolve("App.java"))).startsWith("class App {");
        try (Stream<Path> files = Files.list(root)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".cadre-tmp"));
        }
        assertThat(call("workspace_write", "path", "huge.txt", "content", "x".repeat(201)).text())
                .isEqualTo("The content for 'huge.txt' is 201 bytes, over the write limit of 200 bytes.");
    }

    @Test
    void editsReplaceExactlyOneOccurrence() throws Exception {
        assertThat(call("workspace_edit", "path", "App.java", "old_text", "int x = 1;", "new_text", "int x = 2;").text())
                .isEqualTo("Edited App.java at line 2.");
        assertThat(Files.readString(root.resolve("App.java"))).contains("int x = 2;").contains("int y = 1;");
        ToolResult ambiguous = call("workspace_edit", "path", "App.java", "old_text", " = ", "new_text", "=");
        assertThat(ambiguous.error()).isTrue();
        assertThat(ambiguous.text()).isEqualTo("The text to replace appears 2 times in 'App.java'; include more surrounding lines so that it appears once.");
        assertThat(call("workspace_edit", "path", "App.java", "old_text", "int z", "new_text", "x").text())
                .isEqualTo("The text to replace was not found in 'App.java'; read the file and copy the text exactly.");
        assertThat(Files.readString(root.resolve("App.java"))).contains("int x = 2;\n  int y = 1;");
    }

    @Test
    void appliesUnifiedDiffsToAllFilesOrNone() throws Exception {
        String diff = """
                --- a/App.java
                +++ b/App.java
                @@ -1,4 +1,4 @@
                 class App {
                -  int x = 1;
                +  int x = 42;
                   int y = 1;
                 }
                --- /dev/null
                +++ b/NOTES.md
                @@ -0,0 +1,2 @@
                +# Notes
                +x is 42
                """;
        assertThat(call("workspace_apply_diff", "diff", diff).text()).isEqualTo("Applied the diff to 2 files: [App.java, NOTES.md].");
        assertThat(Files.readString(root.resolve("App.java"))).isEqualTo("class App {\n  int x = 42;\n  int y = 1;\n}\n");
        assertThat(Files.readString(root.resolve("NOTES.md"))).isEqualTo("# Notes\nx is 42\n");

        String stale = """
                --- a/src/main/Util.java
                +++ b/src/main/Util.java
                @@ -1,2 +1,2 @@
                -class Util { // TODO tidy
                +class Util {
                 }
                --- a/App.java
                +++ b/App.java
                @@ -2,1 +2,1 @@
                -  int x = 1;
                +  int x = 7;
                """;
        ToolResult refused = call("workspace_apply_diff", "diff", stale);
        assertThat(refused.error()).isTrue();
        assertThat(refused.text()).startsWith("Hunk 1 of the diff for 'App.java' does not match the file at line 2");
        assertThat(Files.readString(root.resolve("src/main/Util.java"))).contains("TODO tidy");
        assertThat(call("workspace_apply_diff", "diff", "just some text").text())
                .isEqualTo("The text is not a unified diff: no '--- a/file' and '+++ b/file' lines were found.");
    }

    @Test
    void listsGlobsSearchesAndDescribesRespectingGitignore() throws Exception {
        Files.writeString(root.resolve(".gitignore"), "target/\n*.log\n!keep.log\n");
        Files.createDirectories(root.resolve("target"));
        Files.writeString(root.resolve("target/Gen.java"), "class Gen { // TODO generated\n}\n");
        Files.writeString(root.resolve("debug.log"), "TODO in a log\n");
        Files.writeString(root.resolve("keep.log"), "TODO kept\n");

        assertThat(call("workspace_list", "path", ".").text()).contains("App.java  (").contains("src/").contains("target/");
        assertThat(call("workspace_glob", "pattern", "**/*.java").text()).isEqualTo("src/main/Util.java");
        assertThat(call("workspace_glob", "pattern", "*.java").text()).isEqualTo("App.java");
        assertThat(call("workspace_search", "regex", "TODO").text()).isEqualTo("keep.log:1: TODO kept\nsrc/main/Util.java:1: class Util { // TODO tidy");
        assertThat(call("workspace_search", "regex", "TODO", "glob", "**/*.java").text()).isEqualTo("src/main/Util.java:1: class Util { // TODO tidy");
        assertThat(call("workspace_search", "regex", "([").text()).startsWith("The regular expression '([' is invalid");
        JsonNode info = call("workspace_info", "path", "App.java").structured();
        assertThat(info.get("type").asText()).isEqualTo("file");
        assertThat(info.get("lines").asInt()).isEqualTo(4);
        assertThat(call("workspace_info", "path", "missing").text()).isEqualTo("'missing' does not exist.");
    }

    @Test
    void refusesEveryWayOut() throws Exception {
        Files.createSymbolicLink(root.resolve("escape"), outside);
        Files.createSymbolicLink(root.resolve("secret-link.txt"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("inside-link.java"), root.resolve("App.java"));
        Map<String, String> refusals = new java.util.LinkedHashMap<>();
        refusals.put("../" + outside.getFileName() + "/secret.txt", "goes up with '..'");
        refusals.put("src/../../x", "goes up with '..'");
        refusals.put(outside.resolve("secret.txt").toString(), "is absolute");
        refusals.put("escape/secret.txt", "leads outside the workspace through a symbolic link");
        refusals.put("secret-link.txt", "leads outside the workspace through a symbolic link");
        refusals.put("App.java\0.txt", "contains a NUL byte");
        refusals.put("a/".repeat(600), "characters long, over the limit of 1024");
        refusals.put("\uFF0E\uFF0E/secret.txt", "uses look-alike characters for '..'");
        refusals.put("src\u2215..\u2215..\u2215etc", "uses look-alike characters");
        refusals.put("..\\..\\secret.txt", "contains a backslash");
        refusals.put("~/.ssh/id_rsa", "is absolute");
        for (var entry : refusals.entrySet()) {
            for (String tool : List.of("workspace_read", "workspace_write", "workspace_info")) {
                ToolResult result = tool.equals("workspace_write")
                        ? call(tool, "path", entry.getKey(), "content", "pwned")
                        : call(tool, "path", entry.getKey());
                assertThat(result.error()).as(tool + " " + entry.getKey()).isTrue();
                assertThat(result.text()).as(tool + " " + entry.getKey()).contains(entry.getValue());
            }
        }
        assertThat(Files.readString(outside.resolve("secret.txt"))).isEqualTo("TOP SECRET");
        assertThat(call("workspace_read", "path", "inside-link.java").error()).isFalse();
        assertThat(call("workspace_glob", "pattern", "../**").text()).contains("must be relative to the workspace root");
        assertThat(call("workspace_search", "regex", "SECRET").text()).doesNotContain("TOP SECRET");
    }

    /**
     * Every tool that takes a path (read, write, edit, list, info, and the file names inside a diff) refuses every
     * escape: 26 attempts x 6 ways in = 156 refusals; nothing outside the root is read, created or changed.
     */
    @Test
    void everyToolThatTakesAPathRefusesEveryWayOut() throws Exception {
        Path innerDir = Files.createDirectories(root.resolve("inner"));
        Files.createSymbolicLink(root.resolve("escape"), outside);
        Files.createSymbolicLink(root.resolve("secret-link.txt"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("dangling.txt"), outside.resolve("created-by-agent.txt"));
        Files.createSymbolicLink(innerDir.resolve("hop"), root.resolve("escape")); // inside -> inside -> outside
        Files.createSymbolicLink(root.resolve("loop-a"), root.resolve("loop-b"));
        Files.createSymbolicLink(root.resolve("loop-b"), root.resolve("loop-a"));
        List<String> escapes = List.of(
                "..", "../secret.txt", "../" + outside.getFileName() + "/secret.txt", "src/../../secret.txt", "src/main/../../../x",
                outside.resolve("secret.txt").toString(), "/etc/passwd", "//server/share/x", "C:/Windows/win.ini", "~/.ssh/id_rsa",
                "escape/secret.txt", "escape/new-file.txt", "secret-link.txt", "dangling.txt", "inner/hop/secret.txt", "loop-a",
                "App.java\0.txt", "src\0/../../x",
                "a/".repeat(600), "n".repeat(256),
                "\uFF0E\uFF0E/secret.txt", "\u2024\u2024/secret.txt", "\uFE52\uFE52/secret.txt",
                "src\u2215..\u2215..\u2215secret.txt", "..\uFF0Fsecret.txt", "..\\..\\secret.txt");
        int refused = 0;
        for (String path : escapes) {
            List<ToolResult> results = List.of(
                    call("workspace_read", "path", path),
                    call("workspace_write", "path", path, "content", "pwned"),
                    call("workspace_edit", "path", path, "old_text", "TOP SECRET", "new_text", "pwned"),
                    call("workspace_list", "path", path),
                    call("workspace_info", "path", path),
                    call("workspace_apply_diff", "diff", "--- /dev/null\n+++ b/" + path + "\n@@ -0,0 +1 @@\n+pwned\n"));
            for (ToolResult result : results) {
                assertThat(result.error()).as(printable(path) + ": " + result.text()).isTrue();
                assertThat(result.text()).as(printable(path)).doesNotContain("TOP SECRET");
                refused++;
            }
        }
        assertThat(refused).isEqualTo(26 * 6);
        try (Stream<Path> left = Files.list(outside)) {
            assertThat(left.map(f -> f.getFileName().toString())).containsExactly("secret.txt");
        }
        assertThat(Files.readString(outside.resolve("secret.txt"))).isEqualTo("TOP SECRET");
        assertThat(call("workspace_apply_diff", "diff", "--- a/secret-link.txt\n+++ b/secret-link.txt\n@@ -1 +1 @@\n-TOP SECRET\n+pwned\n")
                .error()).isTrue();
        assertThat(Files.readString(outside.resolve("secret.txt"))).isEqualTo("TOP SECRET");
    }

    private static String printable(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s.replace("\0", "\\0");
    }

    @Test
    void aResumedWriteWhoseEffectIsPresentIsNotAppliedAgain() throws Exception {
        JsonNode write = CadreJson.mapper().readTree("{\"path\":\"App.java\",\"content\":\"new\"}");
        assertThat(tools.get("workspace_write").recoverInterruptedCall(write, CTX).block()).isNull();
        assertThat(tools.get("workspace_write").invoke(write, CTX).block().text()).startsWith("Replaced App.java");
        assertThat(tools.get("workspace_write").recoverInterruptedCall(write, CTX).block().text()).contains("already as requested");
        JsonNode edit = CadreJson.mapper().readTree("{\"path\":\"App.java\",\"old_text\":\"new\",\"new_text\":\"newer\"}");
        assertThat(tools.get("workspace_edit").recoverInterruptedCall(edit, CTX).block()).isNull();
        tools.get("workspace_edit").invoke(edit, CTX).block();
        assertThat(tools.get("workspace_edit").recoverInterruptedCall(edit, CTX).block().text()).contains("already as requested");
    }

    @Test
    void aResumedWriteRemovesTheTemporaryFileAKilledProcessLeft() throws Exception {
        // SIGKILL between creating the temporary file and renaming it leaves the temporary file (no finally runs)
        Files.writeString(root.resolve(".App.java.123.cadre-tmp"), "half");
        Files.writeString(root.resolve("src/main/.Util.java.456.cadre-tmp"), "half");
        Files.writeString(root.resolve(".Other.java.789.cadre-tmp"), "another file's");
        tools.get("workspace_write").recoverInterruptedCall(CadreJson.mapper().readTree("{\"path\":\"App.java\",\"content\":\"new\"}"), CTX)
                .block();
        tools.get("workspace_edit").recoverInterruptedCall(CadreJson.mapper().readTree(
                "{\"path\":\"src/main/Util.java\",\"old_text\":\"TODO\",\"new_text\":\"DONE\"}"), CTX).block();
        assertThat(root.resolve(".App.java.123.cadre-tmp")).doesNotExist();
        assertThat(root.resolve("src/main/.Util.java.456.cadre-tmp")).doesNotExist();
        assertThat(root.resolve(".Other.java.789.cadre-tmp")).exists();
    }
}
