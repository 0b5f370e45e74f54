package dev.cadre.tools;

import dev.cadre.api.CadreState;
import dev.cadre.tools.internal.Glob;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.text.Normalizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One root directory that agents' file tools are confined to. Every path an agent gives is relative to the root;
 * anything that would resolve outside it ({@code ..}, absolute paths, symlinks pointing out, NUL bytes, names that
 * turn into {@code ..} or a separator under Unicode normalisation, over-long paths) is refused with a clear error.
 * So is every path whose real location is inside Cadre's own state ({@link CadreState#directory()}, always) or
 * another {@linkplain #withProtectedDirectory protected directory}, whatever the root: a root inside one is refused,
 * and a root that contains one never shows it.
 *
 * @param root                 the workspace directory (made absolute and real)
 * @param maxReadBytes         the largest file read whole (default 1 MiB); larger files are read by line range
 * @param maxWriteBytes        the largest content written at once (default 1 MiB)
 * @param searchTimeout        how long one {@code workspace_search} or {@code workspace_glob} may take (default 10 s)
 * @param writeQuota           how much one run may write (default 64 MiB and 1,000 files)
 * @param protectedDirectories directories no tool reads or writes; Cadre's state directory is always one of them
 * @param executedFiles        globs of files that allow-listed commands execute (e.g. {@code pom.xml},
 *                             {@code .mvn/**}): writing one needs an EXECUTES approval. A glob without '/' matches
 *                             the file name at any depth; matching ignores case
 */
public record Workspace(Path root, long maxReadBytes, long maxWriteBytes, Duration searchTimeout, WriteQuota writeQuota,
                        List<Path> protectedDirectories, List<String> executedFiles) {

    public static final long DEFAULT_LIMIT = 1024 * 1024;
    public static final Duration DEFAULT_SEARCH_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_PATH_CHARS = 1024;
    private static final int MAX_NAME_CHARS = 255;
    private static final boolean WINDOWS = File.separatorChar == '\\';
    private static final Pattern DRIVE = Pattern.compile("[A-Za-z]:(/.*)?");

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
        searchTimeout = searchTimeout == null ? DEFAULT_SEARCH_TIMEOUT : searchTimeout;
        if (searchTimeout.isNegative() || searchTimeout.isZero()) {
            throw new IllegalArgumentException("The workspace search timeout must be positive; got " + searchTimeout + ".");
        }
        writeQuota = writeQuota == null ? WriteQuota.DEFAULT : writeQuota;
        List<Path> dirs = new ArrayList<>();
        dirs.add(CadreState.directory());
        for (Path dir : protectedDirectories == null ? List.<Path>of() : protectedDirectories) {
            Path absolute = dir.toAbsolutePath().normalize();
            if (!dirs.contains(absolute)) {
                dirs.add(absolute);
            }
        }
        protectedDirectories = List.copyOf(dirs);
        for (Path dir : protectedDirectories) {
            if (root.startsWith(CadreState.located(dir))) {
                throw new WorkspaceException("Workspace root " + root + " is inside " + dir + ", which holds Cadre's own state;"
                        + " choose a workspace outside it.");
            }
        }
        executedFiles = List.copyOf(executedFiles == null ? List.of() : executedFiles);
        executedFiles.forEach(Workspace::checkExecutedFile);
    }

    /** Throws an {@link IllegalArgumentException} saying why {@code glob} is not a valid executed-files pattern. */
    public static void checkExecutedFile(String glob) {
        if (glob == null || glob.isBlank()) {
            throw new IllegalArgumentException("An executed-files pattern is empty; give a glob such as pom.xml or .mvn/**.");
        }
        try {
            Glob.compile(glob.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Executed-files pattern '" + glob + "' is not a valid glob: " + e.getMessage() + ".", e);
        }
    }

    public Workspace(Path root, long maxReadBytes, long maxWriteBytes) {
        this(root, maxReadBytes, maxWriteBytes, null, null, List.of(), List.of());
    }

    public static Workspace at(Path root) {
        return new Workspace(root, DEFAULT_LIMIT, DEFAULT_LIMIT);
    }

    /** The same workspace with another time limit for one search or glob. */
    public Workspace withSearchTimeout(Duration timeout) {
        return new Workspace(root, maxReadBytes, maxWriteBytes, timeout, writeQuota, protectedDirectories, executedFiles);
    }

    /** The same workspace with another per-run write quota. */
    public Workspace withWriteQuota(WriteQuota quota) {
        return new Workspace(root, maxReadBytes, maxWriteBytes, searchTimeout, quota, protectedDirectories, executedFiles);
    }

    /** The same workspace that also refuses every path inside {@code directory} (e.g. a runs directory given elsewhere). */
    public Workspace withProtectedDirectory(Path directory) {
        List<Path> dirs = new ArrayList<>(protectedDirectories);
        dirs.add(directory);
        return new Workspace(root, maxReadBytes, maxWriteBytes, searchTimeout, writeQuota, dirs, executedFiles);
    }

    /** The same workspace whose writes to files matching {@code globs} need an EXECUTES approval. */
    public Workspace withExecutedFiles(List<String> globs) {
        return new Workspace(root, maxReadBytes, maxWriteBytes, searchTimeout, writeQuota, protectedDirectories, globs);
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
        // 'a:b' is an ordinary name on Unix; a drive letter and '/' (absolute on Windows) is refused everywhere.
        if (relative.startsWith("/") || relative.startsWith("~") || DRIVE.matcher(relative).matches()
                || WINDOWS && relative.indexOf(':') >= 0) {
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
                refuseProtected(relative, real.resolve(existing.relativize(resolved)));
            } catch (IOException e) {
                if (Files.isSymbolicLink(existing)) {
                    throw new WorkspaceException("Path '" + relative + "' is a broken symbolic link; refused.");
                }
                throw new UncheckedIOException(e);
            }
        }
        return resolved;
    }

    /** Where {@code relative} really is, symbolic links followed, relative to the root ('/' separators). */
    public String realRelative(String relative) {
        Path real = CadreState.located(resolve(relative));
        return real.startsWith(root) ? relativize(real) : relative;
    }

    /** The real locations of the protected directories now (they may not exist yet); walks skip what is inside them. */
    public List<Path> protectedLocations() {
        return protectedDirectories.stream().map(CadreState::located).toList();
    }

    private void refuseProtected(String relative, Path real) {
        for (int i = 0; i < protectedDirectories.size(); i++) {
            if (real.startsWith(CadreState.located(protectedDirectories.get(i)))) {
                throw new WorkspaceException("Path '" + relative + "' is inside " + (i == 0 ? "Cadre's state directory "
                        : "a directory Cadre protects, ") + protectedDirectories.get(i) + "; workspace tools never read or write there.");
            }
        }
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
