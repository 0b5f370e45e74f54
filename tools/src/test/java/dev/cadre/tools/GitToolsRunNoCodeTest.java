package dev.cadre.tools;

import static dev.cadre.tools.GitFixture.appendConfig;
import static dev.cadre.tools.GitFixture.everyCall;
import static dev.cadre.tools.GitFixture.repo;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an agent (or a cloned repository) can write into a workspace's {@code .git} and {@code .gitattributes} never
 * makes the read-only git tools run a program: every payload would create a marker file, and none appears.
 */
class GitToolsRunNoCodeTest {

    @TempDir
    Path root;
    @TempDir
    Path elsewhere;
    Path marker;
    String payload;

    @BeforeEach
    void setUp() throws IOException {
        marker = elsewhere.resolve("ran");
        payload = "touch " + marker;
        repo(root, Map.of("notes.txt", "one\n", "src/App.java", "class App {}\n"));
        // a same-size change and a new mtime: git must look at the content (and filter it) to decide
        Files.writeString(root.resolve("notes.txt"), "two\n");
        Files.writeString(root.resolve("src/App.java"), "class App { int x; }\n");
    }

    void assertNothingRan(String output) {
        assertThat(marker).as("the payload ran; tools said:\n" + output).doesNotExist();
    }

    @Test
    void coreFsmonitorIsNeverRun() throws IOException {
        appendConfig(root, "[core]\n\tfsmonitor = " + payload + "\n");
        assertNothingRan(everyCall(root));
    }

    @Test
    void aHandMadeGitDirectoryWithAnFsmonitorRunsNothing(@TempDir Path plain) throws IOException {
        // not a repository until the agent writes .git/ itself with workspace_write
        Files.writeString(plain.resolve("a.txt"), "a\n");
        Files.createDirectories(plain.resolve(".git/objects"));
        Files.createDirectories(plain.resolve(".git/refs/heads"));
        Files.writeString(plain.resolve(".git/HEAD"), "ref: refs/heads/main\n");
        Files.writeString(plain.resolve(".git/config"), "[core]\n\trepositoryformatversion = 0\n\tfsmonitor = " + payload + "\n");
        assertNothingRan(everyCall(plain));
    }

    @Test
    void aTextconvDriverIsNeverRun() throws IOException {
        Files.writeString(root.resolve(".gitattributes"), "* diff=evil\n");
        appendConfig(root, "[diff \"evil\"]\n\ttextconv = " + payload + "\n\tcachetextconv = false\n");
        assertNothingRan(everyCall(root));
    }

    @Test
    void externalDiffDriversAreNeverRun() throws IOException {
        Files.writeString(root.resolve(".gitattributes"), "* diff=evil\n");
        appendConfig(root, "[diff]\n\texternal = " + payload + "\n[diff \"evil\"]\n\tcommand = " + payload + "\n");
        assertNothingRan(everyCall(root));
    }

    @Test
    void cleanAndSmudgeFiltersAreNeverRun() throws IOException {
        Files.writeString(root.resolve(".gitattributes"), "* filter=evil\n");
        appendConfig(root, "[filter \"evil\"]\n\tclean = " + payload + "\n\tsmudge = " + payload + "\n");
        assertNothingRan(everyCall(root));
    }

    @Test
    void requiredFiltersAreNeverRunEither() throws IOException {
        Files.writeString(root.resolve(".gitattributes"), "* filter=evil\n");
        appendConfig(root, "[filter \"evil\"]\n\tclean = " + payload + "\n\tsmudge = " + payload
                + "\n\tprocess = " + payload + "\n\trequired = true\n");
        assertNothingRan(everyCall(root));
    }

    @Test
    void hooksAndHooksPathAreNeverRun() throws IOException {
        Path hooks = root.resolve("my-hooks");
        Files.createDirectories(hooks);
        for (Path dir : new Path[] {root.resolve(".git/hooks"), hooks}) {
            Files.createDirectories(dir);
            for (String hook : new String[] {"pre-commit", "post-checkout", "post-index-change", "fsmonitor-watchman",
                    "reference-transaction", "pre-auto-gc"}) {
                Path file = dir.resolve(hook);
                Files.writeString(file, "#!/bin/sh\n" + payload + "\n");
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
        appendConfig(root, "[core]\n\thooksPath = " + hooks + "\n");
        assertNothingRan(everyCall(root));
    }

    @Test
    void pagersAreNeverRun() throws IOException {
        appendConfig(root, "[core]\n\tpager = " + payload + "\n[pager]\n\tdiff = " + payload + "\n\tstatus = " + payload + "\n");
        assertNothingRan(everyCall(root));
    }

    @Test
    void includedConfigurationIsNeverHonoured() throws IOException {
        Files.writeString(root.resolve("evil.cfg"), "[core]\n\tfsmonitor = " + payload + "\n\tpager = " + payload
                + "\n[diff \"evil\"]\n\ttextconv = " + payload + "\n[filter \"evil\"]\n\tclean = " + payload + "\n");
        Files.writeString(root.resolve(".gitattributes"), "* diff=evil filter=evil\n");
        appendConfig(root, "[include]\n\tpath = " + root.resolve("evil.cfg") + "\n[includeIf \"gitdir:/\"]\n\tpath = "
                + root.resolve("evil.cfg") + "\n");
        assertNothingRan(everyCall(root));
    }

    @Test
    void sshCommandAndCredentialHelpersAreNeverRun() throws IOException {
        appendConfig(root, "[core]\n\tsshCommand = " + payload + "\n\taskPass = " + payload + "\n[credential]\n\thelper = !"
                + payload + "\n[remote \"origin\"]\n\turl = ssh://example.invalid/x.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n"
                + "[branch \"main\"]\n\tremote = origin\n\tmerge = refs/heads/main\n");
        assertNothingRan(everyCall(root));
    }
}
