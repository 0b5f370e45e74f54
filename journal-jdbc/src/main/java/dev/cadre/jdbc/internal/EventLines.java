package dev.cadre.jdbc.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cadre.api.CadreJson;
import dev.cadre.api.RunEvent;
import dev.cadre.orchestrator.journal.JournalException;
import dev.cadre.orchestrator.journal.JournalKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;

/**
 * An event's row: its JSON and its MAC, the base64url HMAC-SHA256 under the journal key of the previous row's MAC (32
 * zero bytes for the first) followed by the JSON: the chain a local journal's lines carry, so a changed, removed or
 * reordered row breaks it. Not thread-safe (one per appender or reader).
 */
public final class EventLines {

    static final byte[] START = new byte[32];
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final Mac mac;
    private final ObjectMapper mapper = CadreJson.mapper();

    public EventLines(JournalKey key) {
        this.mac = key.newMac();
    }

    /** A signed row: the event's JSON and its MAC (base64url), which the next row chains to. */
    public record Row(String json, String mac) {

        /**
         * The row as a local journal's line, newline included: the JSON with the {@code mac} field last. The code is
         * the same, since a local line's is computed over the JSON without that field, which is this row's JSON.
         */
        public byte[] line() {
            if (!json.endsWith("}")) {
                throw new JournalException("A journal row is not a JSON object: " + json.substring(0, Math.min(60, json.length())));
            }
            return (json.substring(0, json.length() - 1) + ",\"mac\":\"" + mac + "\"}\n").getBytes(StandardCharsets.UTF_8);
        }
    }

    /** {@code event} serialised and signed after the row whose MAC is {@code previous} (null for the first). */
    public Row sign(String previous, RunEvent event, String where) {
        String json;
        try {
            json = mapper.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new JournalException("Cannot serialise event " + event.getClass().getSimpleName() + " #" + event.seq()
                    + " for journal " + where + ": " + e.getOriginalMessage(), e);
        }
        return new Row(json, ENCODER.encodeToString(code(previous, json)));
    }

    /** Whether {@code row} follows the row whose MAC is {@code previous} (null for the first). */
    public boolean verifies(String previous, Row row) {
        byte[] claimed;
        try {
            claimed = DECODER.decode(row.mac());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(code(previous, row.json()), claimed);
    }

    /** The event of a row's JSON. */
    public RunEvent event(String json, String where, long seq) {
        try {
            return mapper.readValue(json, RunEvent.class);
        } catch (JsonProcessingException e) {
            throw new JournalException("Journal " + where + " event #" + seq + " is not a readable event: " + e.getOriginalMessage(), e);
        }
    }

    private byte[] code(String previous, String json) {
        byte[] before = START;
        if (previous != null) {
            try {
                before = DECODER.decode(previous);
            } catch (IllegalArgumentException e) {
                // a damaged MAC: nothing verifies after it
                before = new byte[] {0};
            }
        }
        mac.update(before);
        return mac.doFinal(json.getBytes(StandardCharsets.UTF_8));
    }
}
