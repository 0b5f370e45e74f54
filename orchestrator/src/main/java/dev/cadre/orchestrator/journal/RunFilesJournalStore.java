package dev.cadre.orchestrator.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The journals of earlier versions of Cadre: one JSON Lines file per run, {@code <directory>/<runId>.jsonl}, written
 * with a write call per event on the caller's thread (see {@link JournalWriter}). {@link LocalJournalStore} reads them;
 * this store is also what writes them, for tools and tests that need such files.
 */
public final class RunFilesJournalStore implements JournalStore {

    private static final String SUFFIX = ".jsonl";

    private final Path directory;
    /** Streamed tokens within this process ({@link #liveTokens()}). */
    private final LiveTokenHub liveTokens = new LiveTokenHub();
    private final JournalKey key;
    private final Durability durability;

    public RunFilesJournalStore(Path directory, JournalKey key, Durability durability) {
        this.directory = directory;
        this.key = key;
        this.durability = durability;
    }

    @Override
    public Appender open(String runId) {
        JournalWriter writer = JournalWriter.open(directory, runId, durability == Durability.FSYNC, key);
        return new Appender() {
            @Override
            public void append(dev.cadre.api.RunEvent event) {
                writer.append(event);
            }

            @Override
            public boolean changedSinceWritten() {
                return writer.changedOnDisk();
            }

            @Override
            public String location() {
                return writer.file().toString();
            }

            @Override
            public void close() {
                writer.close();
            }
        };
    }

    @Override
    public boolean contains(String runId) {
        return Files.isRegularFile(JournalWriter.fileFor(directory, runId));
    }

    @Override
    public StoredJournal read(String runId) {
        return toStored(runId, readFile(runId));
    }

    /** The run's file as {@link JournalReader} reads it (where appending may continue, its chain head). */
    JournalReader.Journal readFile(String runId) {
        return JournalReader.read(JournalWriter.fileFor(directory, runId), key);
    }

    static StoredJournal toStored(String runId, JournalReader.Journal journal) {
        return new StoredJournal(runId, journal.file().toString(), journal.events(), journal.tornTail(), journal.integrity());
    }

    /** The run's file as written, its MACs included (a torn last line too, which a reader skips). */
    @Override
    public void export(String runId, java.io.OutputStream out) throws IOException {
        if (!contains(runId)) {
            throw new JournalException("There is no journal of run '" + runId + "' in " + directory + ".");
        }
        Files.copy(JournalWriter.fileFor(directory, runId), out);
        out.flush();
    }

    @Override
    public List<String> runIds() {
        List<String> ids = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(SUFFIX) && n.length() > SUFFIX.length())
                    .forEach(n -> ids.add(n.substring(0, n.length() - SUFFIX.length())));
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new JournalException("Cannot list the journals in " + directory + ": " + e.getMessage(), e);
        }
        return ids;
    }

    /** Payloads as files in the runs directory, {@code payloads/<runId>/<sha256>} ({@link PayloadFiles}). */
    @Override
    public java.util.Optional<Payloads> payloads() {
        return java.util.Optional.of(PayloadFiles.in(directory));
    }

    @Override
    public String location(String runId) {
        return JournalWriter.fileFor(directory, runId).toString();
    }

    /** Streamed tokens within this process: those who publish and subscribe share this store object ({@link LiveTokenHub}). */
    @Override
    public java.util.Optional<LiveTokens> liveTokens() {
        return java.util.Optional.of(liveTokens);
    }

    @Override
    public void close() {
        // nothing held between calls
    }
}
