package dev.cadre.benchmarks;

import dev.cadre.orchestrator.journal.Durability;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.orchestrator.journal.JournalStore;
import dev.cadre.orchestrator.journal.LocalJournalStore;
import dev.cadre.orchestrator.journal.MemoryJournalStore;
import dev.cadre.orchestrator.journal.RunFilesJournalStore;
import dev.cadre.orchestrator.journal.StoredJournal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The journal store a benchmark's orchestrator writes to, by the name of JMH's {@code store} parameter: {@code file}
 * (the local segment store), {@code memory}, or {@code runfiles} (one file per run, as before the local store).
 * {@link #reset()} starts over with an empty store in a new directory, so a long benchmark's journals and index do not
 * grow without end. The durability is the constructor's (JMH's {@code durability} parameter; without one
 * {@code -Dbench.durability=fsync} selects fsync); {@code -Dbench.runs=DIR} the parent directory (default: the temporary
 * directory).
 */
final class BenchStore implements JournalStore {

    static final List<String> NAMES = List.of("file", "memory", "runfiles");

    private final String kind;
    private final JournalKey key = JournalKey.generate();
    private final Durability durability;
    private volatile JournalStore current;
    private Path directory;

    BenchStore(String kind) {
        this(kind, System.getProperty("bench.durability", "process"));
    }

    /** {@code durability}: {@code process} or {@code fsync} (ignored by {@code memory}). */
    BenchStore(String kind, String durability) {
        if (!List.of("process", "fsync").contains(durability)) {
            throw new IllegalArgumentException("Unknown durability '" + durability + "': use process or fsync.");
        }
        this.durability = Durability.of(durability.equals("fsync"));
        if (!NAMES.contains(kind)) {
            throw new IllegalArgumentException("Unknown store '" + kind + "': use one of " + NAMES + ".");
        }
        this.kind = kind;
        this.current = create();
    }

    private JournalStore create() {
        if (kind.equals("memory")) {
            return new MemoryJournalStore();
        }
        try {
            String parent = System.getProperty("bench.runs");
            directory = parent == null ? Files.createTempDirectory("cadre-bench-runs")
                    : Files.createTempDirectory(Path.of(parent), "cadre-bench-runs");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return kind.equals("file") ? LocalJournalStore.open(directory, key, durability)
                : new RunFilesJournalStore(directory, key, durability);
    }

    /** Drops every journal and starts over with an empty store (between measurement iterations). */
    synchronized void reset() {
        JournalStore old = current;
        Path oldDirectory = directory;
        current = create();
        old.close();
        delete(oldDirectory);
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override public Appender open(String runId) { return current.open(runId); }
    /** A new run (the orchestrator's made-up id): the store's own create, which looks for no earlier journal of it. */
    @Override public Appender create(String runId) { return current.create(runId); }
    @Override public boolean contains(String runId) { return current.contains(runId); }
    @Override public StoredJournal read(String runId) { return current.read(runId); }
    @Override public List<String> runIds() { return current.runIds(); }
    @Override public String location(String runId) { return current.location(runId); }

    @Override
    public synchronized void close() {
        current.close();
        delete(directory);
    }
}
