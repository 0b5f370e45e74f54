package dev.cadre.tools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.text.Normalizer;

/**
 * One root directory that agents' file tools are confined to. Every path an agent gives is relative to the root;
 * anything that would resolve outside it ({@code ..}, absolute paths, symlinks pointing out, NUL bytes, names that
 * turn into {@code ..} or a separator under Unicode normalisation, over-long paths) is refused with a clear error.
 *
 * @param root          the workspace directory (made absolute and real)
 * @param maxReadBytes  the largest file read whole (default 1 MiB); larger files are read by line range
 * @param maxWriteBytes the largest content written at once (default 1 MiB)
 */
public record Workspace(Path root, long maxReadBytes, long maxWriteBytes) {

    public static final long DEFAULT_LIMIT = 1024 * 1024;
    private static final int MAX_PATH_CHARS = 1024;
    private static final int MAX_NAME_CHARS = 255;

    public Workspace {
        try {
            root = root.toAbsolutePath().normalize();
            if (!Files.isDirectory(root)) {
                throw new WorkspaceException("Workspace root " + root + " is not a directory.");
            }
            root = root.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open workspace root " + root + ": " + e.getMessage(), e);
        }
        if (maxReadBytes <= 0 || maxWriteBytes <= 0) {
            throw new IllegalArgumentException("Workspace limits must be positive.");
        }
    }

    public static Workspace at(Path root) {
        return new Workspace(root, DEFAULT_LIMIT, DEFAULT_LIMIT);
    }

    /**
     * The absolute path for {@code relative}, guaranteed inside the root (following symlinks of the parts that
     * exist). {@code ""} and {@code "."} are the root itself.
     */
    public Path resolve(String relative) {
        if (relative == null) {
            throw new WorkspaceException("A path is required.");
        }
        if (relative.indexOf('\0') >= 0) {
            throw new WorkspaceException("Path '" + printable(relative) + "' contains a NUL byte; refused.");
        }
        if (relative.length() > MAX_PATH_CHARS) {
            throw new WorkspaceException("Path '" + relative.substring(0, 40) + "...' is " + relative.length()
                    + " characters long, over the limit of " + MAX_PATH_CHARS + ".");
        }
        if (relative.indexOf('\\') >= 0) {
            throw new WorkspaceException("Path '" + relative + "' contains a backslash; use '/' between names.");
        }
        if (relative.startsWith("/") || relative.startsWith("~") || (relative.length() > 1 && relative.charAt(1) == ':')) {
            throw new WorkspaceException("Path '" + relative + "' is absolute; give a path relative to the workspace root.");
        }
        for (String name : relative.split("/")) {
            if (name.length() > MAX_NAME_CHARS) {
                throw new WorkspaceException("Path '" + relative + "' has a name longer than " + MAX_NAME_CHARS + " characters.");
            }
            String folded = Normalizer.normalize(name, Normalizer.Form.NFKC);
            if (!folded.equals(name) && (folded.equals("..") || folded.equals(".") || folded.contains("/") || folded.contains("\\"))) {
                throw new WorkspaceException("Path '" + relative + "' uses look-alike characters for '" + folded
                        + "'; refused.");
            }
            if (name.codePoints().anyMatch(Workspace::isLookAlike)) {
                throw new WorkspaceException("Path '" + relative + "' uses look-alike characters for '/' or '.'; refused.");
            }
            if (name.equals("..")) {
                throw new WorkspaceException("Path '" + relative + "' goes up with '..'; paths must stay inside the workspace.");
            }
        }
        Path resolved = root.resolve(relative).normalize();
        if (!resolved.startsWith(root)) {
            throw new WorkspaceException("Path '" + relative + "' is outside the workspace.");
        }
        // Follow symlinks through the deepest part that exists: it must still be inside the root.
        Path existing = resolved;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing != null) {
            try {
                Path real = existing.toRealPath();
                if (!real.startsWith(root)) {
                    throw new WorkspaceException("Path '" + relative + "' leads outside the workspace through a symbolic link.");
                }
            } catch (IOException e) {
                if (Files.isSymbolicLink(existing)) {
                    throw new WorkspaceException("Path '" + relative + "' is a broken symbolic link; refused.");
                }
                throw new UncheckedIOException(e);
            }
        }
        return resolved;
    }

    /** The path of {@code absolute} relative to the root, with '/' separators. */
    public String relativize(Path absolute) {
        String rel = root.relativize(absolute).toString().replace('\\', '/');
        return rel.isEmpty() ? "." : rel;
    }

    /** Characters that look like '/' or '.' (division slash, fraction slash, fullwidth forms, one-dot leader...). */
    private static boolean isLookAlike(int c) {
        return c == 0x2215 || c == 0x2044 || c == 0xFF0F || c == 0x29F8 || c == 0x2571 || c == 0xFF3C || c == 0x29F5
                || c == 0xFF0E || c == 0x2024 || c == 0xFE52 || c == 0x3002 || c == 0xFF61 || c == 0x0701 || c == 0x0702;
    }

    private static String printable(String s) {
        return s.replace("\0", "\\0");
    }
}
