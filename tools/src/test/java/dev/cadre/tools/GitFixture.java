package dev.cadre.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.CadreJson;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolContext;
import dev.cadre.api.ToolResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Builds repositories with the git command line for tests (its own config only), and calls the git tools. */
final class GitFixture {

    static final ToolContext CTX = new ToolContext("run", "step", "coder", "call-1");

    private GitFixture() {}

    /** Runs git in {@code dir} with no system or user configuration, failing the test when git fails. */
    static String git(Path dir, String... args) {
        List<String> cmd = new ArrayList<>(List.of("git", "-c", "user.name=Test", "-c", "user.email=t@example.com",
                "-c", "init.defaultBranch=main", "-c", "core.hooksPath=/dev/null"));
        cmd.addAll(List.of(args));
        try {
            ProcessBuilder builder = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
            builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
            builder.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
            builder.environment().keySet().removeIf(k -> k.startsWith("GIT_DIR") || k.equals("GIT_WORK_TREE"));
            Process p = builder.start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A repository at {@code dir} with {@code files} committed on main. */
    static void repo(Path dir, Map<String, String> files) throws IOException {
        Files.createDirectories(dir);
        git(dir, "init", "-q");
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path p = dir.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, f.getValue());
        }
        git(dir, "add", "-A");
        git(dir, "commit", "-q", "-m", "first");
    }

    /** Appends {@code text} to {@code dir/.git/config}, as an agent's workspace_write could. */
    static void appendConfig(Path dir, String text) throws IOException {
        Path config = dir.resolve(".git/config");
        Files.writeString(config, Files.readString(config) + text);
    }

    static Map<String, Tool> tools(Path root) {
        return tools(Workspace.at(root));
    }

    static Map<String, Tool> tools(Workspace workspace) {
        return GitTools.create(workspace).stream().collect(Collectors.toMap(Tool::name, t -> t));
    }

    static ToolResult status(Path root) {
        return tools(root).get("git_status").invoke(CadreJson.mapper().createObjectNode(), CTX).block();
    }

    static ToolResult diff(Path root) {
        return tools(root).get("git_diff").invoke(CadreJson.mapper().createObjectNode(), CTX).block();
    }

    static ToolResult stagedDiff(Path root) {
        return tools(root).get("git_diff").invoke(CadreJson.mapper().createObjectNode().put("staged", true), CTX).block();
    }

    /** Calls every git tool every way (status, diff, staged diff) and returns their texts joined. */
    static String everyCall(Path root) {
        return status(root).text() + "\n" + diff(root).text() + "\n" + stagedDiff(root).text();
    }
}
