package dev.cadre.orchestrator.journal;

import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;

/**
 * The line format of an authenticated journal: each line is the event's JSON object with one more field last,
 * {@code "mac"}: the base64url HMAC-SHA256, under the journal key, of the previous line's MAC (32 zero bytes for the
 * first line) followed by the event's JSON without that field. Every line is thereby chained to the one before.
 */
final class JournalChain {

    static final byte[] START = new byte[32];
    private static final byte[] FIELD = ",\"mac\":\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int MAC_CHARS = 43;
    /** {@code ,"mac":"} + 43 characters + {@code "}}. */
    static final int SUFFIX = FIELD.length + MAC_CHARS + 2;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final Mac mac;

    JournalChain(JournalKey key) {
        this.mac = key.newMac();
    }

    /** The MAC of an event's JSON {@code json} following {@code previous}. */
    byte[] sign(byte[] previous, byte[] json) {
        mac.update(previous);
        return mac.doFinal(json);
    }

    /** An event's journal line and its MAC (the next line's {@code previous}). */
    record Signed(byte[] line, byte[] code) {}

    /** Serialises {@code event} and signs it after {@code previous}; {@code where} names the journal in errors. */
    Signed sign(com.fasterxml.jackson.databind.ObjectMapper mapper, byte[] previous, dev.cadre.api.RunEvent event, String where) {
        byte[] json;
        try {
            json = mapper.writeValueAsBytes(event);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new JournalException("Cannot serialise event " + event.getClass().getSimpleName() + " #" + event.seq()
                    + " for journal " + where + ": " + e.getOriginalMessage(), e);
        }
        byte[] code = sign(previous, json);
        return new Signed(line(json, code), code);
    }

    /** The line to write: {@code json} with the {@code mac} field before its closing brace, and a newline. */
    static byte[] line(byte[] json, byte[] code) {
        byte[] encoded = ENCODER.encode(code);
        byte[] line = new byte[json.length - 1 + SUFFIX + 1];
        System.arraycopy(json, 0, line, 0, json.length - 1);
        int at = json.length - 1;
        System.arraycopy(FIELD, 0, line, at, FIELD.length);
        at += FIELD.length;
        System.arraycopy(encoded, 0, line, at, encoded.length);
        at += encoded.length;
        line[at++] = '"';
        line[at++] = '}';
        line[at] = '\n';
        return line;
    }

    /** Where the {@code mac} field of the line {@code bytes[start, end)} begins, or -1 when it has none. */
    static int fieldStart(byte[] bytes, int start, int end) {
        int at = end - SUFFIX;
        if (at <= start || bytes[end - 1] != '}' || bytes[end - 2] != '"') {
            return -1;
        }
        return Arrays.equals(bytes, at, at + FIELD.length, FIELD, 0, FIELD.length) ? at : -1;
    }

    /** Checks the line whose JSON (without the field) is {@code bytes[start, field)} + '}'; returns its MAC, or null if wrong. */
    byte[] verify(byte[] previous, byte[] bytes, int start, int field) {
        byte[] claimed;
        try {
            claimed = DECODER.decode(Arrays.copyOfRange(bytes, field + FIELD.length, field + FIELD.length + MAC_CHARS));
        } catch (IllegalArgumentException e) {
            return null;
        }
        mac.update(previous);
        mac.update(bytes, start, field - start);
        byte[] actual = mac.doFinal(new byte[] {'}'});
        return java.security.MessageDigest.isEqual(actual, claimed) ? actual : null;
    }

    static String encode(byte[] code) {
        return code == null ? null : ENCODER.encodeToString(code);
    }

    static byte[] decode(String code) {
        return code == null ? START : DECODER.decode(code);
    }
}
