package dev.cadre.orchestrator.journal;

import dev.cadre.api.RunEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Which runs and segments {@link LocalJournalStore#prune} removes: a segment goes only when every run with records in it
 * goes, and a run goes only when all of its segments go (a run is never cut: what is left of a journal verifies). A run
 * that is not old enough keeps its segments, and with them every other run that has records there.
 */
final class SegmentRetention {

    /** The runs and segment ids to remove. */
    record Choice(Set<String> runs, Set<Integer> segments) {}

    private SegmentRetention() {}

    /**
     * @param segmentsByRun the segments each run has records in (none for a run only in a per-run file)
     * @param old           the runs old enough to go
     * @param emptyOld      segments with no records, old enough to go
     * @param kept          segments that must stay whatever they hold (this process's own)
     */
    static Choice choose(Map<String, Set<Integer>> segmentsByRun, Set<String> old, Set<Integer> emptyOld, Set<Integer> kept) {
        Set<Integer> keptSegments = new HashSet<>(kept);
        Set<String> keptRuns = new HashSet<>();
        for (String run : segmentsByRun.keySet()) {
            if (!old.contains(run)) {
                keptRuns.add(run);
            }
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Map.Entry<String, Set<Integer>> run : segmentsByRun.entrySet()) {
                boolean keep = keptRuns.contains(run.getKey()) || run.getValue().stream().anyMatch(keptSegments::contains);
                if (keep) {
                    boolean newRun = keptRuns.add(run.getKey());
                    boolean newSegments = keptSegments.addAll(run.getValue());
                    changed |= newRun || newSegments;
                }
            }
        }
        Set<String> runs = new HashSet<>(segmentsByRun.keySet());
        runs.removeAll(keptRuns);
        Set<Integer> segments = new HashSet<>(emptyOld);
        runs.forEach(r -> segments.addAll(segmentsByRun.get(r)));
        segments.removeAll(keptSegments);
        return new Choice(runs, segments);
    }

    /** {@link LocalJournalStore#prune}, on the store's freshly scanned index. */
    static LocalJournalStore.Pruned prune(LocalJournalStore store, SegmentIndex index, Predicate<String> hasRunFile,
                                          Function<String, Path> runFile, Instant before, boolean dryRun) {
        Set<String> old = new HashSet<>();
        for (String runId : store.runIds()) {
            List<RunEvent> events = store.read(runId).events();
            if (!store.appendsHere(runId) && (events.isEmpty() || events.get(events.size() - 1).timestamp().isBefore(before))) {
                old.add(runId);
            }
        }
        Map<String, Set<Integer>> byRun = index.segmentsByRun();
        old.stream().filter(r -> !byRun.containsKey(r)).forEach(r -> byRun.put(r, Set.of()));   // only in a per-run file
        Set<Integer> used = new HashSet<>();
        byRun.values().forEach(used::addAll);
        Set<Integer> emptyOld = new HashSet<>();
        Set<Integer> own = new HashSet<>();
        for (int id = 0; id < index.size(); id++) {
            SegmentIndex.Entry entry = index.segment(id);
            if (entry.own != null) {
                own.add(id);
            } else if (!entry.removed && !used.contains(id) && modifiedBefore(entry.file, before)) {
                emptyOld.add(id);
            }
        }
        Choice choice = choose(byRun, old, emptyOld, own);
        List<Path> files = new ArrayList<>();
        choice.segments().stream().sorted().forEach(id -> files.add(index.segment(id).file));
        choice.runs().stream().sorted().filter(hasRunFile).forEach(r -> files.add(runFile.apply(r)));
        if (!dryRun) {
            for (Path file : files) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    throw new JournalException("Cannot remove the journal file " + file + ": " + e.getMessage(), e);
                }
            }
            index.forget(choice.runs(), choice.segments());
        }
        return new LocalJournalStore.Pruned(choice.runs().stream().sorted().toList(), files);
    }

    private static boolean modifiedBefore(Path file, Instant before) {
        try {
            return Files.getLastModifiedTime(file).toInstant().isBefore(before);
        } catch (IOException e) {
            return false;   // gone already, or unreadable: left alone
        }
    }
}
