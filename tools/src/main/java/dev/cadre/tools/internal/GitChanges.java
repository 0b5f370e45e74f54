package dev.cadre.tools.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;

/**
 * Which files differ between HEAD, the index and the working tree, as {@code git status --porcelain} letters:
 * {@code x} for HEAD against the index, {@code y} for the index against the working tree.
 */
public final class GitChanges {

    /** One changed path: its two status letters ({@code ' '}, {@code M}, {@code A}, {@code D}, {@code T}, {@code U}). */
    public record Change(String path, char x, char y) {
        public String line() {
            return "" + x + y + " " + GitChanges.quote(path, true);
        }
    }

    private GitChanges() {}

    /** Every changed tracked path, sorted, optionally only under {@code prefix} ({@code ""} for all). */
    public static List<Change> of(GitDir dir, GitSnapshot snapshot, GitWorkTree work, String prefix, GitDeadline deadline)
            throws IOException {
        Instant indexTime = indexTime(dir.dotGit().resolve("index"));
        Set<String> paths = new TreeSet<>(snapshot.headFiles().keySet());
        paths.addAll(snapshot.indexFiles().keySet());
        paths.addAll(snapshot.conflicted());
        List<Change> changes = new ArrayList<>();
        for (String path : paths) {
            if (!under(path, prefix)) {
                continue;
            }
            deadline.check();
            if (snapshot.conflicted().contains(path)) {
                changes.add(new Change(path, 'U', 'U'));
                continue;
            }
            GitSnapshot.Entry head = snapshot.headFiles().get(path);
            GitSnapshot.Entry index = snapshot.indexFiles().get(path);
            char x = head == null ? 'A' : index == null ? 'D'
                    : !head.id().equals(index.id()) || !head.mode().equals(index.mode()) ? 'M' : ' ';
            char y = index == null ? ' ' : worktree(dir, work, path, index, indexTime);
            if (x != ' ' || y != ' ') {
                changes.add(new Change(path, x, y));
            }
        }
        return changes;
    }

    /** The working tree's letter for a path in the index. */
    static char worktree(GitDir dir, GitWorkTree work, String path, GitSnapshot.Entry index, Instant indexTime) throws IOException {
        if (index.mode() == FileMode.GITLINK || index.index().isAssumeValid() || index.index().isSkipWorkTree()) {
            return ' ';
        }
        GitWorkTree.File file = work.file(path);
        if (file.missing() || file.mode() == FileMode.TREE) {
            return 'D';
        }
        if ((file.mode() == FileMode.SYMLINK) != (index.mode() == FileMode.SYMLINK)) {
            return 'T';
        }
        if (dir.fileMode() && !file.mode().equals(index.mode())) {
            return 'M';
        }
        // a length of 0 is how git marks a racily clean entry ("smudged"): then only the content decides
        boolean smudged = index.index().getLength() == 0 && file.size() != 0;
        if ((int) file.size() != index.index().getLength() && !smudged) {
            return 'M';
        }
        boolean racy = !file.modified().isBefore(indexTime);
        if (file.modified().equals(index.index().getLastModifiedInstant()) && !racy && !smudged) {
            return ' ';
        }
        ObjectId id = work.id(path, file);
        return id.equals(index.id()) ? ' ' : 'M';
    }

    private static Instant indexTime(Path index) {
        try {
            return Files.getLastModifiedTime(index).toInstant();
        } catch (IOException e) {
            return Instant.EPOCH;
        }
    }

    /** Whether {@code path} is {@code prefix} or lies below it ({@code ""} matches everything). */
    public static boolean under(String path, String prefix) {
        return prefix.isEmpty() || path.equals(prefix) || path.startsWith(prefix + "/");
    }

    /** The paths of submodules (gitlinks) in the index. */
    public static Set<String> gitlinks(GitSnapshot snapshot) {
        return snapshot.indexFiles().entrySet().stream().filter(e -> e.getValue().mode() == FileMode.GITLINK)
                .map(java.util.Map.Entry::getKey).collect(Collectors.toSet());
    }

    /**
     * A path as git prints it (core.quotePath): in double quotes with C and octal escapes when it has a quote,
     * backslash, control or non-ASCII character, or (for status lines, {@code quoteSpace}) a space.
     */
    static String quote(String path, boolean quoteSpace) {
        byte[] bytes = path.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        boolean plain = true;
        for (byte b : bytes) {
            plain &= b >= 0x20 && b != '"' && b != '\\' && b != 0x7f && (b != ' ' || !quoteSpace);
        }
        if (plain) {
            return path;
        }
        StringBuilder out = new StringBuilder("\"");
        for (byte b : bytes) {
            int c = b & 0xff;
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c >= 0x7f) {
                        out.append(String.format("\\%03o", c));
                    } else {
                        out.append((char) c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
