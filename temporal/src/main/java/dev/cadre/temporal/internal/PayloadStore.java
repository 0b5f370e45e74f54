package dev.cadre.temporal.internal;

import dev.cadre.orchestrator.journal.JournalStore;
import dev.cadre.orchestrator.journal.PayloadFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What is too large for Temporal's history, kept in the journal store's payloads instead and passed by reference: each
 * model call's chat request, and tool results over {@link #INLINE_LIMIT} characters. A payload is named by the hash of
 * its content (so writing it twice is harmless, and a changed one is refused): in the files of the runs directory with
 * a local store, in the database with a PostgreSQL one ({@link JournalStore#payloads()}). A large tool result becomes a
 * placeholder, {@code [cadre-payload sha256:<hex> <n> chars]}, in the run's events and transcript; the model activity
 * puts the content back before it calls the model, and only from the same run's payloads. Payload files a run kept in
 * the runs directory before its store kept them (an upgrade while it was in flight) are still read.
 */
public final class PayloadStore {

    /** Tool results longer than this (in characters) are passed by reference. */
    public static final int INLINE_LIMIT = 64 * 1024;
    private static final Pattern PLACEHOLDER = Pattern.compile("\\[cadre-payload sha256:([0-9a-f]{64}) (\\d+) chars]");

    private final JournalStore.Payloads payloads;
    /** The runs directory's files, read when {@link #payloads} is another store and lacks a payload; else null. */
    private final JournalStore.Payloads oldFiles;

    /** The payloads of {@code store}, else the files of {@code runsDirectory}. */
    public PayloadStore(JournalStore store, Path runsDirectory) {
        Optional<JournalStore.Payloads> kept = store.payloads();
        this.payloads = kept.orElseGet(() -> PayloadFiles.in(runsDirectory));
        this.oldFiles = kept.isPresent() && !(kept.get() instanceof PayloadFiles) ? PayloadFiles.in(runsDirectory) : null;
    }

    /** The payload files of {@code runsDirectory}. */
    public PayloadStore(Path runsDirectory) {
        this.payloads = PayloadFiles.in(runsDirectory);
        this.oldFiles = null;
    }

    /** Keeps {@code text} for {@code runId}; its reference ({@code sha256:<hex>}). Over the size limit: one sentence. */
    public String put(String runId, String text) {
        return "sha256:" + payloads.put(runId, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The text {@code ref} names for {@code runId}; a missing or changed payload is an error naming where. */
    public String get(String runId, String ref) {
        if (!ref.startsWith("sha256:")) {
            throw new IllegalArgumentException("'" + ref + "' is not a payload reference.");
        }
        String hash = ref.substring("sha256:".length());
        try {
            Optional<byte[]> found = payloads.get(runId, hash);
            if (found.isEmpty() && oldFiles != null) {
                found = oldFiles.get(runId, hash);
            }
            return new String(found.orElseThrow(() -> new IllegalStateException("There is no payload " + payloads.location(runId, hash)
                    + " of run '" + runId + "' (every worker of a run needs the same journal store, or with local stores the same"
                    + " runs directory).")), StandardCharsets.UTF_8);
        } catch (dev.cadre.orchestrator.journal.JournalException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Removes the payloads of {@code runId} (its run was removed); returns how many went. */
    public int remove(String runId) {
        return payloads.remove(runId) + (oldFiles == null ? 0 : oldFiles.remove(runId));
    }

    /** {@code text} itself when it is small, else a placeholder for it, kept for {@code runId}. */
    public String shrink(String runId, String text) {
        if (text.length() <= INLINE_LIMIT) {
            return text;
        }
        return "[cadre-payload " + put(runId, text) + " " + text.length() + " chars]";
    }

    /** The content a placeholder stands for (from {@code runId}'s payloads), or {@code text} when it is none. */
    public String expand(String runId, String text) {
        if (text == null || !text.startsWith("[cadre-payload ")) {
            return text;
        }
        Matcher m = PLACEHOLDER.matcher(text);
        return m.matches() ? get(runId, "sha256:" + m.group(1)) : text;
    }
}
