package dev.cadre.tools.internal;

import dev.cadre.tools.WorkspaceException;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.internal.storage.file.ObjectDirectory;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.util.FS;

/**
 * What a checked {@link GitDir} holds: the files of HEAD's tree and of the index, and their blobs. Objects are read
 * with JGit's object directory alone (an empty configuration: the repository's own settings never reach JGit), so
 * nothing here can start a program, follow alternates or read a file outside {@code .git}.
 */
public final class GitSnapshot implements AutoCloseable {

    /** One file of a tree or of the index. */
    public record Entry(ObjectId id, FileMode mode, DirCacheEntry index) {}

    private final ObjectDirectory objects;
    private final ObjectReader reader;
    private final GitDir.Head head;
    private final Map<String, Entry> headFiles = new TreeMap<>();
    private final Map<String, Entry> indexFiles = new TreeMap<>();
    private final Set<String> conflicted = new TreeSet<>();

    public GitSnapshot(GitDir dir, GitDeadline deadline) {
        try {
            objects = new ObjectDirectory(new Config(), dir.dotGit().resolve("objects").toFile(), null, FS.DETECTED,
                    dir.dotGit().resolve("shallow").toFile());
        } catch (IOException e) {
            throw new WorkspaceException("Cannot open the objects of " + dir.dotGit() + ": " + e.getMessage());
        }
        reader = objects.newReader();
        try {
            head = dir.head();
            if (head.commit() != null) {
                try (RevWalk walk = new RevWalk(reader); TreeWalk tree = new TreeWalk(reader)) {
                    RevCommit commit = walk.parseCommit(head.commit());
                    tree.addTree(commit.getTree());
                    tree.setRecursive(true);
                    while (tree.next()) {
                        deadline.check();
                        headFiles.put(tree.getPathString(), new Entry(tree.getObjectId(0), tree.getFileMode(0), null));
                    }
                }
            }
            DirCache index = DirCache.read(dir.dotGit().resolve("index").toFile(), FS.DETECTED);
            for (int i = 0; i < index.getEntryCount(); i++) {
                deadline.check();
                DirCacheEntry e = index.getEntry(i);
                if (e.getStage() != DirCacheEntry.STAGE_0) {
                    conflicted.add(e.getPathString());
                } else {
                    indexFiles.put(e.getPathString(), new Entry(e.getObjectId(), e.getFileMode(), e));
                }
            }
        } catch (IOException e) {
            close();
            throw new WorkspaceException("Cannot read the repository in " + dir.dotGit() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public GitDir.Head head() {
        return head;
    }

    public Map<String, Entry> headFiles() {
        return headFiles;
    }

    public Map<String, Entry> indexFiles() {
        return indexFiles;
    }

    public Set<String> conflicted() {
        return conflicted;
    }

    /** A blob's size, without loading it. */
    public long size(ObjectId id) throws IOException {
        return reader.getObjectSize(id, Constants.OBJ_BLOB);
    }

    /** A blob's bytes (callers check {@link #size} against their limit first). */
    public byte[] bytes(ObjectId id) throws IOException {
        ObjectLoader loader = reader.open(id, Constants.OBJ_BLOB);
        return loader.getCachedBytes(Integer.MAX_VALUE - 16);
    }

    /** How many commits {@code from} has that {@code notIn} has not. */
    public int commitsNotIn(ObjectId from, ObjectId notIn, GitDeadline deadline) throws IOException {
        try (RevWalk walk = new RevWalk(reader)) {
            walk.markStart(walk.parseCommit(from));
            walk.markUninteresting(walk.parseCommit(notIn));
            int n = 0;
            for (RevCommit ignored : walk) {
                deadline.check();
                n++;
            }
            return n;
        }
    }

    @Override
    public void close() {
        reader.close();
        objects.close();
    }
}
