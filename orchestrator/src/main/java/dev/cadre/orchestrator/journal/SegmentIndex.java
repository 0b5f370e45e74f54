package dev.cadre.orchestrator.journal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each run's records are in the segment files: per run, a packed list of (segment, offset). This process's own
 * appends are added as they are written; segments of other processes (earlier ones, or ones still running) are scanned,
 * and scanned again from where the last scan stopped when a reader asks about a run it does not hold.
 */
final class SegmentIndex {

    /** One segment file, this process's or another's, and how far it has been scanned. */
    static final class Entry {
        final Path file;
        final Segment own;
        long scannedTo = Segment.FILE_HEADER;
        /** Deleted by {@link LocalJournalStore#prune}: no longer scanned. */
        boolean removed;

        Entry(Path file, Segment own) {
            this.file = file;
            this.own = own;
        }
    }

    /** The records of one run: {@code segment << 32 | offset}, in the order they were indexed. */
    private static final class Records {
        long[] at = new long[8];
        int size;
        boolean appendedHere;
        boolean createdHere;

        void add(int segment, long offset) {
            if (size == at.length) {
                at = Arrays.copyOf(at, size * 2);
            }
            at[size++] = ((long) segment << 32) | offset;
        }
    }

    private final Path directory;
    private final List<Entry> segments = new ArrayList<>();
    private final Map<Path, Integer> known = new HashMap<>();
    private final Map<String, Records> runs = new HashMap<>();

    SegmentIndex(Path directory) {
        this.directory = directory;
    }

    /** Registers a segment this process has just created; returns its id. */
    synchronized int addOwn(Segment segment) {
        return register(segment.file, segment);
    }

    private int register(Path file, Segment own) {
        int id = segments.size();
        Entry entry = new Entry(file, own);
        if (own != null) {
            entry.scannedTo = Long.MAX_VALUE;
        }
        segments.add(entry);
        known.put(file.getFileName(), id);
        return id;
    }

    /** Records that this process wrote a record of {@code runId} at {@code offset} of its segment {@code segment}. */
    synchronized void added(String runId, int segment, long offset) {
        Records records = runs.computeIfAbsent(runId, id -> new Records());
        records.appendedHere = true;
        records.add(segment, offset);
    }

    /** The segments and offsets of {@code runId}'s records, or an empty array. */
    synchronized long[] records(String runId) {
        Records records = runs.get(runId);
        return records == null ? new long[0] : Arrays.copyOf(records.at, records.size);
    }

    synchronized Entry segment(int id) {
        return segments.get(id);
    }

    synchronized boolean contains(String runId) {
        return runs.containsKey(runId);
    }

    /** Records that {@code runId} is a new run of this process's: none of its records are in other processes' segments. */
    synchronized void created(String runId) {
        runs.computeIfAbsent(runId, id -> new Records()).createdHere = true;
    }

    synchronized boolean createdHere(String runId) {
        Records records = runs.get(runId);
        return records != null && records.createdHere;
    }

    /** Whether {@code runId} is appended by this process (so what other processes wrote of it is already indexed). */
    synchronized boolean appendedHere(String runId) {
        Records records = runs.get(runId);
        return records != null && records.appendedHere;
    }

    synchronized List<String> runIds() {
        return new ArrayList<>(runs.keySet());
    }

    /** The ids of the segments each run has records in. */
    synchronized Map<String, java.util.Set<Integer>> segmentsByRun() {
        Map<String, java.util.Set<Integer>> bySegment = new HashMap<>();
        runs.forEach((run, records) -> {
            java.util.Set<Integer> ids = new java.util.HashSet<>();
            for (int i = 0; i < records.size; i++) {
                ids.add((int) (records.at[i] >>> 32));
            }
            bySegment.put(run, ids);
        });
        return bySegment;
    }

    synchronized int size() {
        return segments.size();
    }

    /** Forgets runs and segments that were deleted. */
    synchronized void forget(java.util.Collection<String> runIds, java.util.Collection<Integer> segmentIds) {
        runIds.forEach(runs::remove);
        segmentIds.forEach(id -> segments.get(id).removed = true);
    }

    /** Scans segment files of other processes: new ones, and what was added to known ones since the last scan. */
    synchronized void refresh() {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(directory, "*" + LocalJournalStore.SEGMENT_SUFFIX)) {
            listing.forEach(files::add);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw new JournalException("Cannot list the journal segments in " + directory + ": " + e.getMessage(), e);
        }
        files.sort(null);
        for (Path file : files) {
            if (!known.containsKey(file.getFileName())) {
                register(file, null);
            }
        }
        for (int id = 0; id < segments.size(); id++) {
            Entry entry = segments.get(id);
            if (entry.own == null && !entry.removed) {
                scan(id, entry);
            }
        }
    }

    private void scan(int id, Entry entry) {
        try (SegmentFile file = SegmentFile.open(entry.file)) {
            if (!file.isSegment()) {
                return;
            }
            entry.scannedTo = file.scan(entry.scannedTo,
                    (offset, body) -> runs.computeIfAbsent(Segment.runId(body), r -> new Records()).add(id, offset));
        } catch (NoSuchFileException e) {
            // removed since it was listed
        } catch (IOException e) {
            throw new JournalException("Cannot read journal segment " + entry.file + ": " + e.getMessage(), e);
        }
    }
}
