package dev.cadre.tools.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.api.CadreJson;
import dev.cadre.api.ToolResult;
import dev.cadre.tools.Workspace;
import dev.cadre.tools.WorkspaceException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The reading side of the workspace tools: list, glob, search and info. Walks respect {@code .gitignore}, skip
 * symbolic links, hard-linked files, writes in progress and everything inside a protected directory, and stop at the
 * call's {@link Deadline}.
 */
public final class FileFinder {

    private static final int MAX_RESULTS = 200;
    private static final int MAX_LINE_CHARS = 300;
    private static final int MAX_FILES = 100_000;

    private final Workspace workspace;

    public FileFinder(Workspace workspace) {
        this.workspace = workspace;
    }

    /** A directory's entries; a symbolic link is reported as itself (its own size), never as its target. */
    public ToolResult list(JsonNode args) {
        String rel = SimpleTool.text(args, "path");
        rel = rel == null || rel.isBlank() ? "." : rel;
        Path dir = workspace.resolve(rel);
        if (!Files.isDirectory(dir)) {
            throw new WorkspaceException("'" + rel + "' is not a directory of the workspace.");
        }
        List<Path> hidden = workspace.protectedLocations();
        ArrayNode entries = CadreJson.mapper().createArrayNode();
        StringBuilder text = new StringBuilder();
        try (var stream = Files.list(dir)) {
            Path real = dir.toRealPath();
            for (Path child : stream.sorted().toList()) {
                if (hidden.stream().anyMatch(real.resolve(child.getFileName())::startsWith)) {
                    continue;
                }
                BasicFileAttributes attrs = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                boolean directory = attrs.isDirectory();
                String type = directory ? "directory" : attrs.isSymbolicLink() ? "link" : attrs.isRegularFile() ? "file" : "other";
                String name = child.getFileName().toString() + (directory ? "/" : "");
                long size = directory ? 0 : attrs.size();
                entries.addObject().put("name", name).put("type", type).put("size", size);
                text.append(name).append(directory ? "" : "  (" + (attrs.isSymbolicLink() ? "link, " : "") + size + " bytes)").append('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ToolResult(text.length() == 0 ? "(empty directory)" : text.toString().strip(),
                CadreJson.mapper().createObjectNode().put("path", rel).set("entries", entries), false);
    }

    public ToolResult glob(JsonNode args, Deadline deadline) {
        String pattern = SimpleTool.text(args, "pattern");
        Glob glob = glob(pattern);
        List<String> found = new ArrayList<>();
        walk(deadline, (file, rel) -> {
            if (glob.matches(rel, deadline)) {
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

    public ToolResult search(JsonNode args, Deadline deadline) {
        String regex = SimpleTool.text(args, "regex");
        Pattern pattern;
        try {
            pattern = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new WorkspaceException("The regular expression '" + regex + "' is invalid: " + e.getDescription() + ".");
        }
        String only = SimpleTool.text(args, "glob");
        Glob filter = only == null || only.isBlank() ? null : glob(only);
        List<String> hits = new ArrayList<>();
        walk(deadline, (file, rel) -> {
            if (filter != null && !filter.matches(rel, deadline) || TextFiles.size(file) > workspace.maxReadBytes()) {
                return true;
            }
            String content = TextFiles.decodeOrNull(file);
            if (content == null) {
                return true; // binary
            }
            String[] lines = content.split("\n", -1);
            for (int i = 0; i < lines.length && hits.size() < MAX_RESULTS; i++) {
                Matcher m = pattern.matcher(deadline.guard(lines[i]));
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

    public ToolResult info(JsonNode args) {
        String rel = SimpleTool.text(args, "path");
        Path path = workspace.resolve(rel);
        ObjectNode node = CadreJson.mapper().createObjectNode().put("path", rel).put("exists", Files.exists(path));
        if (!Files.exists(path)) {
            return new ToolResult("'" + rel + "' does not exist.", node, false);
        }
        TextFiles.requireSingleLink(rel, path);
        try {
            BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class);
            node.put("type", attrs.isDirectory() ? "directory" : "file").put("size", attrs.size())
                    .put("modified", attrs.lastModifiedTime().toInstant().toString());
            if (attrs.isRegularFile()) {
                String content = attrs.size() <= workspace.maxReadBytes() ? TextFiles.decodeOrNull(path) : null;
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

    private static Glob glob(String glob) {
        if (glob.startsWith("/") || glob.contains("..")) {
            throw new WorkspaceException("Glob '" + glob + "' must be relative to the workspace root, without '..'.");
        }
        try {
            return Glob.compile(glob);
        } catch (IllegalArgumentException e) {
            throw new WorkspaceException("Glob '" + glob + "' is invalid: " + e.getMessage() + ".");
        }
    }

    private interface Visitor {
        /** Returns false to stop walking. */
        boolean visit(Path file, String relative);
    }

    private void walk(Deadline deadline, Visitor visitor) {
        List<Path> files = collect(deadline);
        files.sort(Comparator.comparing(workspace::relativize));
        for (Path file : files) {
            deadline.check();
            try {
                if (!visitor.visit(file, workspace.relativize(file))) {
                    return;
                }
            } catch (UncheckedIOException e) {
                if (!(e.getCause() instanceof NoSuchFileException)) {
                    throw e;
                }
                // deleted or renamed since the walk listed it: no longer a file of the workspace
            }
        }
    }

    /** Files of the workspace that .gitignore does not exclude, but for writes in progress (at most 100,000). */
    private List<Path> collect(Deadline deadline) {
        List<Path> out = new ArrayList<>();
        Path root = workspace.root();
        List<Path> hidden = workspace.protectedLocations();
        GitIgnore ignore = GitIgnore.load(root);
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    deadline.check();
                    if (dir.equals(root)) {
                        return FileVisitResult.CONTINUE;
                    }
                    if (hidden.stream().anyMatch(dir::startsWith) || ignore.isIgnored(dir, true, deadline)) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    ignore.read(dir);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    deadline.check();
                    try {
                        if (!attrs.isRegularFile() || AtomicFiles.isTemporary(file) || hidden.stream().anyMatch(file::startsWith)
                                || ignore.isIgnored(file, false, deadline) || TextFiles.linkCount(file) > 1) {
                            return FileVisitResult.CONTINUE;
                        }
                    } catch (UncheckedIOException e) {
                        return FileVisitResult.CONTINUE; // gone since it was listed
                    }
                    out.add(file);
                    return out.size() < MAX_FILES ? FileVisitResult.CONTINUE : FileVisitResult.TERMINATE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
