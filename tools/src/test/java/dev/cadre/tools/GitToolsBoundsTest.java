package dev.cadre.tools;

import static dev.cadre.tools.GitFixture.CTX;
import static dev.cadre.tools.GitFixture.git;
import static dev.cadre.tools.GitFixture.repo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.CadreJson;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The git tools' answers and work are bounded: per-file diff size, answer length and a deadline. */
class GitToolsBoundsTest {

    @TempDir
    Path root;

    ToolResult call(GitTools.Limits limits, String tool) {
        Tool t = GitTools.create(Workspace.at(root), limits).stream().filter(x -> x.name().equals(tool)).findFirst().orElseThrow();
        return t.invoke(CadreJson.mapper().createObjectNode(), CTX).block();
    }

    @Test
    void aFileOverTheDiffLimitIsNamedButItsChangesAreNotShown() throws IOException {
        repo(root, Map.of("big.txt", "a\n".repeat(100), "small.txt", "s\n"));
        Files.writeString(root.resolve("big.txt"), "b\n".repeat(100));
        Files.writeString(root.resolve("small.txt"), "t\n");
        ToolResult diff = call(new GitTools.Limits(Duration.ofSeconds(20), 100, 32 * 1024), "git_diff");
        assertThat(diff.text()).contains("diff --git a/big.txt b/big.txt")
                .contains("(changes not shown: big.txt is 200 bytes, over the diff limit of 100 bytes per file)")
                .doesNotContain("+b").contains("+t");
    }

    @Test
    void aLongAnswerKeepsItsHeadAndTail() throws IOException {
        Map<String, String> files = new java.util.HashMap<>();
        for (int i = 0; i < 60; i++) {
            files.put("f" + i + ".txt", "one\n");
        }
        repo(root, files);
        for (int i = 0; i < 60; i++) {
            Files.writeString(root.resolve("f" + i + ".txt"), "two\n");
        }
        ToolResult diff = call(new GitTools.Limits(Duration.ofSeconds(20), 1024, 500), "git_diff");
        assertThat(diff.text()).startsWith("diff --git a/f0.txt b/f0.txt").contains(" characters omitted ...")
                .endsWith("more changed files not shown; ask git_diff for one path)\n");
        assertThat(diff.text().length()).isLessThan(1100);
        ToolResult status = call(new GitTools.Limits(Duration.ofSeconds(20), 1024, 100), "git_status");
        assertThat(status.text()).startsWith("## main\n M f0.txt").contains(" characters omitted ...");
        assertThat(status.text().length()).isLessThan(300);
    }

    @Test
    void aCallPastItsDeadlineStopsWithAClearSentence() throws IOException {
        repo(root, Map.of("a.txt", "a\n"));
        ToolResult status = call(new GitTools.Limits(Duration.ZERO, 1024, 1024), "git_status");
        assertThat(status.error()).isTrue();
        assertThat(status.text()).isEqualTo("git status of " + root.toRealPath()
                + " did not finish within 0 ms: the repository is too large to read in that time.");
        assertThat(call(new GitTools.Limits(Duration.ZERO, 1024, 1024), "git_diff").error()).isTrue();
    }

    @Test
    void theContentOfAHardLinkedFileIsNotShown(@TempDir Path elsewhere) throws IOException {
        repo(root, Map.of("linked.txt", "mine\n"));
        Files.writeString(elsewhere.resolve("secret"), "outside secret\n");
        Files.delete(root.resolve("linked.txt"));
        Files.createLink(root.resolve("linked.txt"), elsewhere.resolve("secret"));
        ToolResult diff = call(GitTools.Limits.DEFAULT, "git_diff");
        assertThat(diff.text()).contains("(changes not shown: linked.txt has more than one hard link")
                .doesNotContain("outside secret");
        git(root, "status"); // the fixture's git still works on the same repository
    }
}
