package dev.cadre.orchestrator.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * One segment file of the {@link LocalJournalStore}, written by this process through a memory mapping: a record copied
 * into the mapping is in the operating system's page cache at once (it survives the process being killed) with no
 * system call. The file is created at its full size (sparse) by the store's preparing thread, never by a caller.
 *
 * <p>Layout: a 16-byte header ({@link #MAGIC} and 8 reserved bytes), then records, then zeros. A record is its body's
 * length (int, never 0), the CRC32C of its body (int), and the body: the event's sequence number (long), the run id's
 * length (short) and UTF-8 bytes, and the journal line (the event's JSON with its MAC, as in a per-run file, without
 * the newline). The length is written last, so a record is there once its length is; a length of 0, one that runs
 * past the end, or a CRC that does not match ends the segment (a record torn by a crash).
 */
final class Segment {

    static final byte[] MAGIC = "CADRESG1".getBytes(StandardCharsets.US_ASCII);
    static final int FILE_HEADER = 16;
    static final int RECORD_HEADER = 8;

    final Path file;
    private final MappedByteBuffer map;
    private int position = FILE_HEADER;

    private Segment(Path file, MappedByteBuffer map) {
        this.file = file;
        this.map = map;
    }

    /** Creates {@code file} ({@code size} bytes, sparse) and maps it; called on the store's preparing thread. */
    static Segment create(Path file, int size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
            map.put(0, MAGIC);
            return new Segment(file, map);
        }
    }

    static int bodyLength(byte[] runId, int lineLength) {
        return Long.BYTES + Short.BYTES + runId.length + lineLength;
    }

    /** Whether a record with a body of {@code bodyLength} bytes still fits. */
    boolean fits(int bodyLength) {
        return (long) position + RECORD_HEADER + bodyLength <= map.capacity();
    }

    int position() {
        return position;
    }

    int capacity() {
        return map.capacity();
    }

    /** Copies one record in (the caller holds the store's write lock and checked {@link #fits}); returns its offset. */
    int write(long seq, byte[] runId, byte[] line, int lineLength, CRC32C crc) {
        int at = position;
        int body = bodyLength(runId, lineLength);
        int b = at + RECORD_HEADER;
        map.putLong(b, seq);
        map.putShort(b + Long.BYTES, (short) runId.length);
        map.put(b + Long.BYTES + Short.BYTES, runId);
        map.put(b + Long.BYTES + Short.BYTES + runId.length, line, 0, lineLength);
        crc.reset();
        crc.update(map.slice(b, body));
        map.putInt(at + Integer.BYTES, (int) crc.getValue());
        map.putInt(at, body);
        position = at + RECORD_HEADER + body;
        return at;
    }

    /** Forces the bytes {@code [from, to)} to disk. */
    void force(int from, int to) {
        if (to > from) {
            map.force(from, to - from);
        }
    }

    /** A copy of the record body at {@code offset} (written by this process, so known whole). */
    byte[] body(int offset) {
        int length = map.getInt(offset);
        byte[] body = new byte[length];
        map.get(offset + RECORD_HEADER, body);
        return body;
    }

    /** The sequence number in a record body. */
    static long seq(byte[] body) {
        return ByteBuffer.wrap(body).getLong(0);
    }

    /** The run id in a record body. */
    static String runId(byte[] body) {
        int length = ByteBuffer.wrap(body).getShort(Long.BYTES);
        return new String(body, Long.BYTES + Short.BYTES, length, StandardCharsets.UTF_8);
    }

    /** Where the journal line starts in a record body. */
    static int lineStart(byte[] body) {
        return Long.BYTES + Short.BYTES + ByteBuffer.wrap(body).getShort(Long.BYTES);
    }
}
