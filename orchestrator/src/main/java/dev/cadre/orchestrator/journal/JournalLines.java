package dev.cadre.orchestrator.journal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cadre.api.CadreJson;
import dev.cadre.api.RunEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads one run's journal lines in order, whatever holds them (a per-run file, records of shared segments): parses
 * each line into its event and checks the chain of MACs, remembering the first line that does not verify.
 */
final class JournalLines {

    private final JournalChain chain;
    private final JournalKey key;
    private final String where;
    private final ObjectMapper mapper = CadreJson.mapper();
    private final List<RunEvent> events = new ArrayList<>();
    private byte[] previous = JournalChain.START;
    private boolean chained;
    private boolean unchained;
    private JournalIntegrity changed;
    private int lineNo;

    JournalLines(JournalKey key, String where) {
        this.key = key;
        this.chain = new JournalChain(key);
        this.where = where;
    }

    /** Takes the line {@code bytes[start, end)} (without its newline); blank lines are counted and skipped. */
    void accept(byte[] bytes, int start, int end) {
        lineNo++;
        if (isBlank(bytes, start, end)) {
            return;
        }
        int field = JournalChain.fieldStart(bytes, start, end);
        byte[] json;
        if (field < 0) {
            json = Arrays.copyOfRange(bytes, start, end);
            if (chained && changed == null) {
                changed = JournalIntegrity.changedAt(lineNo, "the line has no authentication code, but the lines before it do");
            }
            unchained = true;
        } else {
            json = Arrays.copyOfRange(bytes, start, field + 1);
            json[json.length - 1] = '}';
            if (changed == null) {
                byte[] code = chain.verify(previous, bytes, start, field);
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
            throw new JournalException("Journal " + where + " line " + lineNo + " is not a readable event: " + why, e);
        }
    }

    List<RunEvent> events() {
        return events;
    }

    JournalIntegrity integrity() {
        return changed != null ? changed : unchained ? JournalIntegrity.UNVERIFIED : JournalIntegrity.INTACT;
    }

    /** The MAC of the last line (base64url), or {@code null} when no line had one. */
    String chainHead() {
        return chained ? JournalChain.encode(previous) : null;
    }

    static boolean isBlank(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!Character.isWhitespace(bytes[i])) {
                return false;
            }
        }
        return true;
    }
}
