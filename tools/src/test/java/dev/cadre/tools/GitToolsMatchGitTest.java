package dev.cadre.tools;

import static dev.cadre.tools.GitFixture.CTX;
import static dev.cadre.tools.GitFixture.git;
import static dev.cadre.tools.GitFixture.repo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.CadreJson;
import dev.cadre.api.ToolResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JGit-backed tools answer what {@code git status --porcelain} and {@code git diff} print for the same repository. */
class GitToolsMatchGitTest {

    @TempDir
    Path root;

    void changeEverything() throws IOException {
        repo(root, Map.of("App.java", "class App {\n    int a;\n    int b;\n    int c;\n    int d;\n    int e;\n    int f;\n}\n",
                "gone.txt", "bye\n", "staged.txt", "old\n", "run.sh", "echo hi\n", "docs/read me.md", "# Title\n\ntext\n",
                "link-target.txt", "t\n", "noeol.txt", "no newline"));
        Files.writeString(root.resolve("App.java"), "class App {\n    int a;\n    int b;\n    long c;\n    int d;\n    int e;\n    int f;\n    int g;\n}\n");
        Files.delete(root.resolve("gone.txt"));
        Files.writeString(root.resolve("staged.txt"), "new\n");
        git(root, "add", "staged.txt");
        Files.writeString(root.resolve("staged.txt"), "newer\n");
        Files.setPosixFilePermissions(root.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(root.resolve("docs/read me.md"), "# Title\n\nmore text\n");
        Files.writeString(root.resolve("noeol.txt"), "no newline, changed");
        Files.writeString(root.resolve("added.txt"), "added\n");
        git(root, "add", "added.txt");
        Files.writeString(root.resolve(".gitignore"), "build/\n*.log\n");
        Files.createDirectories(root.resolve("build"));
        Files.writeString(root.resolve("build/out.class"), "x");
        Files.writeString(root.resolve("debug.log"), "x");
        Files.createDirectories(root.resolve("src/deep"));
        Files.writeString(root.resolve("src/deep/New.java"), "class New {}\n");
        Files.createSymbolicLink(root.resolve("link"), Path.of("link-target.txt"));
        Files.write(root.resolve("blob.bin"), new byte[] {0, 1, 2, 0});
    }

    String tool(String name, boolean staged) {
        ToolResult result = GitFixture.tools(root).get(name).invoke(staged
                ? CadreJson.mapper().createObjectNode().put("staged", true) : CadreJson.mapper().createObjectNode(), CTX).block();
        assertThat(result.error()).as(result.text()).isFalse();
        return result.text();
    }

    @Test
    void statusIsGitsPorcelainOutput() throws IOException {
        changeEverything();
        assertThat(tool("git_status", false)).isEqualTo(git(root, "status", "--porcelain=v1", "--branch", "--untracked-files=all"));
    }

    @Test
    void diffIsGitsDiffOfTheWorkingTree() throws IOException {
        changeEverything();
        assertThat(tool("git_diff", false)).isEqualTo(git(root, "diff", "--no-color", "--no-ext-diff"));
    }

    @Test
    void stagedDiffIsGitsDiffOfTheIndex() throws IOException {
        changeEverything();
        assertThat(tool("git_diff", true)).isEqualTo(git(root, "diff", "--no-color", "--no-ext-diff", "--staged"));
    }

    @Test
    void aDiffForOnePathShowsOnlyThatPath() throws IOException {
        changeEverything();
        ToolResult docs = GitFixture.tools(root).get("git_diff").invoke(CadreJson.mapper().createObjectNode().put("path", "docs/"), CTX).block();
        assertThat(docs.text()).isEqualTo(git(root, "diff", "--no-color", "--no-ext-diff", "--", "docs"));
    }

    @Test
    void aRepositoryWithoutCommitsAndADetachedHeadHaveGitsBranchLine(@TempDir Path fresh) throws IOException {
        git(fresh, "init", "-q");
        Files.writeString(fresh.resolve("a.txt"), "a\n");
        assertThat(GitFixture.status(fresh).text()).isEqualTo("## No commits yet on main\n?? a.txt\n");
        changeEverything();
        git(root, "checkout", "-q", "--detach");
        assertThat(tool("git_status", false)).startsWith("## HEAD (no branch)\n");
    }

    @Test
    void anUpstreamBranchIsNamedWithAheadAndBehind(@TempDir Path upstream) throws IOException {
        repo(upstream, Map.of("a.txt", "a\n"));
        git(root, "clone", "-q", upstream.toString(), ".");
        Files.writeString(root.resolve("b.txt"), "b\n");
        git(root, "add", "b.txt");
        git(root, "commit", "-q", "-m", "local");
        Files.writeString(upstream.resolve("c.txt"), "c\n");
        git(upstream, "add", "c.txt");
        git(upstream, "commit", "-q", "-m", "remote");
        git(root, "fetch", "-q");
        assertThat(tool("git_status", false)).isEqualTo(git(root, "status", "--porcelain=v1", "--branch", "--untracked-files=all"))
                .startsWith("## main...origin/main [ahead 1, behind 1]");
    }

    @Test
    void packedObjectsAndRefsAreRead() throws IOException {
        changeEverything();
        git(root, "gc", "-q");
        assertThat(tool("git_status", false)).isEqualTo(git(root, "status", "--porcelain=v1", "--branch", "--untracked-files=all"));
        assertThat(tool("git_diff", true)).isEqualTo(git(root, "diff", "--no-color", "--no-ext-diff", "--staged"));
    }
}
