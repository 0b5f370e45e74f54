package dev.cadre.orchestrator.journal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cadre.api.CadreJson;
import dev.cadre.api.RunEvent;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Appends a run's events to its JSON Lines file, one event per line, each line written whole with one write call.
 * A line reaches the operating system before {@link #append} returns, so it survives the process being killed;
 * with {@code fsync} it also survives a power cut, at a cost per event. Every line carries a MAC chained to the line
 * before (see docs/journal.md), so {@link JournalReader} can tell a journal Cadre wrote from one changed since.
 *
 * <p>Writes go through a {@link FileOutputStream}, not a {@code FileChannel}: an interrupted thread (Reactor
 * interrupts workers whose task is cancelled) would close a channel for good and lose the rest of the journal.
 */
public final class JournalWriter implements AutoCloseable {

    /** The most of its encoding buffer a writer keeps between events (one is open per running run). */
    static final int MAX_KEPT_BYTES = 16 << 10;

    private final Path file;
    private final FileOutputStream out;
    private final boolean fsync;
    private final ObjectMapper mapper = CadreJson.mapper();
    private final JournalChain chain;
    private final Object fileKey;
    private byte[] previous;
    private long length;

    private JournalWriter(Path file, FileOutputStream out, boolean fsync, JournalKey key, byte[] previous) throws IOException {
        this.file = file;
        this.out = out;
        this.fsync = fsync;
        this.chain = new JournalChain(key);
        this.previous = previous;
        this.length = Files.size(file);
        this.fileKey = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    }

    /** The journal file of {@code runId} inside {@code runsDirectory}. */
    public static Path fileFor(Path runsDirectory, String runId) {
        return runsDirectory.resolve(runId + ".jsonl");
    }

    /** {@link #open(Path, String, boolean, JournalKey)} with the key of the state directory. */
    public static JournalWriter open(Path runsDirectory, String runId, boolean fsync) {
        return open(runsDirectory, runId, fsync, JournalKey.fromStateDirectory());
    }

    /**
     * Opens (creating directories and the file as needed) the journal of {@code runId} for appending, its lines
     * authenticated with {@code key}. An existing journal is continued as by {@link #reopen}.
     */
    public static JournalWriter open(Path runsDirectory, String runId, boolean fsync, JournalKey key) {
        Path file = fileFor(runsDirectory, runId);
        try {
            Files.createDirectories(runsDirectory);
            if (Files.size(file) > 0) {
                return reopen(JournalReader.read(file, key), fsync, key);
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // a new journal
        } catch (IOException e) {
            throw new JournalException("Cannot open journal " + file + ": " + e.getMessage(), e);
        }
        try {
            return new JournalWriter(file, new FileOutputStream(file.toFile(), true), fsync, key, JournalChain.START);
        } catch (IOException e) {
            throw new JournalException("Cannot open journal " + file + ": " + e.getMessage(), e);
        }
    }

    /** {@link #reopen(JournalReader.Journal, boolean, JournalKey)} with the key of the state directory. */
    public static JournalWriter reopen(JournalReader.Journal journal, boolean fsync) {
        return reopen(journal, fsync, JournalKey.fromStateDirectory());
    }

    /**
     * Opens an existing journal to continue it (on resume): a torn last line is cut off first, so the next event
     * starts on a line of its own, and the chain goes on from its last line. A journal that was changed is refused.
     */
    public static JournalWriter reopen(JournalReader.Journal journal, boolean fsync, JournalKey key) {
        Path file = journal.file();
        if (journal.integrity().isChanged()) {
            throw new JournalChangedException(journal.integrity().describe(file) + " It cannot be continued.", journal.integrity());
        }
        try {
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                if (raf.length() > journal.validLength()) {
                    raf.setLength(journal.validLength());
                }
            }
            return new JournalWriter(file, new FileOutputStream(file.toFile(), true), fsync, key, JournalChain.decode(journal.chainHead()));
        } catch (IOException e) {
            throw new JournalException("Cannot reopen journal " + file + ": " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    /** Writes one event as one line. */
    public synchronized void append(RunEvent event) {
        byte[] code;
        try {
            code = chain.encode(mapper, previous, event);
        } catch (IOException e) {
            throw JournalChain.cannotSerialise(event, file.toString(), e);
        }
        try {
            out.write(chain.line(), 0, chain.lineLength());
            length += chain.lineLength();
            if (fsync) {
                out.getFD().sync();
            }
        } catch (IOException e) {
            throw new JournalException("Cannot append to journal " + file + ": " + e.getMessage(), e);
        }
        previous = code;
        chain.trim(MAX_KEPT_BYTES);
    }

    /**
     * Whether the file at this journal's path is no longer what this writer wrote: another file renamed over it, or
     * its length changed (a truncation at a line boundary keeps a valid chain, so this is how a writer notices one).
     */
    public synchronized boolean changedOnDisk() {
        try {
            BasicFileAttributes now = Files.readAttributes(file, BasicFileAttributes.class);
            return now.size() != length || (fileKey != null && !fileKey.equals(now.fileKey()));
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new JournalException("Cannot close journal " + file + ": " + e.getMessage(), e);
        }
    }
}
