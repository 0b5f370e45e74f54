package dev.cadre.orchestrator.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.RunEvent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A writer JVM killed with SIGKILL in the middle of appending (with {@code fsync}, in the middle of a group commit)
 * loses no event whose append had returned, leaves every run's journal intact, and every run continues after it.
 */
class StoreKillTest {

    private static final int RUNS = 4;

    @TempDir
    Path runs;

    @ParameterizedTest
    @EnumSource(Durability.class)
    void a_killed_writer_loses_no_committed_event_and_its_runs_continue(Durability durability) throws Exception {
        byte[] keyBytes = WriterProcesses.randomKey();
        JournalKey key = JournalKey.of(keyBytes);
        Map<String, Long> acknowledged = new HashMap<>();
        for (int kill = 0; kill < 3; kill++) {
            Process child = WriterProcesses.start(StoreWriterProcess.class, runs, keyBytes, durability, RUNS);
            WriterProcesses.killAfter(child, 300 + ThreadLocalRandom.current().nextInt(700), acknowledged);
            LocalJournalStore store = LocalJournalStore.open(runs, key, Durability.PROCESS, 64 << 10);
            for (Map.Entry<String, Long> run : acknowledged.entrySet()) {
                StoredJournal journal = store.read(run.getKey());
                assertThat(journal.integrity().isIntact()).as(journal.integrity().describe(journal.location())).isTrue();
                List<RunEvent> events = journal.events();
                assertThat(events.size()).as("events of %s after kill %d", run.getKey(), kill).isGreaterThanOrEqualTo(run.getValue().intValue());
                for (int i = 0; i < events.size(); i++) {
                    assertThat(events.get(i).seq()).isEqualTo(i + 1);
                }
                acknowledged.put(run.getKey(), (long) events.size());
            }
        }
        LocalJournalStore store = LocalJournalStore.open(runs, key, Durability.PROCESS, 64 << 10);
        try (JournalStore.Appender appender = store.open("run-0")) {
            long next = store.read("run-0").events().size() + 1;
            appender.append(new RunEvent.StepFinished("run-0", "end", next, Instant.EPOCH, "done", dev.cadre.api.Usage.ZERO, null));
        }
        StoredJournal resumed = LocalJournalStore.open(runs, key, Durability.PROCESS, 64 << 10).read("run-0");
        assertThat(resumed.integrity().isIntact()).isTrue();
        assertThat(resumed.events().get(resumed.events().size() - 1)).isInstanceOf(RunEvent.StepFinished.class);
    }
}
