package dev.cadre.api.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cadre.api.CadreJson;
import dev.cadre.api.RunEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads a journal back into the events that were written. */
public final class JournalReader {

    private JournalReader() {}

    /**
     * The events of a journal, and whether its last line was torn (the writer died mid-line). A torn last line is
     * dropped, not fatal; any other unreadable line is an error naming the file and line. {@code validLength} is the
     * length in bytes of the complete lines: where appending may safely continue.
     */
    public record Journal(Path file, List<RunEvent> events, boolean tornTail, long validLength) {
        public Journal {
            events = List.copyOf(events);
        }
    }

    public static Journal read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new JournalException("Journal " + file + " does not exist.", e);
        } catch (IOException e) {
            throw new JournalException("Cannot read journal " + file + ": " + e.getMessage(), e);
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        ObjectMapper mapper = CadreJson.mapper();
        List<RunEvent> events = new ArrayList<>();
        boolean torn = false;
        int start = 0;
        int lineNo = 0;
        int validChars = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                // An event is committed when its newline is written: a line without one was torn by a crash.
                torn = !text.substring(start).isBlank();
                break;
            }
            String line = text.substring(start, end);
            lineNo++;
            start = end + 1;
            validChars = start;
            if (line.isBlank()) {
                continue;
            }
            try {
                events.add(mapper.readValue(line, RunEvent.class));
            } catch (JsonProcessingException e) {
                throw new JournalException("Journal " + file + " line " + lineNo + " is not a readable event: "
                        + e.getOriginalMessage(), e);
            }
        }
        long validLength = text.substring(0, validChars).getBytes(StandardCharsets.UTF_8).length;
        return new Journal(file, events, torn, validLength);
    }
}
