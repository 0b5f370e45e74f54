package dev.cadre.orchestrator.journal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cadre.api.CadreJson;
import dev.cadre.api.RunEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new JournalException("Journal " + file + " does not exist.", e);
        } catch (IOException e) {
            throw new JournalException("Cannot read journal " + file + ": " + e.getMessage(), e);
        }
        ObjectMapper mapper = CadreJson.mapper();
        JournalChain chain = new JournalChain(key);
        List<RunEvent> events = new ArrayList<>();
        boolean torn = false;
        int start = 0;
        int lineNo = 0;
        int valid = 0;
        byte[] previous = JournalChain.START;
        boolean chained = false;
        boolean unchained = false;
        JournalIntegrity changed = null;
        while (start < bytes.length) {
            int end = indexOf(bytes, (byte) '\n', start);
            if (end < 0) {
                // An event is committed when its newline is written: a line without one was torn by a crash.
                torn = !isBlank(bytes, start, bytes.length);
                break;
            }
            int lineStart = start;
            lineNo++;
            start = end + 1;
            valid = start;
            if (isBlank(bytes, lineStart, end)) {
                continue;
            }
            int field = JournalChain.fieldStart(bytes, lineStart, end);
            byte[] json;
            if (field < 0) {
                json = Arrays.copyOfRange(bytes, lineStart, end);
                if (chained && changed == null) {
                    changed = JournalIntegrity.changedAt(lineNo, "the line has no authentication code, but the lines before it do");
                }
                unchained = true;
            } else {
                json = Arrays.copyOfRange(bytes, lineStart, field + 1);
                json[json.length - 1] = '}';
                if (changed == null) {
                    byte[] code = chain.verify(previous, bytes, lineStart, field);
                    if (code == null) {
                        changed = JournalIntegrity.changedAt(lineNo, chained || unchained
                                ? "its authentication code does not match (a line was edited, inserted, removed or forged)"
                                : "its authentication code does not match " + key.origin()
                                        + " (the line was edited or forged, or the journal was written with another key)");
                    } else {
                        previous = code;
                    }
                }
                chained = true;
            }
            try {
                events.add(mapper.readValue(json, RunEvent.class));
            } catch (IOException e) {
                String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
                throw new JournalException("Journal " + file + " line " + lineNo + " is not a readable event: " + why, e);
            }
        }
        JournalIntegrity integrity = changed != null ? changed : unchained ? JournalIntegrity.UNVERIFIED : JournalIntegrity.INTACT;
        return new Journal(file, events, torn, valid, integrity, chained ? JournalChain.encode(previous) : null);
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isBlank(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!Character.isWhitespace(bytes[i])) {
                return false;
            }
        }
        return true;
    }
}
