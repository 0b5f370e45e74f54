package dev.cadre.temporal;

import dev.cadre.orchestrator.journal.PayloadFiles;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Objects;

/**
 * The payload files the Temporal driver keeps beside the journals of a runs directory (what is too large for
 * Temporal's history: chat requests, large tool results; see docs/temporal.md) when its journal store is a local one:
 * removed with their runs when those are pruned ({@code cadre runs prune}; with a PostgreSQL store, the payload files of
 * runs from before it kept payloads in its table). Each run's payloads are its own, so removing one
 * run's never takes what another kept run refers to.
 */
public final class RunPayloads {

    private final PayloadFiles store;

    private RunPayloads(Path runsDirectory) {
        this.store = PayloadFiles.in(Objects.requireNonNull(runsDirectory));
    }

    /** The payloads kept in {@code runsDirectory}. */
    public static RunPayloads in(Path runsDirectory) {
        return new RunPayloads(runsDirectory);
    }

    /** Removes the payloads of run {@code runId}; returns how many files went (0 when it had none). */
    public int remove(String runId) {
        return store.remove(runId);
    }

    /** Removes the payloads of each of {@code runIds}; returns how many files went. */
    public int remove(Collection<String> runIds) {
        return runIds.stream().mapToInt(this::remove).sum();
    }
}
