package dev.cadre.orchestrator.journal;

import dev.cadre.api.RunEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** Reads a journal back into the events that were written, and checks its chain of MACs. */
public final class JournalReader {

    private JournalReader() {}

    /**
     * The events of a journal, whether its last line was torn (the writer died mid-line), and what checking its
     * chain found. A torn last line is dropped, not fatal, and not a change; any other unreadable line is an error
     * naming the file and line. {@code validLength} is the length in bytes of the complete lines: where appending
     * may safely continue; {@code chainHead} the MAC of the last line (base64url), or {@code null} when it has none.
     */
    public record Journal(Path file, List<RunEvent> events, boolean tornTail, long validLength, JournalIntegrity integrity,
                          String chainHead) {
        public Journal {
            events = List.copyOf(events);
        }

        /** This journal when it is intact; else a {@link JournalChangedException} saying so (unverified ones unless trusted). */
        public Journal requireVerified(boolean trustUnverified) {
            if (integrity.isChanged() || (integrity.status() == JournalIntegrity.Status.UNVERIFIED && !trustUnverified)) {
                throw new JournalChangedException(integrity.describe(file), integrity);
            }
            return this;
        }
    }

    /** Reads {@code file}, checking it with the key of the state directory. */
    public static Journal read(Path file) {
        return read(file, JournalKey.fromStateDirectory());
    }

    public static Journal read(Path file, JournalKey key) {
        JournalLines lines = new JournalLines(key, file.toString());
        Tail tail = readLines(file, lines);
        return new Journal(file, lines.events(), tail.torn(), tail.validLength(), lines.integrity(), lines.chainHead());
    }

    /** How a journal file ends: whether its last line was torn, and the length of its complete lines. */
    record Tail(boolean torn, long validLength) {}

    /** Feeds the lines of {@code file} to {@code lines}. */
    static Tail readLines(Path file, JournalLines lines) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new JournalException("Journal " + file + " does not exist.", e);
        } catch (IOException e) {
            throw new JournalException("Cannot read journal " + file + ": " + e.getMessage(), e);
        }
        boolean torn = false;
        int start = 0;
        int valid = 0;
        while (start < bytes.length) {
            int end = indexOf(bytes, (byte) '\n', start);
            if (end < 0) {
                // An event is committed when its newline is written: a line without one was torn by a crash.
                torn = !JournalLines.isBlank(bytes, start, bytes.length);
                break;
            }
            lines.accept(bytes, start, end);
            start = end + 1;
            valid = start;
        }
        return new Tail(torn, valid);
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
