package dev.cadre.api.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cadre.api.CadreJson;
import dev.cadre.api.RunEvent;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Appends a run's events to its JSON Lines file, one event per line, each line written whole with one write call.
 * A line reaches the operating system before {@link #append} returns, so it survives the process being killed;
 * with {@code fsync} it also survives a power cut, at a cost per event.
 *
 * <p>Writes go through a {@link FileOutputStream}, not a {@code FileChannel}: an interrupted thread (Reactor
 * interrupts workers whose task is cancelled) would close a channel for good and lose the rest of the journal.
 */
public final class JournalWriter implements AutoCloseable {

    private final Path file;
    private final FileOutputStream out;
    private final boolean fsync;
    private final ObjectMapper mapper = CadreJson.mapper();

    private JournalWriter(Path file, FileOutputStream out, boolean fsync) {
        this.file = file;
        this.out = out;
        this.fsync = fsync;
    }

    /** The journal file of {@code runId} inside {@code runsDirectory}. */
    public static Path fileFor(Path runsDirectory, String runId) {
        return runsDirectory.resolve(runId + ".jsonl");
    }

    /** Opens (creating directories and the file as needed) the journal of {@code runId} for appending. */
    public static JournalWriter open(Path runsDirectory, String runId, boolean fsync) {
        Path file = fileFor(runsDirectory, runId);
        try {
            Files.createDirectories(runsDirectory);
            return new JournalWriter(file, new FileOutputStream(file.toFile(), true), fsync);
        } catch (IOException e) {
            throw new JournalException("Cannot open journal " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens an existing journal to continue it (on resume): a torn last line is cut off first, so the next event
     * starts on a line of its own.
     */
    public static JournalWriter reopen(JournalReader.Journal journal, boolean fsync) {
        Path file = journal.file();
        try {
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                if (raf.length() > journal.validLength()) {
                    raf.setLength(journal.validLength());
                }
            }
            return new JournalWriter(file, new FileOutputStream(file.toFile(), true), fsync);
        } catch (IOException e) {
            throw new JournalException("Cannot reopen journal " + file + ": " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    /** Writes one event as one line. */
    public synchronized void append(RunEvent event) {
        byte[] line;
        try {
            line = (mapper.writeValueAsString(event) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new JournalException("Cannot serialise event " + event.getClass().getSimpleName() + " #" + event.seq()
                    + " for journal " + file + ": " + e.getOriginalMessage(), e);
        }
        try {
            out.write(line);
            if (fsync) {
                out.getFD().sync();
            }
        } catch (IOException e) {
            throw new JournalException("Cannot append to journal " + file + ": " + e.getMessage(), e);
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
