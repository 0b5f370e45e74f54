package dev.cadre.orchestrator.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.RunEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LocalJournalStore#prune}: whole runs go with whole segments, and what stays still verifies. */
class SegmentRetentionTest {

    static final JournalKey KEY = JournalKey.generate();
    static final Instant NOW = Instant.now();
    static final Instant LONG_AGO = NOW.minus(Duration.ofDays(90));
    static final Instant CUTOFF = NOW.minus(Duration.ofDays(30));

    @TempDir
    Path runs;

    @Test
    void a_segment_goes_only_with_every_run_in_it_and_a_run_only_with_all_its_segments() {
        // a (old) shares segment 0 with b (recent); c (old) is alone in 2; d (old) is in 3 and in 1, which b also uses
        Map<String, Set<Integer>> byRun = Map.of("a", Set.of(0), "b", Set.of(0, 1), "c", Set.of(2), "d", Set.of(3, 1));
        SegmentRetention.Choice choice = SegmentRetention.choose(byRun, Set.of("a", "c", "d"), Set.of(4), Set.of());
        assertThat(choice.runs()).containsExactly("c");
        assertThat(choice.segments()).containsExactlyInAnyOrder(2, 4);

        SegmentRetention.Choice allOld = SegmentRetention.choose(byRun, Set.of("a", "b", "c", "d"), Set.of(), Set.of(3));
        assertThat(allOld.runs()).as("segment 3 is this process's own: d stays, and b and a with it").containsExactly("c");
        assertThat(allOld.segments()).containsExactly(2);
    }

    @Test
    void old_runs_go_with_their_segments_and_files_and_the_rest_still_verifies() throws IOException {
        append("old-1", LONG_AGO, 5);
        append("old-2", LONG_AGO, 3);
        try (JournalWriter writer = JournalWriter.open(runs, "older-file", false, KEY)) {
            events("older-file", LONG_AGO, 1, 4).forEach(writer::append);
        }
        append("recent", NOW, 4);
        assertThat(segments()).as("each writer its own").hasSize(3);

        LocalJournalStore.Pruned dry = LocalJournalStore.open(runs, KEY, Durability.PROCESS).prune(CUTOFF, true);
        assertThat(dry.runIds()).containsExactly("old-1", "old-2", "older-file");
        assertThat(dry.files()).hasSize(3).contains(runs.resolve("older-file.jsonl"));
        assertThat(segments()).as("a dry run removes nothing").hasSize(3);

        LocalJournalStore store = LocalJournalStore.open(runs, KEY, Durability.PROCESS);
        LocalJournalStore.Pruned pruned = store.prune(CUTOFF, false);
        assertThat(pruned).isEqualTo(dry);
        assertThat(segments()).hasSize(1);
        assertThat(runs.resolve("older-file.jsonl")).doesNotExist();
        assertThat(store.runIds()).containsExactly("recent");
        assertThat(LocalJournalStore.open(runs, KEY, Durability.PROCESS).runIds()).containsExactly("recent");
        StoredJournal recent = LocalJournalStore.open(runs, KEY, Durability.PROCESS).read("recent");
        assertThat(recent.events()).hasSize(4);
        assertThat(recent.integrity().isIntact()).isTrue();
    }

    @Test
    void an_old_run_resumed_recently_stays_whole() throws IOException {
        append("resumed", LONG_AGO, 3);
        LocalJournalStore later = LocalJournalStore.open(runs, KEY, Durability.PROCESS);
        try (JournalStore.Appender appender = later.open("resumed")) {
            events("resumed", NOW, 4, 2).forEach(appender::append);
        }
        later.close();

        LocalJournalStore.Pruned pruned = LocalJournalStore.open(runs, KEY, Durability.PROCESS).prune(CUTOFF, false);
        assertThat(pruned.runIds()).isEmpty();
        assertThat(segments()).hasSize(2);
        StoredJournal journal = LocalJournalStore.open(runs, KEY, Durability.PROCESS).read("resumed");
        assertThat(journal.events()).hasSize(5);
        assertThat(journal.integrity().isIntact()).isTrue();
    }

    @Test
    void runs_this_process_appends_are_never_pruned() {
        LocalJournalStore store = LocalJournalStore.open(runs, KEY, Durability.PROCESS);
        try (JournalStore.Appender appender = store.open("mine")) {
            events("mine", LONG_AGO, 1, 2).forEach(appender::append);
        }
        assertThat(store.prune(CUTOFF, false).runIds()).isEmpty();
        assertThat(store.read("mine").events()).hasSize(2);
        store.close();
    }

    /** Appends {@code count} events of {@code runId}, dated {@code at}, from a store of their own (another process's). */
    private void append(String runId, Instant at, int count) {
        LocalJournalStore store = LocalJournalStore.open(runs, KEY, Durability.PROCESS);
        try (JournalStore.Appender appender = store.open(runId)) {
            events(runId, at, 1, count).forEach(appender::append);
        }
        store.close();
    }

    static List<RunEvent> events(String runId, Instant at, int firstSeq, int count) {
        return java.util.stream.IntStream.range(firstSeq, firstSeq + count).mapToObj(seq -> (RunEvent) new RunEvent.StepStarted(runId,
                "step-" + seq, seq, at, "agent", "agent", "event " + seq)).toList();
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(runs.resolve("segments"))) {
            return files.filter(f -> f.toString().endsWith(".seg")).sorted().toList();
        }
    }
}
