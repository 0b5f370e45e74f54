package dev.cadre.mcp.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The lines of a stdio input, one JSON-RPC message each, read through one fixed buffer: a line that fits in it is
 * handed out in place ({@link #bytes()}, {@link #start()}, {@link #length()}, valid until the next {@link #next()}),
 * so a message costs no copy and no allocation here. A longer line is gathered in a growing array, of which only the
 * first {@code limit + 1} bytes are kept (the caller refuses it as over the limit). A final {@code \r} is not part of
 * the line.
 */
final class StdioLines {

    static final int BUFFER = 1 << 16;

    private final InputStream in;
    private final int limit;
    private final byte[] buffer = new byte[BUFFER];
    /** Unread input is {@code buffer[position, filled)}. */
    private int position;
    private int filled;
    private byte[] lineBytes;
    private int lineStart;
    private int lineLength;
    private boolean overLimit;

    StdioLines(InputStream in, int limit) {
        this.in = in;
        this.limit = limit;
    }

    /** Reads the next line; false at the end of the input (a last line without its end of line still counts). */
    boolean next() throws IOException {
        byte[] big = null;
        int bigLength = 0;
        int scanned = position;
        while (true) {
            int end = indexOfNewline(scanned, filled);
            if (end >= 0) {
                int from = position;
                position = end + 1;
                if (big == null) {
                    return line(buffer, from, end - from);
                }
                big = append(big, bigLength, from, end - from);
                return line(big, 0, Math.min(bigLength + end - from, limit + 1));
            }
            if (position > 0) { // room for more input at the end of the buffer
                System.arraycopy(buffer, position, buffer, 0, filled - position);
                filled -= position;
                position = 0;
            }
            if (filled == buffer.length) { // a line longer than the buffer: keep at most limit + 1 bytes of it
                big = append(big == null ? new byte[Math.min(limit + 1, BUFFER * 2)] : big, bigLength, 0, filled);
                bigLength = Math.min(bigLength + filled, limit + 1);
                filled = 0;
            }
            scanned = filled;
            int n = in.read(buffer, filled, buffer.length - filled);
            if (n < 0) {
                int from = position;
                int count = filled - position;
                position = filled;
                if (big != null) {
                    big = append(big, bigLength, from, count);
                    return line(big, 0, Math.min(bigLength + count, limit + 1));
                }
                return count > 0 && line(buffer, from, count);
            }
            filled += n;
        }
    }

    /** The bytes holding the current line (from {@link #start()}, {@link #length()} of them). */
    byte[] bytes() {
        return lineBytes;
    }

    int start() {
        return lineStart;
    }

    int length() {
        return lineLength;
    }

    /** Whether the current line was longer than the limit (only its first {@code limit + 1} bytes are kept). */
    boolean overLimit() {
        return overLimit;
    }

    /** A copy of the current line. */
    byte[] copy() {
        return Arrays.copyOfRange(lineBytes, lineStart, lineStart + lineLength);
    }

    private boolean line(byte[] bytes, int start, int length) {
        overLimit = length > limit;
        if (!overLimit && length > 0 && bytes[start + length - 1] == '\r') {
            length--;
        }
        lineBytes = bytes;
        lineStart = start;
        lineLength = length;
        return true;
    }

    private int indexOfNewline(int from, int to) {
        for (int i = from; i < to; i++) {
            if (buffer[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** {@code into} with {@code buffer[from, from + count)} appended after {@code used} bytes, grown as needed up to the limit. */
    private byte[] append(byte[] into, int used, int from, int count) {
        int keep = Math.max(0, Math.min(count, limit + 1 - used));
        if (keep == 0) {
            return into;
        }
        byte[] target = into;
        if (used + keep > into.length) {
            target = Arrays.copyOf(into, Math.min(limit + 1, Math.max(used + keep, into.length * 2)));
        }
        System.arraycopy(buffer, from, target, used, keep);
        return target;
    }
}
