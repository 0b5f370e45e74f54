package dev.cadre.orchestrator.journal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cadre.api.CadreJson;
import dev.cadre.api.RunEvent;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The default {@link JournalStore}: every run's events in append-only segment files shared by the runs of a process,
 * {@code <directory>/segments/*.seg}, with an index in memory (see docs/journal.md). An append costs the caller an
 * encode, a MAC and a copy into a memory-mapped segment: no file is created and no system call made on its thread.
 * Under {@link Durability#PROCESS} (the default) the copy is the commit: the event is in the operating system's page
 * cache, so it survives the process being killed. Under {@link Durability#FSYNC} the caller also waits for a sync that
 * concurrent appends share (group commit).
 *
 * <p>Each line keeps the chained MAC of a per-run file, so a journal changed after it was written reads as changed;
 * a record torn by a crash is dropped (its CRC does not match) and the run continues after its last whole event.
 * Journals of earlier versions (one {@code <runId>.jsonl} file per run in {@code directory}) are read as before, and a
 * resumed one continues in the segments, its chain going on from the file's last line.
 *
 * <p>Just over 300 lines: the store's public face over its parts (segments, index, writer thread, retention, the
 * per-run files of older runs directories, export); each part is a class of its own.
 */
public final class LocalJournalStore implements JournalStore {

    static final String SEGMENT_SUFFIX = ".seg";
    /** The default size of a segment file (created sparse: disk is used as records are written). */
    public static final int DEFAULT_SEGMENT_BYTES = 16 << 20;

    private final Path directory;
    /** Streamed tokens within this process ({@link #liveTokens()}). */
    private final LiveTokenHub liveTokens = new LiveTokenHub();
    private final Path segments;
    private final JournalKey key;
    private final RunFilesJournalStore oldFiles;
    private final SegmentIndex index;
    private final SegmentLog log;
    private final ObjectMapper mapper = CadreJson.mapper();
    private final JournalChainPool chains;
    private volatile boolean scanned;

    private LocalJournalStore(Path directory, JournalKey key, Durability durability, int segmentBytes) {
        this.directory = directory;
        this.segments = directory.resolve("segments");
        this.key = key;
        this.chains = new JournalChainPool(key);
        this.oldFiles = new RunFilesJournalStore(directory, key, durability);
        this.index = new SegmentIndex(segments);
        this.log = new SegmentLog(segments, index, durability, segmentBytes, Instant.now());
    }

    /** The store in {@code directory} (a runs directory), its lines authenticated with {@code key}. Creates nothing yet. */
    public static LocalJournalStore open(Path directory, JournalKey key, Durability durability) {
        return open(directory, key, durability, DEFAULT_SEGMENT_BYTES);
    }

    /**
     * The store in {@code directory} as an orchestrator opens it by default: the key of the state directory
     * ({@link JournalKey#fromStateDirectory()}), {@link Durability#PROCESS}. E.g. to read the runs of a directory.
     */
    public static LocalJournalStore open(Path directory) {
        return open(directory, JournalKey.fromStateDirectory(), Durability.PROCESS);
    }

    /** {@link #open(Path, JournalKey, Durability)} with segment files of {@code segmentBytes} (at least 64 KiB). */
    public static LocalJournalStore open(Path directory, JournalKey key, Durability durability, int segmentBytes) {
        if (segmentBytes < (64 << 10)) {
            throw new IllegalArgumentException("A journal segment of " + segmentBytes + " bytes is too small: use at least 64 KiB.");
        }
        return new LocalJournalStore(directory, key, durability, segmentBytes);
    }

    public Path directory() {
        return directory;
    }

    @Override
    public Appender open(String runId) {
        byte[] id = runId.getBytes(StandardCharsets.UTF_8);
        if (id.length > Short.MAX_VALUE) {
            throw new IllegalArgumentException("Run id '" + runId.substring(0, 40) + "...' is too long for a journal (" + id.length + " bytes).");
        }
        byte[] previous = JournalChain.START;
        // Other processes' segments are scanned once per store here, not at every run's start: a run written elsewhere
        // since then is found by contains() or read(), which resume, fork and an explicit run id go through first.
        boolean known = index.contains(runId) || oldFiles.contains(runId);
        if (!known && !scanned) {
            refresh();
            known = index.contains(runId);
        }
        if (known) {
            Read read = readAll(runId);
            if (read.lines.integrity().isChanged()) {
                throw new JournalChangedException(read.lines.integrity().describe(location(runId)) + " It cannot be continued.",
                        read.lines.integrity());
            }
            if (read.fileTail != null && read.fileTail.torn()) {
                cutTornLine(runId, read.fileTail.validLength());
            }
            previous = JournalChain.decode(read.lines.chainHead());
        }
        log.prepare();
        return new LocalAppender(runId, id, previous);
    }

    @Override
    public Appender create(String runId) {
        byte[] id = runId.getBytes(StandardCharsets.UTF_8);
        if (id.length > Short.MAX_VALUE) {
            return open(runId);   // refused there, in one sentence
        }
        index.created(runId);
        log.prepare();
        return new LocalAppender(runId, id, JournalChain.START);
    }

    private void cutTornLine(String runId, long validLength) {
        Path file = JournalWriter.fileFor(directory, runId);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(validLength);
        } catch (IOException e) {
            throw new JournalException("Cannot cut the torn last line of journal " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean contains(String runId) {
        if (index.contains(runId) || oldFiles.contains(runId)) {
            return true;
        }
        refresh();
        return index.contains(runId);
    }

    @Override
    public StoredJournal read(String runId) {
        if (!contains(runId)) {
            throw new JournalException("There is no journal of run '" + runId + "' in " + directory + ".");
        }
        Read read = readAll(runId);
        boolean torn = read.fileTail != null && read.fileTail.torn() && !read.continued;
        return new StoredJournal(runId, location(runId), read.lines.events(), torn, read.lines.integrity());
    }

    @Override
    public List<String> runIds() {
        refresh();
        Set<String> ids = new LinkedHashSet<>(oldFiles.runIds());
        ids.addAll(index.runIds());
        return new ArrayList<>(ids);
    }

    /** Payloads as files in the runs directory, {@code payloads/<runId>/<sha256>} ({@link PayloadFiles}). */
    @Override
    public java.util.Optional<Payloads> payloads() {
        return java.util.Optional.of(PayloadFiles.in(directory));
    }

    @Override
    public String location(String runId) {
        if (oldFiles.contains(runId) && !index.contains(runId)) {
            return oldFiles.location(runId);
        }
        return segments + " (run " + runId + ")";
    }

    /** Streamed tokens within this process: those who publish and subscribe share this store object ({@link LiveTokenHub}). */
    @Override
    public java.util.Optional<LiveTokens> liveTokens() {
        return java.util.Optional.of(liveTokens);
    }

    @Override
    public void close() {
        log.close();
    }

    private synchronized void refresh() {
        index.refresh();
        scanned = true;
    }

    /**
     * Writes the journal of {@code runId} to {@code out} as JSON Lines, each line as it was written (its MAC included):
     * the per-run file an earlier version wrote, if any, then the run's records in the segments. The result is a
     * journal file that {@link JournalReader} reads and verifies under this store's key, and that a person can read.
     * A torn last line of an old file is left out.
     */
    @Override
    public void export(String runId, java.io.OutputStream out) throws IOException {
        if (!contains(runId)) {
            throw new JournalException("There is no journal of run '" + runId + "' in " + directory + ".");
        }
        Read read = readAll(runId);
        if (read.fileTail != null) {
            byte[] file = Files.readAllBytes(JournalWriter.fileFor(directory, runId));
            out.write(file, 0, (int) Math.min(file.length, read.fileTail.validLength()));
        }
        for (byte[] body : read.bodies) {
            int start = Segment.lineStart(body);
            out.write(body, start, body.length - start);
            out.write('\n');
        }
        out.flush();
    }

    /** What {@link #prune} removed (or, for a dry run, would remove): whole runs, and the files that held them. */
    public record Pruned(List<String> runIds, List<Path> files) {
        public Pruned {
            runIds = List.copyOf(runIds);
            files = List.copyOf(files);
        }
    }

    /**
     * Removes the runs whose last event is older than {@code before}, with the segment files that hold them and their
     * per-run files of earlier versions. A segment is removed whole, so a run goes only when every run sharing its
     * segments goes too (none is cut: what stays verifies); this process's own segments stay. Runs being appended
     * elsewhere have recent events and stay; do not resume an old run while it is pruned. With {@code dryRun} nothing
     * is removed: the result says what would be.
     */
    public synchronized Pruned prune(Instant before, boolean dryRun) {
        refresh();
        return SegmentRetention.prune(this, index, oldFiles::contains, runId -> JournalWriter.fileFor(directory, runId), before, dryRun);
    }

    /** Whether this process appends {@code runId} (such a run is never pruned). */
    boolean appendsHere(String runId) {
        return index.appendedHere(runId);
    }

    /** What reading a run found: its lines checked, how its per-run file (if it has one) ended, its records in order. */
    private record Read(JournalLines lines, JournalReader.Tail fileTail, boolean continued, List<byte[]> bodies) {}

    private Read readAll(String runId) {
        if (!index.createdHere(runId) && (!scanned || !index.appendedHere(runId))) {
            refresh();   // a run created here has all its records in this process's segments
        }
        JournalLines lines = new JournalLines(key, location(runId));
        JournalReader.Tail tail = null;
        if (oldFiles.contains(runId)) {
            tail = JournalReader.readLines(JournalWriter.fileFor(directory, runId), lines);
        }
        List<byte[]> bodies = new ArrayList<>();
        Map<Integer, SegmentFile> open = new HashMap<>();
        try {
            for (long at : index.records(runId)) {
                bodies.add(body((int) (at >>> 32), at & 0xffffffffL, open));
            }
        } finally {
            open.values().forEach(SegmentFile::close);
        }
        bodies.sort(Comparator.comparingLong(Segment::seq));
        for (byte[] body : bodies) {
            lines.accept(body, Segment.lineStart(body), body.length);
        }
        return new Read(lines, tail, !bodies.isEmpty(), bodies);
    }

    /** The record body at {@code offset} of segment {@code segment}: from this process's mapping, or read from the file. */
    private byte[] body(int segment, long offset, Map<Integer, SegmentFile> open) {
        SegmentIndex.Entry entry = index.segment(segment);
        if (entry.own != null) {
            return entry.own.body((int) offset);
        }
        try {
            SegmentFile file = open.get(segment);
            if (file == null) {
                file = SegmentFile.open(entry.file);
                open.put(segment, file);
            }
            byte[] body = file.recordAt(offset);
            if (body == null) {
                throw new JournalException("Journal segment " + entry.file + " changed at offset " + offset + " since it was read.");
            }
            return body;
        } catch (IOException e) {
            throw new JournalException("Cannot read journal segment " + entry.file + ": " + e.getMessage(), e);
        }
    }

    /** Appends one run: encodes each event, chains its MAC to the one before and hands the line to the segment log. */
    private final class LocalAppender implements Appender {
        private final String runId;
        private final byte[] id;
        private byte[] previous;

        LocalAppender(String runId, byte[] id, byte[] previous) {
            this.runId = runId;
            this.id = id;
            this.previous = previous;
        }

        @Override
        public synchronized void append(RunEvent event) {
            JournalChain chain = chains.take();
            try {
                byte[] code;
                try {
                    code = chain.encode(mapper, previous, event);
                } catch (IOException e) {
                    throw JournalChain.cannotSerialise(event, location(), e);
                }
                log.append(runId, id, event.seq(), chain.line(), chain.lineLength() - 1);   // a record holds no newline
                previous = code;
            } finally {
                chains.give(chain);
            }
        }

        @Override
        public String location() {
            return LocalJournalStore.this.location(runId);
        }

        @Override
        public void close() {
            // the segment log is shared; nothing of this run's is held
        }
    }
}
