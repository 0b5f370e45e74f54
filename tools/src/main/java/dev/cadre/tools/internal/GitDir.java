package dev.cadre.tools.internal;

import dev.cadre.tools.WorkspaceException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import org.eclipse.jgit.errors.ConfigInvalidException;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.ObjectId;

/**
 * The {@code .git} directory at a workspace root, checked before anything reads it: only {@code <root>/.git} (never a
 * directory above the root, never {@code GIT_DIR}), a real directory (not a {@code gitdir:} file, not a link), no
 * {@code core.worktree}, no {@code commondir}, no alternates, no symbolic link leading out of it and no special file
 * in it. Its configuration is parsed as plain text (no {@code include.path}) for the few settings that shape status.
 *
 * @param root     the workspace root (real path)
 * @param dotGit   {@code root/.git}
 * @param fileMode {@code core.fileMode}: whether the executable bit counts as a change
 * @param config   the repository's own configuration, includes not followed
 */
public record GitDir(Path root, Path dotGit, boolean fileMode, Config config) {

    static final long MAX_SMALL_FILE = 1024 * 1024;

    /** The current branch ({@code null} when HEAD is detached) and commit ({@code null} before the first commit). */
    public record Head(String branch, ObjectId commit) {}

    public static GitDir open(Path root, GitDeadline deadline) {
        Path dotGit = root.resolve(".git");
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(dotGit, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new WorkspaceException("Workspace " + root + " is not a git repository (it has no .git directory;"
                    + " git tools never read a repository above the workspace root).");
        } catch (IOException e) {
            throw new WorkspaceException("Cannot read " + dotGit + ": " + e.getMessage());
        }
        if (attrs.isSymbolicLink()) {
            throw new WorkspaceException(dotGit + " is a symbolic link; git tools read only a .git directory inside the workspace.");
        }
        if (!attrs.isDirectory()) {
            throw new WorkspaceException(dotGit + " is a .git file (a gitdir: pointer, as a linked worktree or submodule has);"
                    + " git tools read only a .git directory at the workspace root.");
        }
        checkContents(dotGit, deadline);
        if (Files.exists(dotGit.resolve("commondir"), LinkOption.NOFOLLOW_LINKS)) {
            throw new WorkspaceException(dotGit.resolve("commondir") + " points at another git directory (a linked worktree);"
                    + " git tools read only the objects and refs inside " + dotGit + ".");
        }
        Path alternates = dotGit.resolve("objects/info/alternates");
        if (Files.isRegularFile(alternates, LinkOption.NOFOLLOW_LINKS) && !text(alternates).isBlank()) {
            throw new WorkspaceException(alternates + " borrows objects from another repository (alternates);"
                    + " git tools read only the objects inside " + dotGit + ".");
        }
        if (!Files.isRegularFile(dotGit.resolve("HEAD"), LinkOption.NOFOLLOW_LINKS)
                || !Files.isDirectory(dotGit.resolve("objects"), LinkOption.NOFOLLOW_LINKS)) {
            throw new WorkspaceException("Workspace " + root + " is not a git repository (" + dotGit
                    + " has no HEAD file or objects directory).");
        }
        Config config = config(dotGit.resolve("config"));
        String worktree = config.getString("core", null, "worktree");
        if (worktree != null) {
            throw new WorkspaceException(dotGit.resolve("config") + " sets core.worktree = " + worktree
                    + "; git tools read only the workspace root as the working tree.");
        }
        if (config.getBoolean("core", null, "bare", false)) {
            throw new WorkspaceException(dotGit.resolve("config") + " says core.bare = true; git tools need a working tree.");
        }
        if (config.getInt("core", null, "repositoryformatversion", 0) > 1) {
            throw new WorkspaceException(dotGit.resolve("config") + " has an unknown core.repositoryFormatVersion.");
        }
        String objectFormat = config.getString("extensions", null, "objectformat");
        String refStorage = config.getString("extensions", null, "refstorage");
        if ((objectFormat != null && !objectFormat.equalsIgnoreCase("sha1")) || (refStorage != null && !refStorage.equalsIgnoreCase("files"))) {
            throw new WorkspaceException(dotGit.resolve("config") + " uses extensions.objectFormat/refStorage that git tools"
                    + " do not read (only SHA-1 objects and loose or packed refs).");
        }
        return new GitDir(root, dotGit, config.getBoolean("core", null, "filemode", true), config);
    }

    /** Refuses a symbolic link inside {@code .git} that leads out of it, and any fifo, socket or device file. */
    private static void checkContents(Path dotGit, GitDeadline deadline) {
        Path realGit;
        try {
            realGit = dotGit.toRealPath();
            Files.walkFileTree(dotGit, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    deadline.check();
                    if (attrs.isSymbolicLink()) {
                        Path target;
                        try {
                            target = file.toRealPath();
                        } catch (IOException broken) {
                            return FileVisitResult.CONTINUE;
                        }
                        if (!target.startsWith(realGit)) {
                            throw new WorkspaceException(file + " is a symbolic link that leads outside " + dotGit
                                    + "; git tools refuse to read through it.");
                        }
                    } else if (attrs.isOther()) {
                        throw new WorkspaceException(file + " is a special file (fifo, socket or device); git tools refuse to read it.");
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new WorkspaceException("Cannot read " + dotGit + ": " + e.getMessage());
        }
    }

    private static Config config(Path file) {
        Config config = new Config();
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return config;
        }
        try {
            config.fromText(text(file)); // plain Config: include.path and includeIf are not followed
        } catch (ConfigInvalidException e) {
            throw new WorkspaceException(file + " is not valid git configuration: " + e.getMessage());
        }
        return config;
    }

    /** A small regular file inside {@code .git} as text (refused over 1 MiB). */
    static String text(Path file) {
        try {
            if (Files.size(file) > MAX_SMALL_FILE) {
                throw new WorkspaceException(file + " is larger than " + MAX_SMALL_FILE + " bytes; git tools refuse to read it.");
            }
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new WorkspaceException("Cannot read " + file + ": " + e.getMessage());
        }
    }

    public Head head() {
        String head = text(dotGit.resolve("HEAD")).strip();
        if (head.startsWith("ref:")) {
            String ref = head.substring(4).strip();
            String branch = ref.startsWith("refs/heads/") ? ref.substring("refs/heads/".length()) : ref;
            return new Head(branch, ref(ref));
        }
        return new Head(null, id(head, dotGit.resolve("HEAD")));
    }

    /** The commit a ref names (loose file or {@code packed-refs}), or {@code null} when it does not exist. */
    public ObjectId ref(String name) {
        if (name.contains("..") || name.startsWith("/") || name.contains("\\") || !name.startsWith("refs/")) {
            throw new WorkspaceException(dotGit.resolve("HEAD") + " names the ref '" + name + "', which git tools do not read.");
        }
        Path loose = dotGit.resolve(name);
        if (Files.isRegularFile(loose, LinkOption.NOFOLLOW_LINKS)) {
            String value = text(loose).strip();
            return value.startsWith("ref:") ? ref(value.substring(4).strip()) : id(value, loose);
        }
        Path packed = dotGit.resolve("packed-refs");
        if (Files.isRegularFile(packed, LinkOption.NOFOLLOW_LINKS)) {
            for (String line : packedRefs(packed).split("\n")) {
                if (line.endsWith(" " + name) && !line.startsWith("#") && !line.startsWith("^")) {
                    return id(line.substring(0, line.indexOf(' ')), packed);
                }
            }
        }
        return null;
    }

    private static String packedRefs(Path packed) {
        try {
            if (Files.size(packed) > 64 * MAX_SMALL_FILE) {
                throw new WorkspaceException(packed + " is larger than 64 MiB; git tools refuse to read it.");
            }
            return Files.readString(packed, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new WorkspaceException("Cannot read " + packed + ": " + e.getMessage());
        }
    }

    private static ObjectId id(String value, Path where) {
        if (!ObjectId.isId(value.toLowerCase(Locale.ROOT))) {
            throw new WorkspaceException(where + " does not hold a commit id.");
        }
        return ObjectId.fromString(value.toLowerCase(Locale.ROOT));
    }
}
