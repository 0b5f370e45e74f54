package dev.cadre.tools;

import static dev.cadre.tools.GitFixture.appendConfig;
import static dev.cadre.tools.GitFixture.diff;
import static dev.cadre.tools.GitFixture.everyCall;
import static dev.cadre.tools.GitFixture.git;
import static dev.cadre.tools.GitFixture.repo;
import static dev.cadre.tools.GitFixture.stagedDiff;
import static dev.cadre.tools.GitFixture.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.ToolResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The git tools read only {@code <root>/.git} and the files under the root, never a repository or file above it. */
class GitToolsStayInsideTheRootTest {

    @TempDir
    Path outer;
    Path root;

    @BeforeEach
    void setUp() throws IOException {
        repo(outer, Map.of("outside.txt", "outside secret\n", "project/inside.txt", "inside\n"));
        Files.writeString(outer.resolve("outside.txt"), "outside secret changed\n");
        root = outer.resolve("project");
    }

    void assertNothingFromOutside(String output) {
        assertThat(output).doesNotContain("outside.txt").doesNotContain("outside secret");
    }

    @Test
    void aRootInsideABiggerRepositoryIsNotARepository() throws IOException {
        Files.writeString(root.resolve("inside.txt"), "inside changed\n");
        assertNothingFromOutside(everyCall(root));
        ToolResult status = status(root);
        ToolResult diff = diff(root);
        assertThat(status.error()).isTrue();
        assertThat(status.text()).contains("is not a git repository").contains(".git");
        assertThat(diff.error()).isTrue();
    }

    @Test
    void aDotGitFileIsNotFollowed() throws IOException {
        Files.writeString(root.resolve(".git"), "gitdir: " + outer.resolve(".git") + "\n");
        assertNothingFromOutside(everyCall(root));
        ToolResult status = status(root);
        assertThat(status.error()).isTrue();
        assertThat(status.text()).contains(".git file");
    }

    @Test
    void aCoreWorktreeSettingIsRefused() throws IOException {
        repo(root, Map.of("inside.txt", "inside\n"));
        appendConfig(root, "[core]\n\tworktree = " + outer + "\n");
        assertNothingFromOutside(everyCall(root));
        ToolResult status = status(root);
        assertThat(status.error()).isTrue();
        assertThat(status.text()).contains("core.worktree");
    }

    /** A hand-made {@code .git} whose HEAD is the outer repository's commit, and whose index is empty. */
    void borrowOuterHead() throws IOException {
        String head = git(outer, "rev-parse", "HEAD").strip();
        Files.createDirectories(root.resolve(".git/refs/heads"));
        Files.writeString(root.resolve(".git/HEAD"), "ref: refs/heads/main\n");
        Files.writeString(root.resolve(".git/config"), "[core]\n\trepositoryformatversion = 0\n");
        Files.writeString(root.resolve(".git/refs/heads/main"), head + "\n");
    }

    @Test
    void alternatesOutsideTheRootAreRefused() throws IOException {
        borrowOuterHead();
        Files.createDirectories(root.resolve(".git/objects/info"));
        Files.writeString(root.resolve(".git/objects/info/alternates"), outer.resolve(".git/objects") + "\n");
        assertNothingFromOutside(everyCall(root));
        ToolResult staged = stagedDiff(root);
        assertThat(staged.error()).isTrue();
        assertThat(staged.text()).contains("alternates");
    }

    @Test
    void aCommondirOutsideTheRootIsRefused() throws IOException {
        borrowOuterHead();
        Files.createDirectories(root.resolve(".git/objects"));
        Files.writeString(root.resolve(".git/commondir"), outer.resolve(".git") + "\n");
        assertNothingFromOutside(everyCall(root));
        ToolResult staged = stagedDiff(root);
        assertThat(staged.error()).isTrue();
        assertThat(staged.text()).contains("commondir");
    }

    @Test
    void aSymlinkInsideDotGitThatLeadsOutsideIsRefused() throws IOException {
        borrowOuterHead();
        Files.createSymbolicLink(root.resolve(".git/objects"), outer.resolve(".git/objects"));
        assertNothingFromOutside(everyCall(root));
        ToolResult staged = stagedDiff(root);
        assertThat(staged.error()).isTrue();
        assertThat(staged.text()).contains("symbolic link");
    }

    @Test
    void aDotGitSymlinkIsRefused() throws IOException {
        Files.createSymbolicLink(root.resolve(".git"), outer.resolve(".git"));
        assertNothingFromOutside(everyCall(root));
        ToolResult status = status(root);
        assertThat(status.error()).isTrue();
        assertThat(status.text()).contains("symbolic link");
    }

    @Test
    void aTrackedDirectoryReplacedByALinkOutsideIsNotReadThrough() throws IOException {
        repo(root, Map.of("dir/file.txt", "inside\n"));
        Path secrets = outer.resolve("secrets");
        Files.createDirectories(secrets);
        Files.writeString(secrets.resolve("file.txt"), "outside secret\n");
        Files.delete(root.resolve("dir/file.txt"));
        Files.delete(root.resolve("dir"));
        Files.createSymbolicLink(root.resolve("dir"), secrets);
        assertNothingFromOutside(everyCall(root));
        assertThat(status(root).text()).contains(" D dir/file.txt").contains("?? dir");
        assertThat(diff(root).text()).contains("-inside");
    }
}
