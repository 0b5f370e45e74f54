package dev.cadre.eval.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.TreeSet;
import java.util.stream.Stream;

/** A case's workspace: copied fresh for each run, and compared with its original afterwards. */
public final class WorkspaceFiles {

    private WorkspaceFiles() {}

    /** A matcher for a glob relative to the workspace root ({@code src/**.java}); an error names a bad glob. */
    public static PathMatcher matcher(String glob) {
        try {
            return FileSystems.getDefault().getPathMatcher("glob:" + glob);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the glob '" + glob + "' is invalid: " + e.getMessage(), e);
        }
    }

    /** Makes {@code target} a fresh copy of {@code source} (or an empty directory when {@code source} is null). Links are not followed. */
    public static void copyFresh(Path source, Path target) {
        try {
            delete(target);
            Files.createDirectories(target);
            if (source == null) {
                return;
            }
            try (Stream<Path> files = Files.walk(source)) {
                for (Path from : (Iterable<Path>) files::iterator) {
                    Path to = target.resolve(source.relativize(from).toString());
                    if (Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
                        Files.createDirectories(to);
                    } else if (Files.isRegularFile(from, LinkOption.NOFOLLOW_LINKS)) {
                        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot copy the workspace " + source + " to " + target + ": " + e.getMessage(), e);
        }
    }

    /** Deletes a directory tree, if it exists. */
    public static void delete(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** The files (relative, with '/') added, changed or deleted in {@code after} compared with {@code before} (null: empty). */
    public static TreeSet<String> changed(Path before, Path after) {
        TreeSet<String> all = new TreeSet<>();
        TreeSet<String> original = before == null ? new TreeSet<>() : files(before);
        TreeSet<String> now = files(after);
        all.addAll(original);
        all.addAll(now);
        TreeSet<String> changed = new TreeSet<>();
        try {
            for (String file : all) {
                if (!original.contains(file) || !now.contains(file) || Files.mismatch(before.resolve(file), after.resolve(file)) != -1) {
                    changed.add(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot compare the workspace " + after + " with " + before + ": " + e.getMessage(), e);
        }
        return changed;
    }

    private static TreeSet<String> files(Path root) {
        TreeSet<String> files = new TreeSet<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .filter(p -> !p.startsWith(".git/"))
                    .forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the workspace " + root + ": " + e.getMessage(), e);
        }
        return files;
    }
}
