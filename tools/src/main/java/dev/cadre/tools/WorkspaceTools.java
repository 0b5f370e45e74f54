package dev.cadre.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.api.CadreJson;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolResult;
import dev.cadre.tools.internal.AtomicFiles;
import dev.cadre.tools.internal.GitIgnore;
import dev.cadre.tools.internal.SimpleTool;
import dev.cadre.tools.internal.UnifiedDiff;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The workspace toolset, confined to one {@link Workspace}: {@code workspace_read}, {@code workspace_write},
 * {@code workspace_edit}, {@code workspace_apply_diff}, {@code workspace_list}, {@code workspace_glob},
 * {@code workspace_search} and {@code workspace_info}. Writes are atomic (temporary file, then rename) and, on
 * resume, recognised when their effect is already on disk, so they happen once.
 */
public final class WorkspaceTools {

    private static final int MAX_RESULTS = 200;
    private static final int MAX_LINE_CHARS = 300;

    private final Workspace workspace;
    private final Runnable beforeRename;

    private WorkspaceTools(Workspace workspace, Runnable beforeRename) {
        this.workspace = workspace;
        this.beforeRename = beforeRename;
    }

    /** All workspace tools for {@code workspace}. */
    public static List<Tool> create(Workspace workspace) {
        return new WorkspaceTools(workspace, () -> {}).tools();
    }

    /** For tests: {@code beforeRename} runs between writing the temporary file and renaming it over the target. */
    static List<Tool> create(Workspace workspace, Runnable beforeRename) {
        return new WorkspaceTools(workspace, beforeRename).tools();
    }

    private List<Tool> tools() {
        return List.of(
                new SimpleTool("workspace_read", "Read a text file of the workspace, whole or a range of lines (1-based, inclusive).",
                        JsonObjectSchema.builder().addStringProperty("path", "File path relative to the workspace root")
                                .addIntegerProperty("start_line", "First line to read (optional)")
                                .addIntegerProperty("end_line", "Last line to read (optional)").required("path").build(),
                        RiskLevel.READ_ONLY, true, this::read, null),
                new SimpleTool("workspace_write", "Create or replace a text file of the workspace with the given content.",
                        JsonObjectSchema.builder().addStringProperty("path", "File path relative to the workspace root")
                                .addStringProperty("content", "The whole new content").required("path", "content").build(),
                        RiskLevel.WRITES, true, this::write, (args, ctx) -> writeAlreadyApplied(args)),
                new SimpleTool("workspace_edit", "Replace one exact piece of text in a file. old_text must appear exactly once:"
                        + " include enough surrounding lines to make it unique.",
                        JsonObjectSchema.builder().addStringProperty("path", "File path relative to the workspace root")
                                .addStringProperty("old_text", "The exact text to replace")
                                .addStringProperty("new_text", "The text to put in its place").required("path", "old_text", "new_text").build(),
                        RiskLevel.WRITES, false, this::edit, (args, ctx) -> editAlreadyApplied(args)),
                new SimpleTool("workspace_apply_diff", "Apply a unified diff (as git diff writes it) to files of the workspace;"
                        + " all files change or none.",
                        JsonObjectSchema.builder().addStringProperty("diff", "The unified diff").required("diff").build(),
                        RiskLevel.WRITES, false, this::applyDiff, null),
                new SimpleTool("workspace_list", "List a directory of the workspace: names, types and sizes.",
                        JsonObjectSchema.builder().addStringProperty("path", "Directory relative to the workspace root (default: the root)").build(),
                        RiskLevel.READ_ONLY, true, this::list, null),
                new SimpleTool("workspace_glob", "Find files whose path matches a glob such as src/**/*.java (.gitignore respected).",
                        JsonObjectSchema.builder().addStringProperty("pattern", "Glob relative to the workspace root").required("pattern").build(),
                        RiskLevel.READ_ONLY, true, this::glob, null),
                new SimpleTool("workspace_search", "Search file contents with a regular expression (.gitignore respected);"
                        + " returns path:line: text for each match.",
                        JsonObjectSchema.builder().addStringProperty("regex", "Java regular expression")
                                .addStringProperty("glob", "Only files matching this glob (optional)").required("regex").build(),
                        RiskLevel.READ_ONLY, true, this::search, null),
                new SimpleTool("workspace_info", "Facts about a path: whether it exists, its type, size, lines and last change.",
                        JsonObjectSchema.builder().addStringProperty("path", "Path relative to the workspace root").required("path").build(),
                        RiskLevel.READ_ONLY, true, this::info, null));
    }

    // ---- read ----

    private ToolResult read(JsonNode args) {
        String rel = SimpleTool.text(args, "path");
        Path file = workspace.resolve(rel);
        requireFile(rel, file);
        Integer start = SimpleTool.integer(args, "start_line");
        Integer end = SimpleTool.integer(args, "end_line");
        long size = size(file);
        if (start == null && end == null && size > workspace.maxReadBytes()) {
            throw new WorkspaceException("File '" + rel + "' is " + size + " bytes, over the read limit of "
                    + workspace.maxReadBytes() + " bytes; read it by line range (start_line, end_line).");
        }
        List<String> lines = readLines(rel, file);
        int from = start == null ? 1 : start;
        int to = end == null ? lines.size() : Math.min(end, lines.size());
        if (from < 1 || (end != null && end < from)) {
            throw new WorkspaceException("Line range " + from + "-" + (end == null ? "end" : end) + " of '" + rel + "' is invalid.");
        }
        if (from > lines.size() && !lines.isEmpty()) {
            throw new WorkspaceException("File '" + rel + "' has " + lines.size() + " lines; line " + from + " does not exist.");
        }
        String content = from > to ? "" : String.join("\n", lines.subList(from - 1, to)) + (to == lines.size() && endsWithNewline(file) ? "\n" : "");
        if (content.getBytes(StandardCharsets.UTF_8).length > workspace.maxReadBytes()) {
            throw new WorkspaceException("Lines " + from + "-" + to + " of '" + rel + "' are over the read limit of "
                    + workspace.maxReadBytes() + " bytes; read fewer lines.");
        }
        ObjectNode result = CadreJson.mapper().createObjectNode().put("path", rel).put("start_line", from).put("end_line", to)
                .put("total_lines", lines.size()).put("content", content);
        return new ToolResult(content, result, false);
    }

    // ---- write, edit, diff ----

    private ToolResult write(JsonNode args) {
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
        AtomicFiles.write(file, bytes, beforeRename);
        return ToolResult.ok((existed ? "Replaced " : "Created ") + rel + " (" + bytes.length + " bytes, "
                + content.lines().count() + " lines).");
    }

    private ToolResult writeAlreadyApplied(JsonNode args) {
        Path file = workspace.resolve(SimpleTool.text(args, "path"));
        AtomicFiles.removeLeftovers(file);
        return Files.isRegularFile(file) && Objects.equals(readString(file), SimpleTool.text(args, "content"))
                ? ToolResult.ok("Wrote " + SimpleTool.text(args, "path") + " (already as requested).") : null;
    }

    private ToolResult edit(JsonNode args) {
        String rel = SimpleTool.text(args, "path");
        String oldText = SimpleTool.text(args, "old_text");
        String newText = SimpleTool.text(args, "new_text");
        Path file = workspace.resolve(rel);
        requireFile(rel, file);
        if (oldText.isEmpty()) {
            throw new WorkspaceException("old_text is empty; give the exact text to replace in '" + rel + "'.");
        }
        String content = readString(file);
        int first = content.indexOf(oldText);
        if (first < 0) {
            throw new WorkspaceException("The text to replace was not found in '" + rel + "'; read the file and copy the text exactly.");
        }
        int count = 0;
        for (int at = first; at >= 0; at = content.indexOf(oldText, at + 1)) {
            count++;
        }
        if (count > 1) {
            throw new WorkspaceException("The text to replace appears " + count + " times in '" + rel
                    + "'; include more surrounding lines so that it appears once.");
        }
        String updated = content.substring(0, first) + newText + content.substring(first + oldText.length());
        checkWriteLimit(rel, updated);
        AtomicFiles.write(file, updated.getBytes(StandardCharsets.UTF_8), beforeRename);
        int line = (int) content.substring(0, first).chars().filter(c -> c == '\n').count() + 1;
        return ToolResult.ok("Edited " + rel + " at line " + line + ".");
    }

    private ToolResult editAlreadyApplied(JsonNode args) {
        Path file = workspace.resolve(SimpleTool.text(args, "path"));
        AtomicFiles.removeLeftovers(file);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        String content = readString(file);
        String oldText = SimpleTool.text(args, "old_text");
        String newText = SimpleTool.text(args, "new_text");
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

    private ToolResult applyDiff(JsonNode args) {
        List<UnifiedDiff.FilePatch> patches = UnifiedDiff.parse(SimpleTool.text(args, "diff"));
        Map<Path, String> results = new LinkedHashMap<>();
        List<Path> deletions = new ArrayList<>();
        for (UnifiedDiff.FilePatch patch : patches) {
            Path file = workspace.resolve(patch.path());
            String original = "";
            if (patch.oldPath() != null) {
                requireFile(patch.oldPath(), workspace.resolve(patch.oldPath()));
                original = readString(workspace.resolve(patch.oldPath()));
            } else if (Files.exists(file)) {
                throw new WorkspaceException("The diff creates '" + patch.path() + "', which already exists.");
            }
            String updated = UnifiedDiff.apply(patch, results.getOrDefault(file, original));
            if (patch.newPath() == null) {
                deletions.add(file);
            } else {
                checkWriteLimit(patch.path(), updated);
                results.put(file, updated);
            }
        }
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

    // ---- list, glob, search, info ----

    private ToolResult list(JsonNode args) {
        String rel = SimpleTool.text(args, "path");
        rel = rel == null || rel.isBlank() ? "." : rel;
        Path dir = workspace.resolve(rel);
        if (!Files.isDirectory(dir)) {
            throw new WorkspaceException("'" + rel + "' is not a directory of the workspace.");
        }
        ArrayNode entries = CadreJson.mapper().createArrayNode();
        StringBuilder text = new StringBuilder();
        try (var stream = Files.list(dir)) {
            List<Path> children = stream.sorted().toList();
            for (Path child : children) {
                boolean directory = Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS);
                String name = child.getFileName().toString() + (directory ? "/" : "");
                long size = directory ? 0 : size(child);
                entries.addObject().put("name", name).put("type", directory ? "directory" : Files.isSymbolicLink(child) ? "link" : "file")
                        .put("size", size);
                text.append(name).append(directory ? "" : "  (" + size + " bytes)").append('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ToolResult(text.length() == 0 ? "(empty directory)" : text.toString().strip(),
                CadreJson.mapper().createObjectNode().put("path", rel).set("entries", entries), false);
    }

    private ToolResult glob(JsonNode args) {
        String pattern = SimpleTool.text(args, "pattern");
        PathMatcher matcher = matcher(pattern);
        List<String> found = new ArrayList<>();
        walk((file, rel) -> {
            if (matcher.matches(Path.of(rel))) {
                found.add(rel);
            }
            return found.size() < MAX_RESULTS;
        });
        String text = found.isEmpty() ? "No files match '" + pattern + "'." : String.join("\n", found)
                + (found.size() >= MAX_RESULTS ? "\n(first " + MAX_RESULTS + " matches shown)" : "");
        ArrayNode paths = CadreJson.mapper().createArrayNode();
        found.forEach(paths::add);
        return new ToolResult(text, CadreJson.mapper().createObjectNode().set("paths", paths), false);
    }

    private ToolResult search(JsonNode args) {
        String regex = SimpleTool.text(args, "regex");
        Pattern pattern;
        try {
            pattern = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new WorkspaceException("The regular expression '" + regex + "' is invalid: " + e.getDescription() + ".");
        }
        String glob = SimpleTool.text(args, "glob");
        PathMatcher only = glob == null || glob.isBlank() ? null : matcher(glob);
        List<String> hits = new ArrayList<>();
        walk((file, rel) -> {
            if (only != null && !only.matches(Path.of(rel))) {
                return true;
            }
            if (size(file) > workspace.maxReadBytes()) {
                return true;
            }
            String content = decodeOrNull(file);
            if (content == null) {
                return true; // binary
            }
            String[] lines = content.split("\n", -1);
            for (int i = 0; i < lines.length && hits.size() < MAX_RESULTS; i++) {
                Matcher m = pattern.matcher(lines[i]);
                if (m.find()) {
                    String line = lines[i].strip();
                    hits.add(rel + ":" + (i + 1) + ": " + (line.length() > MAX_LINE_CHARS ? line.substring(0, MAX_LINE_CHARS) + "..." : line));
                }
            }
            return hits.size() < MAX_RESULTS;
        });
        String text = hits.isEmpty() ? "No matches for /" + regex + "/." : String.join("\n", hits)
                + (hits.size() >= MAX_RESULTS ? "\n(first " + MAX_RESULTS + " matches shown)" : "");
        return ToolResult.ok(text);
    }

    private ToolResult info(JsonNode args) {
        String rel = SimpleTool.text(args, "path");
        Path path = workspace.resolve(rel);
        ObjectNode node = CadreJson.mapper().createObjectNode().put("path", rel).put("exists", Files.exists(path));
        if (!Files.exists(path)) {
            return new ToolResult("'" + rel + "' does not exist.", node, false);
        }
        try {
            BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class);
            node.put("type", attrs.isDirectory() ? "directory" : "file").put("size", attrs.size())
                    .put("modified", attrs.lastModifiedTime().toInstant().toString());
            if (attrs.isRegularFile()) {
                String content = attrs.size() <= workspace.maxReadBytes() ? decodeOrNull(path) : null;
                node.put("binary", content == null && attrs.size() <= workspace.maxReadBytes());
                if (content != null) {
                    node.put("lines", content.isEmpty() ? 0 : content.split("\n", -1).length - (content.endsWith("\n") ? 1 : 0));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ToolResult(node.toString(), node, false);
    }

    // ---- helpers ----

    private interface Visitor {
        /** Returns false to stop walking. */
        boolean visit(Path file, String relative);
    }

    private void walk(Visitor visitor) {
        List<Path> files = new ArrayList<>();
        collect(files);
        files.sort(java.util.Comparator.comparing(p -> workspace.relativize(p)));
        for (Path file : files) {
            try {
                if (!visitor.visit(file, workspace.relativize(file))) {
                    return;
                }
            } catch (UncheckedIOException e) {
                if (!(e.getCause() instanceof java.nio.file.NoSuchFileException)) {
                    throw e;
                }
                // deleted or renamed since the walk listed it: no longer a file of the workspace
            }
        }
    }

    /** Files of the workspace that .gitignore does not exclude, but for writes in progress (at most 100,000). */
    private void collect(List<Path> out) {
        GitIgnore ignore = GitIgnore.load(workspace.root());
        try {
            Files.walkFileTree(workspace.root(), new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (!dir.equals(workspace.root()) && ignore.isIgnored(dir, true)) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    if (!dir.equals(workspace.root())) {
                        ignore.read(dir);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (!attrs.isRegularFile() || ignore.isIgnored(file, false) || AtomicFiles.isTemporary(file)) {
                        return FileVisitResult.CONTINUE;
                    }
                    out.add(file);
                    return out.size() < 100_000 ? FileVisitResult.CONTINUE : FileVisitResult.TERMINATE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static PathMatcher matcher(String glob) {
        if (glob.startsWith("/") || glob.contains("..")) {
            throw new WorkspaceException("Glob '" + glob + "' must be relative to the workspace root, without '..'.");
        }
        try {
            return FileSystems.getDefault().getPathMatcher("glob:" + glob);
        } catch (IllegalArgumentException e) {
            throw new WorkspaceException("Glob '" + glob + "' is invalid: " + e.getMessage());
        }
    }

    private void checkWriteLimit(String rel, String content) {
        long bytes = content.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > workspace.maxWriteBytes()) {
            throw new WorkspaceException("The new content of '" + rel + "' would be " + bytes + " bytes, over the write limit of "
                    + workspace.maxWriteBytes() + " bytes.");
        }
    }

    private static void requireFile(String rel, Path file) {
        if (!Files.exists(file)) {
            throw new WorkspaceException("File '" + rel + "' does not exist.");
        }
        if (!Files.isRegularFile(file)) {
            throw new WorkspaceException("'" + rel + "' is not a regular file.");
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean endsWithNewline(Path file) {
        String s = readString(file);
        return s.endsWith("\n");
    }

    private List<String> readLines(String rel, Path file) {
        String content = decodeOrNull(file);
        if (content == null) {
            throw new WorkspaceException("File '" + rel + "' is not UTF-8 text (binary?); it cannot be read as text.");
        }
        if (content.isEmpty()) {
            return List.of();
        }
        List<String> lines = new ArrayList<>(List.of(content.split("\n", -1)));
        if (content.endsWith("\n")) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    private static String readString(Path file) {
        String s = decodeOrNull(file);
        if (s == null) {
            throw new WorkspaceException("File '" + file.getFileName() + "' is not UTF-8 text.");
        }
        return s;
    }

    private static String decodeOrNull(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            for (int i = 0; i < Math.min(bytes.length, 8000); i++) {
                if (bytes[i] == 0) {
                    return null;
                }
            }
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
