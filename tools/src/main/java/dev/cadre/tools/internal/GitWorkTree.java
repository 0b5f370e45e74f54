package dev.cadre.tools.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;

/**
 * The working tree under a workspace root as git sees it, read as raw bytes: no clean filter, no line-ending
 * conversion, no attribute is applied. Symbolic links are never followed (a link is its target text, as git stores
 * it), and a path whose parent is a link or not a directory counts as missing.
 */
public final class GitWorkTree {

    /** A working-tree file: its git mode ({@code MISSING} when absent), size and last change. */
    public record File(FileMode mode, long size, Instant modified) {
        public boolean missing() {
            return mode == FileMode.MISSING;
        }
    }

    private final Path root;
    private final GitDeadline deadline;
    private final Map<String, Boolean> directories = new HashMap<>();

    public GitWorkTree(Path root, GitDeadline deadline) {
        this.root = root;
        this.deadline = deadline;
    }

    public Path root() {
        return root;
    }

    public File file(String path) {
        int slash = path.lastIndexOf('/');
        if (slash > 0 && !isRealDirectory(path.substring(0, slash))) {
            return new File(FileMode.MISSING, 0, Instant.EPOCH);
        }
        try {
            BasicFileAttributes a = Files.readAttributes(root.resolve(path), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            Instant nanos = a.lastModifiedTime().toInstant();
            if (a.isSymbolicLink()) {
                return new File(FileMode.SYMLINK, a.size(), nanos);
            }
            if (a.isDirectory()) {
                return new File(FileMode.TREE, 0, nanos);
            }
            if (!a.isRegularFile()) {
                return new File(FileMode.MISSING, 0, Instant.EPOCH);
            }
            return new File(executable(root.resolve(path)) ? FileMode.EXECUTABLE_FILE : FileMode.REGULAR_FILE, a.size(), nanos);
        } catch (IOException e) {
            return new File(FileMode.MISSING, 0, Instant.EPOCH);
        }
    }

    private boolean isRealDirectory(String dir) {
        Boolean known = directories.get(dir);
        if (known == null) {
            int slash = dir.lastIndexOf('/');
            known = (slash <= 0 || isRealDirectory(dir.substring(0, slash)))
                    && Files.isDirectory(root.resolve(dir), LinkOption.NOFOLLOW_LINKS);
            directories.put(dir, known);
        }
        return known;
    }

    private static boolean executable(Path file) {
        try {
            return Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS).contains(PosixFilePermission.OWNER_EXECUTE);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Whether the file has other hard links (its content may belong to a file outside the root). */
    public boolean hardLinked(String path) {
        try {
            Object links = Files.getAttribute(root.resolve(path), "unix:nlink", LinkOption.NOFOLLOW_LINKS);
            return links instanceof Integer n && n > 1;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    /** The blob id git would give the file's raw content (or a link's target). */
    public ObjectId id(String path, File file) throws IOException {
        try (ObjectInserter.Formatter formatter = new ObjectInserter.Formatter()) {
            if (file.mode() == FileMode.SYMLINK) {
                return formatter.idFor(Constants.OBJ_BLOB, bytes(path, file));
            }
            try (InputStream in = Files.newInputStream(root.resolve(path), LinkOption.NOFOLLOW_LINKS)) {
                return formatter.idFor(Constants.OBJ_BLOB, file.size(), in);
            }
        }
    }

    /** The file's raw bytes, or a link's target (callers check the size against their limit first). */
    public byte[] bytes(String path, File file) throws IOException {
        if (file.mode() == FileMode.SYMLINK) {
            return Files.readSymbolicLink(root.resolve(path)).toString().getBytes(StandardCharsets.UTF_8);
        }
        try (InputStream in = Files.newInputStream(root.resolve(path), LinkOption.NOFOLLOW_LINKS)) {
            return in.readNBytes((int) Math.min(file.size(), Integer.MAX_VALUE - 16));
        }
    }

    /**
     * Files (and nested repositories, as {@code dir/}) that are neither tracked nor ignored by {@code .gitignore},
     * sorted; {@code tracked} paths and the directories of submodules ({@code gitlinks}) are skipped.
     */
    public List<String> untracked(Set<String> tracked, Set<String> gitlinks) throws IOException {
        List<String> found = new ArrayList<>();
        GitIgnore ignore = GitIgnore.load(root);
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                deadline.check();
                if (dir.equals(root)) {
                    return FileVisitResult.CONTINUE;
                }
                String rel = relative(dir);
                if (dir.getFileName().toString().equals(".git") || gitlinks.contains(rel) || ignore.isIgnored(dir, true)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                if (Files.exists(dir.resolve(".git"), LinkOption.NOFOLLOW_LINKS)) {
                    found.add(rel + "/");
                    return FileVisitResult.SKIP_SUBTREE;
                }
                ignore.read(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                deadline.check();
                String rel = relative(file);
                if ((attrs.isRegularFile() || attrs.isSymbolicLink()) && !tracked.contains(rel) && !ignore.isIgnored(file, false)) {
                    found.add(rel);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE;
            }
        });
        found.sort(null);
        return found;
    }

    private String relative(Path p) {
        return root.relativize(p).toString().replace('\\', '/');
    }
}
