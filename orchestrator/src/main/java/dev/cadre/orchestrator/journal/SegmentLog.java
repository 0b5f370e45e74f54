package dev.cadre.orchestrator.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32C;

/**
 * This process's side of the {@link LocalJournalStore}: its own segment files, appended by copying records into the
 * current segment's mapping under one short lock (no system call). One background thread (started when needed, gone
 * when idle) creates and maps the next segment before the current one is full, and under {@link Durability#FSYNC}
 * syncs: a caller waits until a sync covers its record, and one sync covers every record written before it started
 * (group commit).
 */
final class SegmentLog {

    private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final Path directory;
    private final SegmentIndex index;
    private final Durability durability;
    private final int segmentBytes;
    private final String writer;
    private final ExecutorService background;
    private final CRC32C crc = new CRC32C();
    private final Object syncs = new Object();
    private int count;
    private Segment current;
    private int currentId = -1;
    private CompletableFuture<Segment> next;
    /** Bytes written and bytes known synced, over all of this log's segments (for group commit). */
    private long written;
    private long synced;
    private boolean syncing;
    private final List<Segment> unsynced = new ArrayList<>();
    private int syncedTo;
    private boolean closed;

    SegmentLog(Path directory, SegmentIndex index, Durability durability, int segmentBytes, java.time.Instant now) {
        this.directory = directory;
        this.index = index;
        this.durability = durability;
        this.segmentBytes = segmentBytes;
        this.writer = NAME_TIME.format(now) + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "cadre-journal-" + writer);
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        this.background = pool;
    }

    /** Starts creating the first segment, so the first append does not wait for it. */
    synchronized void prepare() {
        if (current == null && next == null && !closed) {
            next = CompletableFuture.supplyAsync(() -> create(segmentBytes), background);
        }
    }

    /**
     * Appends one record of {@code runId}; returns once it is in the page cache ({@link Durability#PROCESS}) or on disk
     * ({@link Durability#FSYNC}).
     */
    void append(String runId, byte[] runIdBytes, long seq, byte[] line, int lineLength) {
        int body = Segment.bodyLength(runIdBytes, lineLength);
        long ticket;
        synchronized (this) {
            if (closed) {
                throw new JournalException("The journal store in " + directory + " is closed: run " + runId + " cannot append to it.");
            }
            if (current == null || !current.fits(body)) {
                roll(body);
            }
            int offset = current.write(seq, runIdBytes, line, lineLength, crc);
            index.added(runId, currentId, offset);
            written += Segment.RECORD_HEADER + body;
            ticket = written;
            if (current.position() > current.capacity() / 2 && next == null) {
                next = CompletableFuture.supplyAsync(() -> create(segmentBytes), background);
            }
        }
        if (durability == Durability.FSYNC) {
            awaitSync(ticket);
        }
    }

    /** Moves to the prepared segment (waiting for it if it is not ready), or to one of its own for a huge record. */
    private void roll(int body) {
        if (current != null) {
            unsynced.add(current);
        }
        Segment segment;
        if (Segment.FILE_HEADER + Segment.RECORD_HEADER + body > segmentBytes) {
            segment = create(Segment.FILE_HEADER + Segment.RECORD_HEADER + body);
        } else {
            if (next == null) {
                next = CompletableFuture.supplyAsync(() -> create(segmentBytes), background);
            }
            segment = next.join();
            next = null;
        }
        current = segment;
        currentId = index.addOwn(segment);
        syncedTo = Segment.FILE_HEADER;
    }

    private Segment create(int size) {
        Path file;
        synchronized (syncs) {
            file = directory.resolve(writer + "-" + String.format("%06d", ++count) + LocalJournalStore.SEGMENT_SUFFIX);
        }
        try {
            Files.createDirectories(directory);
            return Segment.create(file, size);
        } catch (IOException e) {
            throw new JournalException("Cannot create the journal segment " + file + ": " + e.getMessage(), e);
        }
    }

    /** Waits until a sync covers {@code ticket}; the first waiter to find no sync running does it for everyone. */
    private void awaitSync(long ticket) {
        synchronized (syncs) {
            while (synced < ticket) {
                if (!syncing) {
                    syncing = true;
                    break;
                }
                try {
                    syncs.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new JournalException("Interrupted while waiting for the journal in " + directory + " to reach the disk.", e);
                }
            }
            if (synced >= ticket) {
                return;
            }
        }
        long upTo = 0;
        try {
            upTo = syncNow();
        } finally {
            synchronized (syncs) {
                syncing = false;
                synced = Math.max(synced, upTo);
                syncs.notifyAll();
            }
        }
    }

    /**
     * Forces what is written: whole earlier segments, then the current one from where the last sync ended; returns
     * how many bytes (over all segments) that covers.
     */
    private long syncNow() {
        long upTo;
        List<Segment> full;
        Segment segment;
        int from;
        int to;
        synchronized (this) {
            full = new ArrayList<>(unsynced);
            unsynced.clear();
            segment = current;
            from = syncedTo;
            to = segment.position();
            syncedTo = to;
            upTo = written;
        }
        for (Segment s : full) {
            s.force(Segment.FILE_HEADER, s.position());
        }
        segment.force(from, to);
        return upTo;
    }

    /** Stops the background thread and removes a prepared segment that was never written. */
    synchronized void close() {
        closed = true;
        if (next != null) {
            next.thenAccept(s -> {
                try {
                    Files.deleteIfExists(s.file);
                } catch (IOException e) {
                    // an empty segment left behind reads as empty
                }
            });
        }
        background.shutdown();
    }
}
