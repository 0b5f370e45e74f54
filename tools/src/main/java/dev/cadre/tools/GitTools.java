package dev.cadre.tools;

import dev.cadre.api.RiskLevel;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolResult;
import dev.cadre.tools.internal.GitDeadline;
import dev.cadre.tools.internal.GitBranchLine;
import dev.cadre.tools.internal.GitChanges;
import dev.cadre.tools.internal.GitDiffWriter;
import dev.cadre.tools.internal.GitDir;
import dev.cadre.tools.internal.GitSnapshot;
import dev.cadre.tools.internal.GitWorkTree;
import dev.cadre.tools.internal.NoProcessSystemReader;
import dev.cadre.tools.internal.SimpleTool;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.jgit.lib.FileMode;

/**
 * {@code git_status} and {@code git_diff} of the workspace, read in-process with JGit: no git program, hook, fsmonitor,
 * textconv, diff driver, filter or pager ever runs, whatever the repository's configuration says, and only
 * {@code <root>/.git} is read (a root inside a bigger repository is not a repository). Read-only.
 */
public final class GitTools {

    /**
     * How much the git tools do per call.
     *
     * @param deadline     a call that takes longer stops with an error (default 20 s)
     * @param maxFileBytes a file larger than this is named in the diff but its changes are not shown (default 1 MiB)
     * @param keepChars    the first and last this many characters of an answer are kept (default 32 Ki)
     */
    public record Limits(Duration deadline, long maxFileBytes, int keepChars) {
        public static final Limits DEFAULT = new Limits(Duration.ofSeconds(20), 1024 * 1024, 32 * 1024);

        public Limits {
            if (deadline.isNegative() || maxFileBytes <= 0 || keepChars <= 0) {
                throw new IllegalArgumentException("Git tool limits must be positive.");
            }
        }
    }

    private GitTools() {}

    public static List<Tool> create(Workspace workspace) {
        return create(workspace, Limits.DEFAULT);
    }

    public static List<Tool> create(Workspace workspace, Limits limits) {
        NoProcessSystemReader.install();
        return List.of(
                new SimpleTool("git_status", "Show the workspace's git status: branch, and changed, staged and untracked files.",
                        JsonObjectSchema.builder().build(), RiskLevel.READ_ONLY, true,
                        args -> status(workspace, limits), null),
                new SimpleTool("git_diff", "Show the workspace's uncommitted changes as a unified diff (optionally for one path,"
                        + " or only what is staged).",
                        JsonObjectSchema.builder().addStringProperty("path", "Only this file or directory (optional)")
                                .addBooleanProperty("staged", "Only staged changes (optional)").build(),
                        RiskLevel.READ_ONLY, true, args -> {
                            boolean staged = args.has("staged") && args.get("staged").asBoolean();
                            return diff(workspace, limits, prefix(workspace, SimpleTool.text(args, "path")), staged);
                        }, null));
    }

    private static ToolResult status(Workspace workspace, Limits limits) {
        GitDeadline deadline = GitDeadline.in(limits.deadline(), "git status of " + workspace.root());
        GitDir dir = GitDir.open(workspace.root(), deadline);
        try (GitSnapshot snapshot = new GitSnapshot(dir, deadline)) {
            GitWorkTree work = new GitWorkTree(workspace.root(), deadline);
            StringBuilder out = new StringBuilder(GitBranchLine.of(dir, snapshot, deadline)).append('\n');
            for (GitChanges.Change change : GitChanges.of(dir, snapshot, work, "", deadline)) {
                out.append(change.line()).append('\n');
            }
            Set<String> tracked = new HashSet<>(snapshot.indexFiles().keySet());
            tracked.addAll(snapshot.conflicted());
            for (String path : work.untracked(tracked, GitChanges.gitlinks(snapshot))) {
                out.append("?? ").append(path).append('\n');
            }
            return ToolResult.ok(cut(out.toString(), limits.keepChars()));
        } catch (IOException e) {
            return ToolResult.error("git status of " + workspace.root() + " failed: " + e.getMessage());
        }
    }

    private static ToolResult diff(Workspace workspace, Limits limits, String prefix, boolean staged) {
        GitDeadline deadline = GitDeadline.in(limits.deadline(), "git diff of " + workspace.root());
        GitDir dir = GitDir.open(workspace.root(), deadline);
        try (GitSnapshot snapshot = new GitSnapshot(dir, deadline)) {
            GitWorkTree work = new GitWorkTree(workspace.root(), deadline);
            GitDiffWriter writer = new GitDiffWriter(limits.maxFileBytes());
            int notShown = 0;
            for (GitChanges.Change change : GitChanges.of(dir, snapshot, work, prefix, deadline)) {
                char letter = staged ? change.x() : change.y();
                if (letter == ' ' || letter == 'U') {
                    continue;
                }
                if (writer.length() > 2L * limits.keepChars()) {
                    notShown++;
                    continue;
                }
                deadline.check();
                String path = change.path();
                GitSnapshot.Entry index = snapshot.indexFiles().get(path);
                if (staged) {
                    writer.write(path, blob(snapshot, snapshot.headFiles().get(path)), blob(snapshot, index), null);
                } else {
                    writer.write(path, blob(snapshot, index), workFile(dir, work, path, index),
                            work.hardLinked(path) ? path + " has more than one hard link, so its content may belong to a file"
                                    + " outside the workspace" : null);
                }
            }
            String text = writer.text() + (notShown > 0 ? "(" + notShown + " more changed files not shown; ask git_diff for one path)\n" : "");
            return ToolResult.ok(text.isBlank() ? "No changes." : cut(text, limits.keepChars()));
        } catch (IOException e) {
            return ToolResult.error("git diff of " + workspace.root() + " failed: " + e.getMessage());
        }
    }

    private static GitDiffWriter.Side blob(GitSnapshot snapshot, GitSnapshot.Entry entry) throws IOException {
        if (entry == null) {
            return null;
        }
        long size = entry.mode() == FileMode.GITLINK ? 0 : snapshot.size(entry.id());
        return new GitDiffWriter.Side(entry.id(), entry.mode(), size, () -> snapshot.bytes(entry.id()));
    }

    private static GitDiffWriter.Side workFile(GitDir dir, GitWorkTree work, String path, GitSnapshot.Entry index) throws IOException {
        GitWorkTree.File file = work.file(path);
        if (file.missing() || file.mode() == FileMode.TREE) {
            return null;
        }
        FileMode mode = !dir.fileMode() && file.mode() != FileMode.SYMLINK && index.mode() != FileMode.SYMLINK ? index.mode() : file.mode();
        return new GitDiffWriter.Side(work.id(path, file), mode, file.size(), () -> work.bytes(path, file));
    }

    /** The repository path {@code path} names ({@code ""} for the whole workspace), refused if it leaves the root. */
    private static String prefix(Workspace workspace, String path) {
        if (path == null || path.isBlank()) {
            return "";
        }
        workspace.resolve(path);
        String p = path.strip();
        while (p.startsWith("./")) {
            p = p.substring(2);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.equals(".") ? "" : p;
    }

    /** The first and last {@code keep} characters of {@code text}, with how many were left out between them. */
    static String cut(String text, int keep) {
        if (text.length() <= 2 * keep) {
            return text;
        }
        return text.substring(0, keep) + "\n... " + (text.length() - 2 * keep) + " characters omitted ...\n"
                + text.substring(text.length() - keep);
    }
}
