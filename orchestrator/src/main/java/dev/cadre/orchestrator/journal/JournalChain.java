package dev.cadre.orchestrator.journal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cadre.api.RunEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;

/**
 * The line format of an authenticated journal: each line is the event's JSON object with one more field last,
 * {@code "mac"}: the base64url HMAC-SHA256, under the journal key, of the previous line's MAC (32 zero bytes for the
 * first line) followed by the event's JSON without that field. Every line is thereby chained to the one before.
 *
 * <p>A chain is used by one thread at a time: it holds a {@link Mac} and the buffer its last line was encoded into.
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
    private final LineBuffer buffer = new LineBuffer();
    private final byte[] base64 = new byte[MAC_CHARS + 1];
    private int lineLength;
    private JsonGenerator generator;
    private ObjectMapper generatorMapper;

    JournalChain(JournalKey key) {
        this.mac = key.newMac();
    }

    /** The MAC of an event's JSON {@code json} following {@code previous}. */
    byte[] sign(byte[] previous, byte[] json) {
        mac.update(previous);
        return mac.doFinal(json);
    }

    /**
     * Serialises {@code event} into this chain's buffer and signs it after {@code previous}, in place: the JSON is
     * written once, the MAC taken over those bytes, and the {@code mac} field and a newline written over its closing
     * brace. Returns the MAC (the next line's {@code previous}); the line is {@link #line()}{@code [0, }{@link
     * #lineLength()}{@code )} until the next call. The bytes are those of {@link #line(byte[], byte[])}.
     *
     * @throws IOException when Jackson cannot serialise the event (see {@link #cannotSerialise})
     */
    byte[] encode(ObjectMapper mapper, byte[] previous, RunEvent event) throws IOException {
        buffer.reset();
        JsonGenerator out = generator(mapper);
        try {
            mapper.writeValue(out, event);
            out.flush();
        } catch (IOException | RuntimeException e) {
            generator = null;   // it may hold half an object: the next event gets a new one
            throw e;
        }
        byte[] json = buffer.bytes();
        int length = buffer.size();
        mac.update(previous);
        mac.update(json, 0, length);
        byte[] code = mac.doFinal();
        buffer.reserve(SUFFIX);
        json = buffer.bytes();
        int at = length - 1;   // the closing brace
        System.arraycopy(FIELD, 0, json, at, FIELD.length);
        at += FIELD.length;
        ENCODER.encode(code, base64);
        System.arraycopy(base64, 0, json, at, MAC_CHARS);
        at += MAC_CHARS;
        json[at++] = '"';
        json[at++] = '}';
        json[at++] = '\n';
        lineLength = at;
        return code;
    }

    /**
     * The generator writing into the buffer, kept between events (its context and buffers are reused); with no
     * separator between root values, so each event's bytes are those {@code mapper.writeValueAsBytes} gives.
     */
    private JsonGenerator generator(ObjectMapper mapper) throws IOException {
        if (generator == null || generatorMapper != mapper) {
            generator = mapper.createGenerator(buffer);
            generator.setRootValueSeparator(null);
            generatorMapper = mapper;
        }
        return generator;
    }

    /** The buffer holding the line {@link #encode} wrote last (valid until the next call). */
    byte[] line() {
        return buffer.bytes();
    }

    /** The length of the line {@link #encode} wrote last, its newline included. */
    int lineLength() {
        return lineLength;
    }

    /** Bytes this chain keeps between events (its buffer). */
    int retainedBytes() {
        return buffer.bytes().length;
    }

    /** Lets go of a buffer over {@code maxKept} bytes (grown for a huge event); the next event starts a new one. */
    void trim(int maxKept) {
        buffer.trim(maxKept);
    }

    /** The error for an event {@link #encode} could not serialise; {@code where} names the journal. */
    static JournalException cannotSerialise(RunEvent event, String where, IOException e) {
        String reason = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        return new JournalException("Cannot serialise event " + event.getClass().getSimpleName() + " #" + event.seq()
                + " for journal " + where + ": " + reason, e);
    }

    /** The line for {@code json} and its MAC {@code code}, as {@link #encode} writes it (for tests and other stores). */
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

    /** A growable byte buffer that Jackson writes into and that is kept between events (no copy on the way out). */
    private static final class LineBuffer extends OutputStream {
        private static final byte[] NONE = new byte[0];
        /** Empty until the first event: a chain that only verifies (a reader's) holds no buffer. */
        private byte[] bytes = NONE;
        private int size;

        void reset() {
            size = 0;
        }

        void trim(int maxKept) {
            if (bytes.length > maxKept) {
                bytes = NONE;
                size = 0;
            }
        }

        int size() {
            return size;
        }

        byte[] bytes() {
            return bytes;
        }

        /** Makes room for {@code more} bytes past {@link #size()}. */
        void reserve(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(Math.max(1024, bytes.length * 2), size + more));
            }
        }

        @Override
        public void write(int b) {
            reserve(1);
            bytes[size++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            reserve(len);
            System.arraycopy(b, off, bytes, size, len);
            size += len;
        }
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
