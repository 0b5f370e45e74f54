package dev.cadre.orchestrator;

import dev.cadre.orchestrator.journal.Durability;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.orchestrator.journal.LocalJournalStore;
import dev.cadre.orchestrator.journal.StoredJournal;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** Reads runs' journals in a runs directory as the default store keeps them (its segments, or older per-run files). */
public final class Journals {

    private Journals() {}

    public static StoredJournal read(Path runs, String runId) {
        return read(runs, runId, JournalKey.fromStateDirectory());
    }

    public static StoredJournal read(Path runs, String runId, JournalKey key) {
        try (LocalJournalStore store = LocalJournalStore.open(runs, key, Durability.PROCESS)) {
            return store.read(runId);
        }
    }

    /** The run's journal as {@code cadre runs export} writes it: JSON Lines, each line with its MAC. */
    public static String text(Path runs, String runId) {
        return text(runs, runId, JournalKey.fromStateDirectory());
    }

    public static String text(Path runs, String runId, JournalKey key) {
        try (LocalJournalStore store = LocalJournalStore.open(runs, key, Durability.PROCESS)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            store.export(runId, out);
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<String> lines(Path runs, String runId) {
        return text(runs, runId).lines().toList();
    }

    public static List<String> lines(Path runs, String runId, JournalKey key) {
        return text(runs, runId, key).lines().toList();
    }
}
