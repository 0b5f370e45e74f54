package dev.cadre.tools.internal;

import dev.cadre.tools.WorkspaceException;
import dev.cadre.tools.WriteQuota;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What each run has written through one set of workspace tools, against a {@link WriteQuota}. Memory is bounded:
 * the {@value #MAX_RUNS} runs that wrote last are remembered (an older run starts again from zero), and a run's
 * files are 64-bit hashes of their paths, never more than the quota's number of files.
 */
public final class WriteLedger {

    static final int MAX_RUNS = 256;

    /** One file a write changes, and the bytes it writes there. */
    public record Change(String path, long bytes) {}

    private static final class Usage {
        long bytes;
        final Set<Long> files = new HashSet<>();
    }

    private final WriteQuota quota;
    private final Map<String, Usage> runs = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Usage> eldest) {
            return size() > MAX_RUNS;
        }
    };

    public WriteLedger(WriteQuota quota) {
        this.quota = quota;
    }

    public WriteQuota quota() {
        return quota;
    }

    /** Counts {@code changes} against run {@code runId}'s quota, all or none; refuses them when they go over it. */
    public synchronized void charge(String runId, List<Change> changes) {
        Usage usage = runs.computeIfAbsent(runId, id -> new Usage());
        long bytes = usage.bytes;
        Set<Long> added = new HashSet<>();
        for (Change change : changes) {
            bytes += change.bytes();
            if (bytes > quota.maxBytes()) {
                throw new WorkspaceException("Writing '" + change.path() + "' would bring this run's writes to " + bytes
                        + " bytes, over its write quota of " + quota.maxBytes() + " bytes (Workspace.writeQuota).");
            }
            Long key = hash(change.path());
            if (!usage.files.contains(key) && added.add(key) && usage.files.size() + added.size() > quota.maxFiles()) {
                throw new WorkspaceException("Writing '" + change.path() + "' would make this run write more than "
                        + quota.maxFiles() + " files, its write quota (Workspace.writeQuota).");
            }
        }
        usage.bytes = bytes;
        usage.files.addAll(added);
    }

    /** FNV-1a, 64 bits, of the path's UTF-8 bytes. */
    private static long hash(String path) {
        long h = 0xcbf29ce484222325L;
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    synchronized int runsRemembered() {
        return runs.size();
    }
}
