package dev.cadre.tools;

import static dev.cadre.tools.GitFixture.appendConfig;
import static dev.cadre.tools.GitFixture.repo;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In a JVM whose PATH holds only fake {@code git}, {@code sh}, {@code bash} and {@code git-lfs} programs (each would
 * leave a marker), whose home has a git configuration full of commands, and whose {@code GIT_DIR}/{@code GIT_WORK_TREE}
 * point at another repository, the git tools start no program at all (not even JGit's discovery of the system git
 * configuration) and read the workspace's own repository.
 */
class GitToolsStartNoProcessTest {

    @TempDir
    Path dir;

    @Test
    void theGitToolsStartNoProgramAndIgnoreGitDirAndTheUsersConfiguration() throws Exception {
        Path marker = dir.resolve("ran");
        String payload = "touch " + marker;
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String name : List.of("git", "sh", "bash", "git-lfs", "watchman")) {
            Path fake = bin.resolve(name);
            Files.writeString(fake, "#!/bin/sh\necho " + name + " >> " + marker + "\n");
            Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path home = Files.createDirectories(dir.resolve("home"));
        String evil = "[core]\n\tfsmonitor = " + payload + "\n\tpager = " + payload + "\n[filter \"lfs\"]\n\tclean = " + payload
                + "\n\tsmudge = " + payload + "\n\tprocess = " + payload + "\n\trequired = true\n[diff \"lfs\"]\n\ttextconv = "
                + payload + "\n[diff]\n\texternal = " + payload + "\n";
        Files.writeString(home.resolve(".gitconfig"), evil);
        Files.createDirectories(home.resolve(".config/git"));
        Files.writeString(home.resolve(".config/git/config"), evil);
        Path other = dir.resolve("other");
        repo(other, Map.of("other.txt", "other repository\n"));
        Path root = dir.resolve("root");
        repo(root, Map.of("a.txt", "one\n"));
        Files.writeString(root.resolve(".gitattributes"), "* filter=lfs diff=lfs\n");
        appendConfig(root, evil);
        Files.writeString(root.resolve("a.txt"), "two\n");

        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                GitToolsProbe.class.getName(), root.toString()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", bin.toString());
        env.put("HOME", home.toString());
        env.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        env.put("GIT_DIR", other.resolve(".git").toString());
        env.put("GIT_WORK_TREE", other.toString());
        env.put("GIT_CONFIG_GLOBAL", home.resolve(".gitconfig").toString());
        Process child = builder.start();
        String out = new String(child.getInputStream().readAllBytes());
        assertThat(child.waitFor()).as(out).isZero();

        assertThat(marker).as("a program ran; the child said:\n" + out).doesNotExist();
        assertThat(out).contains("== git_status\n## main\n M a.txt\n?? .gitattributes\n")
                .contains("-one\n+two\n").doesNotContain("other");
    }
}
