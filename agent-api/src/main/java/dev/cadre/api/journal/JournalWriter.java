package dev.cadre.api.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cadre.api.CadreJson;
import dev.cadre.api.RunEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends a run's events to its JSON Lines file, one event per line, each line written whole with one write call.
 * A line reaches the operating system before {@link #append} returns, so it survives the process being killed;
 * with {@code fsync} it also survives a power cut, at a cost per event.
 */
public final class JournalWriter implements AutoCloseable {

    private final Path file;
    private final FileChannel channel;
    private final boolean fsync;
    private final ObjectMapper mapper = CadreJson.mapper();

    private JournalWriter(Path file, FileChannel channel, boolean fsync) {
        this.file = file;
        this.channel = channel;
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
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            return new JournalWriter(file, channel, fsync);
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
            FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE);
            if (channel.size() > journal.validLength()) {
                channel.truncate(journal.validLength());
            }
            channel.position(journal.validLength());
            channel.close();
            channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            return new JournalWriter(file, channel, fsync);
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
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            if (fsync) {
                channel.force(false);
            }
        } catch (IOException e) {
            throw new JournalException("Cannot append to journal " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new JournalException("Cannot close journal " + file + ": " + e.getMessage(), e);
        }
    }
}
