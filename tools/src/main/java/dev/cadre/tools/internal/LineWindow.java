package dev.cadre.tools.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Lines {@code from..to} of a file, read in one streaming pass that keeps at most {@code maxBytes + 2} bytes of
 * them and a 64 KiB buffer, whatever the file's size or its longest line; the rest of the file is only counted.
 * Lines end at {@code '\n'}; a final newline does not start another line.
 *
 * @param bytes          the lines' bytes joined by {@code '\n'}, with the file's final newline when {@code to} is its
 *                       last line; null when they are over the limit
 * @param totalLines     the number of lines of the file
 * @param binary         whether the file's first 8,000 bytes hold a NUL byte (nothing else is read then)
 */
public record LineWindow(byte[] bytes, long totalLines, boolean binary) {

    private static final int BUFFER = 64 * 1024;
    private static final int BINARY_PROBE = 8000;

    /** Reads lines {@code from} to {@code to} (1-based, inclusive; {@code to} may be past the end). */
    public static LineWindow read(Path file, long from, long to, long maxBytes) {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        boolean over = false;
        long line = 1;
        long position = 0;
        int last = -1;
        byte[] buffer = new byte[BUFFER];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                for (int k = 0; position + k < BINARY_PROBE && k < n; k++) {
                    if (buffer[k] == 0) {
                        return new LineWindow(null, 0, true);
                    }
                }
                for (int i = 0; i < n; ) {
                    int j = i;
                    while (j < n && buffer[j] != '\n') {
                        j++;
                    }
                    int end = j < n ? j + 1 : n; // this line's bytes in the buffer, with its '\n'
                    if (line >= from && line <= to && !over) {
                        int room = (int) Math.min(end - i, maxBytes + 2 - kept.size());
                        kept.write(buffer, i, Math.max(room, 0));
                        over = kept.size() > maxBytes + 1;
                    }
                    if (j < n) {
                        line++;
                    }
                    i = end;
                }
                if (n > 0) {
                    last = buffer[n - 1];
                    position += n;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        long total = position == 0 ? 0 : last == '\n' ? line - 1 : line;
        if (over) {
            return new LineWindow(null, total, false);
        }
        byte[] bytes = kept.toByteArray();
        // Lines before the last one keep their '\n' separator; the last line of the window keeps it only at the file's end.
        boolean stripNewline = Math.min(to, total) < total && bytes.length > 0 && bytes[bytes.length - 1] == '\n';
        int length = stripNewline ? bytes.length - 1 : bytes.length;
        if (length > maxBytes) {
            return new LineWindow(null, total, false);
        }
        return new LineWindow(stripNewline ? java.util.Arrays.copyOf(bytes, length) : bytes, total, false);
    }
}
