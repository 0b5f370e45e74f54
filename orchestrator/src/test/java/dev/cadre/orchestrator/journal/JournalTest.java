package dev.cadre.orchestrator.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.api.RunEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import dev.cadre.api.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {

    @TempDir
    Path runs;

    @Test
    void writtenEventsReadBackEqual() throws Exception {
        List<RunEvent> events = dev.cadre.api.EventsAccess.oneOfEach("r-1");
        try (JournalWriter writer = JournalWriter.open(runs, "r-1", true)) {
            events.forEach(writer::append);
        }
        Path file = runs.resolve("r-1.jsonl");
        assertThat(Files.readAllLines(file)).hasSize(events.size());
        JournalReader.Journal journal = JournalReader.read(file);
        assertThat(journal.events()).containsExactlyElementsOf(events);
        assertThat(journal.tornTail()).isFalse();
    }

    @Test
    void aTornLastLineIsDroppedNotFatal() throws Exception {
        List<RunEvent> events = dev.cadre.api.EventsAccess.oneOfEach("r-2");
        try (JournalWriter writer = JournalWriter.open(runs, "r-2", false)) {
            events.subList(0, 3).forEach(writer::append);
        }
        Path file = runs.resolve("r-2.jsonl");
        Files.writeString(file, "{\"type\":\"step_started\",\"runId\":\"r-2\",\"st", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        JournalReader.Journal journal = JournalReader.read(file);
        assertThat(journal.events()).containsExactlyElementsOf(events.subList(0, 3));
        assertThat(journal.tornTail()).isTrue();

        try (JournalWriter writer = JournalWriter.reopen(journal, false)) {
            writer.append(events.get(3));
        }
        JournalReader.Journal continued = JournalReader.read(file);
        assertThat(continued.events()).containsExactlyElementsOf(events.subList(0, 4));
        assertThat(continued.tornTail()).isFalse();
    }

    @Test
    void aCorruptLineInTheMiddleNamesFileAndLine() throws Exception {
        Path file = runs.resolve("bad.jsonl");
        RunEvent ok = new RunEvent.RunStarted("bad", "", 1, Instant.EPOCH, "crew", Task.of("task", "Do it."));
        String line = dev.cadre.api.CadreJson.mapper().writeValueAsString(ok);
        Files.writeString(file, line + "\n{not json}\n" + line + "\n");
        assertThatThrownBy(() -> JournalReader.read(file))
                .isInstanceOf(JournalException.class)
                .hasMessageStartingWith("Journal " + file + " line 2 is not a readable event:");
        assertThatThrownBy(() -> JournalReader.read(runs.resolve("missing.jsonl")))
                .hasMessage("Journal " + runs.resolve("missing.jsonl") + " does not exist.");
    }

    @Test
    void appendingReopensWithoutLosingEarlierLines() {
        RunEvent first = new RunEvent.RunStarted("r-3", "", 1, Instant.EPOCH, "crew", Task.of("task", "Do it."));
        RunEvent second = new RunEvent.RunFinished("r-3", "", 2, Instant.EPOCH, "out", null);
        try (JournalWriter w = JournalWriter.open(runs, "r-3", false)) {
            w.append(first);
        }
        try (JournalWriter w = JournalWriter.open(runs, "r-3", false)) {
            w.append(second);
        }
        assertThat(JournalReader.read(runs.resolve("r-3.jsonl")).events()).containsExactly(first, second);
    }
}
