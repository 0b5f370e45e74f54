package dev.cadre.orchestrator.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Reads a segment file with ordinary reads (one of another process, or this process's own as the page cache holds it):
 * walks its records from an offset, checking each one's length and CRC, through a window of up to {@value #WINDOW} bytes
 * so a scan costs a read per window, not per record.
 */
final class SegmentFile implements AutoCloseable {

    private static final int WINDOW = 1 << 20;
    private static final int FIRST_WINDOW = 16 << 10;
    /** No record body is larger than a segment can be. */
    private static final int MAX_BODY = Integer.MAX_VALUE - Segment.RECORD_HEADER;

    /** Told of each whole record. */
    interface RecordSink {
        void record(long offset, byte[] body);
    }

    private final Path file;
    private final FileChannel channel;
    private final long size;
    private final CRC32C crc = new CRC32C();
    private ByteBuffer window = ByteBuffer.allocate(0);
    private long windowStart;
    private int windowSize = FIRST_WINDOW / 2;

    private SegmentFile(Path file, FileChannel channel, long size) {
        this.file = file;
        this.channel = channel;
        this.size = size;
    }

    static SegmentFile open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        return new SegmentFile(file, channel, channel.size());
    }

    /** Whether the file begins with a segment's header (else it is not a segment: a stray or truncated file). */
    boolean isSegment() throws IOException {
        byte[] head = read(0, Segment.MAGIC.length);
        return head != null && Arrays.equals(head, Segment.MAGIC);
    }

    /**
     * Walks the whole records from {@code offset} (a record boundary) and returns the offset after the last: where the
     * next record will be, or where a torn record is.
     */
    long scan(long offset, RecordSink sink) throws IOException {
        long at = Math.max(offset, Segment.FILE_HEADER);
        while (true) {
            byte[] body = recordAt(at);
            if (body == null) {
                long after = afterDamaged(at);
                if (after < 0) {
                    return at;
                }
                // A damaged record with whole ones after it was changed, not torn: skip it, so the runs' chains say so.
                at = after;
                continue;
            }
            sink.record(at, body);
            at += Segment.RECORD_HEADER + body.length;
        }
    }

    /** Where the record after a bad one at {@code offset} starts, when its length is plausible and a whole record follows; else -1. */
    private long afterDamaged(long offset) throws IOException {
        byte[] header = read(offset, Segment.RECORD_HEADER);
        if (header == null) {
            return -1;
        }
        int length = ByteBuffer.wrap(header).getInt(0);
        if (length <= 0 || offset + Segment.RECORD_HEADER + length > size) {
            return -1;
        }
        long next = offset + Segment.RECORD_HEADER + length;
        return recordAt(next) != null ? next : -1;
    }

    /** The body of the record at {@code offset}, or {@code null} when there is no whole record there. */
    byte[] recordAt(long offset) throws IOException {
        byte[] header = read(offset, Segment.RECORD_HEADER);
        if (header == null) {
            return null;
        }
        ByteBuffer h = ByteBuffer.wrap(header);
        int length = h.getInt(0);
        if (length <= 0 || length > MAX_BODY || offset + Segment.RECORD_HEADER + length > size) {
            return null;
        }
        byte[] body = read(offset + Segment.RECORD_HEADER, length);
        if (body == null) {
            return null;
        }
        crc.reset();
        crc.update(body);
        return (int) crc.getValue() == h.getInt(Integer.BYTES) ? body : null;
    }

    private byte[] read(long offset, int length) throws IOException {
        if (offset + length > size) {
            return null;
        }
        if (offset < windowStart || offset + length > windowStart + window.limit()) {
            fill(offset, length);
            if (offset + length > windowStart + window.limit()) {
                return null;
            }
        }
        byte[] out = new byte[length];
        window.get((int) (offset - windowStart), out);
        return out;
    }

    private void fill(long offset, int length) throws IOException {
        // The first read is small (a rescan usually finds the end of what is written at once), later ones grow to WINDOW.
        windowSize = Math.min(WINDOW, windowSize * 2);
        int capacity = Math.max(windowSize, length);
        if (window.capacity() < capacity) {
            window = ByteBuffer.allocate(capacity);
        }
        window.clear();
        window.limit((int) Math.min(capacity, size - offset));
        windowStart = offset;
        while (window.hasRemaining()) {
            if (channel.read(window, offset + window.position()) < 0) {
                break;
            }
        }
        window.flip();
    }

    Path file() {
        return file;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new JournalException("Cannot close journal segment " + file + ": " + e.getMessage(), e);
        }
    }
}
