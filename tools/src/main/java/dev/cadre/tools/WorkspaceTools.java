package dev.cadre.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.api.CadreJson;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolContext;
import dev.cadre.api.ToolResult;
import dev.cadre.tools.internal.AtomicFiles;
import dev.cadre.tools.internal.ExecutionRisk;
import dev.cadre.tools.internal.FileFinder;
import dev.cadre.tools.internal.FileTool;
import dev.cadre.tools.internal.LineWindow;
import dev.cadre.tools.internal.SimpleTool;
import dev.cadre.tools.internal.TextFiles;
import dev.cadre.tools.internal.UnifiedDiff;
import dev.cadre.tools.internal.WriteLedger;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The workspace toolset, confined to one {@link Workspace}: {@code workspace_read}, {@code workspace_write},
 * {@code workspace_edit}, {@code workspace_apply_diff}, {@code workspace_list}, {@code workspace_glob},
 * {@code workspace_search} and {@code workspace_info}. Writes are atomic (temporary file, then rename) and, on
 * resume, recognised when their effect is already on disk, so they happen once. Writes count against the
 * workspace's per-run {@link WriteQuota}; a write into {@code .git/} or to an executed file is an EXECUTES call.
 */
public final class WorkspaceTools {

    private final Workspace workspace;
    private final Runnable beforeRename;
    private final WriteLedger ledger;
    private final FileFinder finder;
    private final ExecutionRisk executionRisk;

    private WorkspaceTools(Workspace workspace, Runnable beforeRename, WriteLedger ledger) {
        this.workspace = workspace;
        this.beforeRename = beforeRename;
        this.ledger = ledger;
        this.finder = new FileFinder(workspace);
        this.executionRisk = new ExecutionRisk(workspace);
    }

    /** All workspace tools for {@code workspace}. */
    public static List<Tool> create(Workspace workspace) {
        return create(workspace, () -> {});
    }

    /** For tests: {@code beforeRename} runs between writing the temporary file and renaming it over the target. */
    static List<Tool> create(Workspace workspace, Runnable beforeRename) {
        return new WorkspaceTools(workspace, beforeRename, new WriteLedger(workspace.writeQuota())).tools();
    }

    /**
     * {@code tools} with every workspace tool among them made again for its workspace
     * {@linkplain Workspace#withExecutedFiles with these executed files} (sharing its write quota); other tools as
     * they are. A crew file's {@code executed_files:} reaches the tools this way.
     */
    public static List<Tool> withExecutedFiles(Collection<? extends Tool> tools, List<String> globs) {
        Map<WorkspaceTools, Map<String, Tool>> remade = new LinkedHashMap<>();
        List<Tool> out = new ArrayList<>();
        for (Tool tool : tools) {
            if (tool instanceof FileTool f && f.origin() instanceof WorkspaceTools owner) {
                out.add(remade.computeIfAbsent(owner, o -> byName(new WorkspaceTools(o.workspace.withExecutedFiles(globs),
                        o.beforeRename, o.ledger).tools())).get(tool.name()));
            } else {
                out.add(tool);
            }
        }
        return out;
    }

    private static Map<String, Tool> byName(List<Tool> tools) {
        Map<String, Tool> map = new LinkedHashMap<>();
        tools.forEach(t -> map.put(t.name(), t));
        return map;
    }

    private List<Tool> tools() {
        JsonObjectSchema path = JsonObjectSchema.builder().addStringProperty("path", "Path relative to the workspace root").required("path").build();
        return List.of(
                tool("workspace_read", "Read a text file of the workspace, whole or a range of lines (1-based, inclusive).",
                        JsonObjectSchema.builder().addStringProperty("path", "File path relative to the workspace root")
                                .addIntegerProperty("start_line", "First line to read (optional)")
                                .addIntegerProperty("end_line", "Last line to read (optional)").required("path").build(),
                        RiskLevel.READ_ONLY, true, (a, c, d) -> read(a), null, null),
                tool("workspace_write", "Create or replace a text file of the workspace with the given content.",
                        JsonObjectSchema.builder().addStringProperty("path", "File path relative to the workspace root")
                                .addStringProperty("content", "The whole new content").required("path", "content").build(),
                        RiskLevel.WRITES, true, (a, c, d) -> write(a, c), this::writeAlreadyApplied, this::pathRisk),
                tool("workspace_edit", "Replace one exact piece of text in a file. old_text must appear exactly once:"
                        + " include enough surrounding lines to make it unique.",
                        JsonObjectSchema.builder().addStringProperty("path", "File path relative to the workspace root")
                                .addStringProperty("old_text", "The exact text to replace")
                                .addStringProperty("new_text", "The text to put in its place").required("path", "old_text", "new_text").build(),
                        RiskLevel.WRITES, false, (a, c, d) -> edit(a, c), this::editAlreadyApplied, this::pathRisk),
                tool("workspace_apply_diff", "Apply a unified diff (as git diff writes it) to files of the workspace;"
                        + " all files change or none.",
                        JsonObjectSchema.builder().addStringProperty("diff", "The unified diff").required("diff").build(),
                        RiskLevel.WRITES, false, (a, c, d) -> applyDiff(a, c), null, this::diffRisk),
                tool("workspace_list", "List a directory of the workspace: names, types and sizes.",
                        JsonObjectSchema.builder().addStringProperty("path", "Directory relative to the workspace root (default: the root)").build(),
                        RiskLevel.READ_ONLY, true, (a, c, d) -> finder.list(a), null, null),
                tool("workspace_glob", "Find files whose path matches a glob such as src/**/*.java (.gitignore respected).",
                        JsonObjectSchema.builder().addStringProperty("pattern", "Glob relative to the workspace root").required("pattern").build(),
                        RiskLevel.READ_ONLY, true, (a, c, d) -> finder.glob(a, d), null, null),
                tool("workspace_search", "Search file contents with a regular expression (.gitignore respected);"
                        + " returns path:line: text for each match.",
                        JsonObjectSchema.builder().addStringProperty("regex", "Java regular expression")
                                .addStringProperty("glob", "Only files matching this glob (optional)").required("regex").build(),
                        RiskLevel.READ_ONLY, true, (a, c, d) -> finder.search(a, d), null, null),
                tool("workspace_info", "Facts about a path: whether it exists, its type, size, lines and last change.", path,
                        RiskLevel.READ_ONLY, true, (a, c, d) -> finder.info(a), null, null));
    }

    private Tool tool(String name, String description, JsonObjectSchema parameters, RiskLevel risk, boolean idempotent,
                      FileTool.Body body, java.util.function.BiFunction<JsonNode, ToolContext, ToolResult> recover,
                      Function<JsonNode, Optional<String>> escalation) {
        return new FileTool(this, name, description, parameters, risk, idempotent, workspace.searchTimeout(), body, recover, escalation);
    }

    // ---- risk ----

    private Optional<String> pathRisk(JsonNode args) {
        String rel = SimpleTool.text(args, "path");
        return rel == null ? Optional.empty() : executionRisk.reason(List.of(rel));
    }

    private Optional<String> diffRisk(JsonNode args) {
        String diff = SimpleTool.text(args, "diff");
        List<String> paths = new ArrayList<>();
        try {
            for (UnifiedDiff.FilePatch patch : UnifiedDiff.parse(diff == null ? "" : diff)) {
                if (patch.oldPath() != null) paths.add(patch.oldPath());
                if (patch.newPath() != null) paths.add(patch.newPath());
            }
        } catch (WorkspaceException notADiff) {
            return Optional.empty(); // the call is refused with this error
        }
        return executionRisk.reason(paths);
    }

    // ---- read ----

    /** A line range is read in one streaming pass keeping only those lines: memory never grows with the file. */
    private ToolResult read(JsonNode args) {
        String rel = SimpleTool.text(args, "path");
        Path file = workspace.resolve(rel);
        TextFiles.requireFile(rel, file);
        Integer start = SimpleTool.integer(args, "start_line");
        Integer end = SimpleTool.integer(args, "end_line");
        long size = TextFiles.size(file);
        if (start == null && end == null && size > workspace.maxReadBytes()) {
            throw new WorkspaceException("File '" + rel + "' is " + size + " bytes, over the read limit of "
                    + workspace.maxReadBytes() + " bytes; read it by line range (start_line, end_line).");
        }
        int from = start == null ? 1 : start;
        if (from < 1 || (end != null && end < from)) {
            throw new WorkspaceException("Line range " + from + "-" + (end == null ? "end" : end) + " of '" + rel + "' is invalid.");
        }
        LineWindow window = LineWindow.read(file, from, end == null ? Long.MAX_VALUE : end, workspace.maxReadBytes());
        if (window.binary()) {
            throw notText(rel);
        }
        long total = window.totalLines();
        long to = end == null ? total : Math.min(end, total);
        if (from > total && total > 0) {
            throw new WorkspaceException("File '" + rel + "' has " + total + " lines; line " + from + " does not exist.");
        }
        if (window.bytes() == null) {
            throw new WorkspaceException((from == to ? "Line " + from : "Lines " + from + "-" + to) + " of '" + rel
                    + (from == to ? "' is" : "' are") + " over the read limit of " + workspace.maxReadBytes() + " bytes; read fewer lines.");
        }
        String content = TextFiles.decodeOrNull(window.bytes());
        if (content == null) {
            throw notText(rel);
        }
        ObjectNode result = CadreJson.mapper().createObjectNode().put("path", rel).put("start_line", from).put("end_line", to)
                .put("total_lines", total).put("content", content);
        return new ToolResult(content, result, false);
    }

    private static WorkspaceException notText(String rel) {
        return new WorkspaceException("File '" + rel + "' is not UTF-8 text (binary?); it cannot be read as text.");
    }

    // ---- write, edit, diff ----

    private ToolResult write(JsonNode args, ToolContext context) {
        String rel = SimpleTool.text(args, "path");
        String content = SimpleTool.text(args, "content");
        Path file = workspace.resolve(rel);
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > workspace.maxWriteBytes()) {
            throw new WorkspaceException("The content for '" + rel + "' is " + bytes.length + " bytes, over the write limit of "
                    + workspace.maxWriteBytes() + " bytes.");
        }
        if (Files.isDirectory(file)) {
            throw new WorkspaceException("'" + rel + "' is a directory; give a file path.");
        }
        boolean existed = Files.exists(file);
        TextFiles.requireSingleLink(rel, file);
        ledger.charge(context.runId(), List.of(new WriteLedger.Change(workspace.relativize(file), bytes.length)));
        AtomicFiles.write(file, bytes, beforeRename);
        return ToolResult.ok((existed ? "Replaced " : "Created ") + rel + " (" + bytes.length + " bytes, "
                + content.lines().count() + " lines).");
    }

    private ToolResult writeAlreadyApplied(JsonNode args, ToolContext context) {
        Path file = workspace.resolve(SimpleTool.text(args, "path"));
        AtomicFiles.removeLeftovers(file);
        String content = SimpleTool.text(args, "content");
        return Files.isRegularFile(file) && TextFiles.size(file) == content.getBytes(StandardCharsets.UTF_8).length
                && Objects.equals(TextFiles.readString(file), content)
                ? ToolResult.ok("Wrote " + SimpleTool.text(args, "path") + " (already as requested).") : null;
    }

    private ToolResult edit(JsonNode args, ToolContext context) {
        String rel = SimpleTool.text(args, "path");
        String oldText = SimpleTool.text(args, "old_text");
        String newText = SimpleTool.text(args, "new_text");
        Path file = workspace.resolve(rel);
        TextFiles.requireFile(rel, file);
        if (oldText.isEmpty()) {
            throw new WorkspaceException("old_text is empty; give the exact text to replace in '" + rel + "'.");
        }
        String content = readEditable(rel, file, oldText.length());
        int first = content.indexOf(oldText);
        if (first < 0) {
            throw new WorkspaceException("The text to replace was not found in '" + rel + "'; read the file and copy the text exactly.");
        }
        int count = occurrences(content, oldText);
        if (count > 1) {
            throw new WorkspaceException("The text to replace appears " + count + " times in '" + rel
                    + "'; include more surrounding lines so that it appears once.");
        }
        String updated = content.substring(0, first) + newText + content.substring(first + oldText.length());
        byte[] bytes = checkWriteLimit(rel, updated);
        ledger.charge(context.runId(), List.of(new WriteLedger.Change(workspace.relativize(file), bytes.length)));
        AtomicFiles.write(file, bytes, beforeRename);
        int line = (int) content.substring(0, first).chars().filter(c -> c == '\n').count() + 1;
        return ToolResult.ok("Edited " + rel + " at line " + line + ".");
    }

    private ToolResult editAlreadyApplied(JsonNode args, ToolContext context) {
        Path file = workspace.resolve(SimpleTool.text(args, "path"));
        AtomicFiles.removeLeftovers(file);
        String oldText = SimpleTool.text(args, "old_text");
        String newText = SimpleTool.text(args, "new_text");
        if (!Files.isRegularFile(file) || TextFiles.size(file) > workspace.maxWriteBytes()) {
            return null;
        }
        String content = TextFiles.readString(file);
        // Before the edit old_text appeared exactly once; after it, only where new_text itself contains it.
        boolean applied = content.contains(newText) && occurrences(content, oldText) == occurrences(newText, oldText);
        return applied ? ToolResult.ok("Edited " + SimpleTool.text(args, "path") + " (already as requested).") : null;
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }

    private ToolResult applyDiff(JsonNode args, ToolContext context) {
        String diff = SimpleTool.text(args, "diff");
        List<UnifiedDiff.FilePatch> patches = UnifiedDiff.parse(diff);
        Map<Path, String> results = new LinkedHashMap<>();
        List<Path> deletions = new ArrayList<>();
        for (UnifiedDiff.FilePatch patch : patches) {
            Path file = workspace.resolve(patch.path());
            String original = "";
            if (patch.oldPath() != null) {
                Path old = workspace.resolve(patch.oldPath());
                TextFiles.requireFile(patch.oldPath(), old);
                original = readEditable(patch.oldPath(), old, diff.length());
            } else if (Files.exists(file)) {
                throw new WorkspaceException("The diff creates '" + patch.path() + "', which already exists.");
            }
            TextFiles.requireSingleLink(patch.path(), file);
            String updated = UnifiedDiff.apply(patch, results.getOrDefault(file, original));
            if (patch.newPath() == null) {
                deletions.add(file);
            } else {
                checkWriteLimit(patch.path(), updated);
                results.put(file, updated);
            }
        }
        List<WriteLedger.Change> changes = new ArrayList<>();
        results.forEach((file, content) -> changes.add(new WriteLedger.Change(workspace.relativize(file),
                content.getBytes(StandardCharsets.UTF_8).length)));
        deletions.forEach(file -> changes.add(new WriteLedger.Change(workspace.relativize(file), 0)));
        ledger.charge(context.runId(), changes);
        results.forEach((file, content) -> AtomicFiles.write(file, content.getBytes(StandardCharsets.UTF_8), beforeRename));
        for (Path file : deletions) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return ToolResult.ok("Applied the diff to " + patches.size() + (patches.size() == 1 ? " file: " : " files: ")
                + patches.stream().map(UnifiedDiff.FilePatch::path).toList() + ".");
    }

    /** The text of a file about to change; one too big for its result to be within the write limit is not read. */
    private String readEditable(String rel, Path file, long removable) {
        long size = TextFiles.size(file);
        if (size > workspace.maxWriteBytes() + 4 * removable) {
            throw new WorkspaceException("File '" + rel + "' is " + size + " bytes, too big to change within the write limit of "
                    + workspace.maxWriteBytes() + " bytes.");
        }
        return TextFiles.readString(file);
    }

    private byte[] checkWriteLimit(String rel, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > workspace.maxWriteBytes()) {
            throw new WorkspaceException("The new content of '" + rel + "' would be " + bytes.length + " bytes, over the write limit of "
                    + workspace.maxWriteBytes() + " bytes.");
        }
        return bytes;
    }
}
