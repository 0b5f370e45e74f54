package dev.cadre.tools;

import dev.cadre.api.RiskLevel;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolResult;
import dev.cadre.tools.internal.ProcessExec;
import dev.cadre.tools.internal.SimpleTool;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code git_status} and {@code git_diff} of the workspace, through the git command line. Read-only. */
public final class GitTools {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int KEEP = 32 * 1024;

    private GitTools() {}

    public static List<Tool> create(Workspace workspace) {
        Map<String, String> env = CommandRunner.scrub(System.getenv());
        return List.of(
                new SimpleTool("git_status", "Show the workspace's git status: branch, and changed, staged and untracked files.",
                        JsonObjectSchema.builder().build(), RiskLevel.READ_ONLY, true,
                        args -> git(workspace, env, List.of("status", "--porcelain=v1", "--branch", "--untracked-files=all")), null),
                new SimpleTool("git_diff", "Show the workspace's uncommitted changes as a unified diff (optionally for one path,"
                        + " or only what is staged).",
                        JsonObjectSchema.builder().addStringProperty("path", "Only this file or directory (optional)")
                                .addBooleanProperty("staged", "Only staged changes (optional)").build(),
                        RiskLevel.READ_ONLY, true, args -> {
                            List<String> cmd = new ArrayList<>(List.of("diff", "--no-color", "--no-ext-diff"));
                            if (args.has("staged") && args.get("staged").asBoolean()) {
                                cmd.add("--staged");
                            }
                            String path = SimpleTool.text(args, "path");
                            if (path != null && !path.isBlank()) {
                                workspace.resolve(path);
                                cmd.add("--");
                                cmd.add(path);
                            }
                            return git(workspace, env, cmd);
                        }, null));
    }

    private static ToolResult git(Workspace workspace, Map<String, String> env, List<String> args) {
        List<String> argv = new ArrayList<>(List.of("git", "-C", workspace.root().toString(), "-c", "core.pager=cat"));
        argv.addAll(args);
        ProcessExec.Outcome outcome = ProcessExec.run(argv, workspace.root(), env, TIMEOUT, KEEP);
        if (outcome.timedOut()) {
            return ToolResult.error("git " + args.get(0) + " did not finish within " + TIMEOUT.toSeconds() + " s.");
        }
        if (outcome.exitCode() != 0) {
            return ToolResult.error("git " + args.get(0) + " failed (exit " + outcome.exitCode() + "): " + outcome.output().strip());
        }
        String out = outcome.output();
        return ToolResult.ok(out.isBlank() ? (args.get(0).equals("diff") ? "No changes." : "Clean.") : out);
    }
}
