package dev.cadre.orchestrator.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.api.EventsAccess;
import dev.cadre.api.RunEvent;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalJournalStoreTest extends JournalStoreContract {

    static final JournalKey KEY = JournalKey.generate();
    /** Small segments, so the contract's concurrent runs span several of them. */
    static final int SMALL = 64 << 10;

    @TempDir
    Path runs;

    @Override
    JournalStore newStore() {
        return LocalJournalStore.open(runs, KEY, Durability.PROCESS, SMALL);
    }

    @Override

    JournalKey key() {

        return KEY;

    }


    @Override
    JournalStore reopened() {
        return newStore();
    }

    /** The same contract when every append waits for a sync shared with the others (group commit). */
    @Nested
    class Fsync extends JournalStoreContract {
        @Override
        JournalStore newStore() {
            return LocalJournalStore.open(runs, KEY, Durability.FSYNC, SMALL);
        }

        @Override

        JournalKey key() {

            return KEY;

        }


        @Override
        JournalStore reopened() {
            return newStore();
        }
    }

    @Test
    void opening_a_store_creates_no_file_and_appends_go_to_shared_segments() throws IOException {
        LocalJournalStore store = LocalJournalStore.open(runs, KEY, Durability.PROCESS, SMALL);
        assertThat(store.runIds()).isEmpty();
        assertThat(runs).isEmptyDirectory();
        for (String id : List.of("one", "two")) {
            try (JournalStore.Appender appender = store.open(id)) {
                EventsAccess.oneOfEach(id).forEach(appender::append);
            }
        }
        store.close();
        assertThat(segments()).hasSize(1);
        try (Stream<Path> files = Files.list(runs)) {
            assertThat(files.filter(f -> f.toString().endsWith(".jsonl"))).isEmpty();
        }
    }

    @Test
    void journals_of_earlier_versions_are_read_and_continue_in_the_segments() {
        List<RunEvent> events = EventsAccess.oneOfEach("old");
        try (JournalWriter writer = JournalWriter.open(runs, "old", false, KEY)) {
            events.subList(0, 4).forEach(writer::append);
        }
        LocalJournalStore store = LocalJournalStore.open(runs, KEY, Durability.PROCESS, SMALL);
        assertThat(store.contains("old")).isTrue();
        assertThat(store.read("old").events()).containsExactlyElementsOf(events.subList(0, 4));
        assertThat(store.location("old")).endsWith("old.jsonl");
        try (JournalStore.Appender appender = store.open("old")) {
            events.subList(4, events.size()).forEach(appender::append);
        }
        StoredJournal later = LocalJournalStore.open(runs, KEY, Durability.PROCESS, SMALL).read("old");
        assertThat(later.events()).containsExactlyElementsOf(events);
        assertThat(later.integrity().isIntact()).isTrue();
        store.close();
    }

    @Test
    void the_v1_fixture_journals_read_as_they_did() throws IOException {
        Path fixtures = Path.of("src/test/resources/journals/v1");
        try (Stream<Path> files = Files.list(fixtures)) {
            for (Path file : files.toList()) {
                Files.copy(file, runs.resolve(file.getFileName()));
            }
        }
        LocalJournalStore store = LocalJournalStore.open(runs, KEY, Durability.PROCESS, SMALL);
        assertThat(store.runIds()).hasSize(8).contains("v1-debate", "v1-vote");
        for (String id : store.runIds()) {
            StoredJournal journal = store.read(id);
            JournalReader.Journal file = JournalReader.read(runs.resolve(id + ".jsonl"), KEY);
            assertThat(journal.events()).isNotEmpty().isEqualTo(file.events());
            assertThat(journal.integrity()).isEqualTo(file.integrity());
            assertThat(journal.location()).isEqualTo(file.file().toString());
        }
    }

    @Test
    void an_edited_record_reads_as_changed_even_with_its_crc_fixed() throws IOException {
        write("victim", "bystander");
        Path segment = segments().get(0);
        long offset = find(segment, "\"runId\":\"victim\"", 2);
        byte[] bytes = Files.readAllBytes(segment);
        bytes[(int) offset + "\"runId\":\"".length()] = 'V';
        fixCrcAround(bytes, (int) offset);
        Files.write(segment, bytes);

        LocalJournalStore fresh = LocalJournalStore.open(runs, KEY, Durability.PROCESS, SMALL);
        StoredJournal victim = fresh.read("victim");
        assertThat(victim.integrity().isChanged()).isTrue();
        assertThat(victim.integrity().describe(victim.location())).contains("was changed at line 2");
        assertThat(fresh.read("bystander").integrity().isIntact()).isTrue();
        assertThatThrownBy(() -> fresh.open("victim")).isInstanceOf(JournalChangedException.class).hasMessageContaining("cannot be continued");
    }

    @Test
    void a_damaged_record_in_the_middle_is_skipped_and_breaks_its_runs_chain() throws IOException {
        write("victim", "bystander");
        Path segment = segments().get(0);
        long offset = find(segment, "\"runId\":\"victim\"", 2);
        byte[] bytes = Files.readAllBytes(segment);
        bytes[(int) offset + 3] ^= 0x20;
        Files.write(segment, bytes);

        LocalJournalStore fresh = LocalJournalStore.open(runs, KEY, Durability.PROCESS, SMALL);
        assertThat(fresh.read("victim").integrity().isChanged()).isTrue();
        assertThat(fresh.read("bystander").events()).hasSize(EventsAccess.oneOfEach("bystander").size());
    }

    @Test
    void a_torn_last_record_is_dropped_and_the_run_continues_after_its_last_whole_event() throws IOException {
        List<RunEvent> events = EventsAccess.oneOfEach("torn");
        LocalJournalStore store = LocalJournalStore.open(runs, KEY, Durability.PROCESS, SMALL);
        try (JournalStore.Appender appender = store.open("torn")) {
            events.subList(0, 4).forEach(appender::append);
        }
        store.close();
        Path segment = segments().get(0);
        // What a kill in the middle of a copy leaves: the body partly there, its length written last, so present
        // only if the kill came after it; here the length is there and the body is cut short.
        long end = find(segment, "\"seq\":4", 1);
        try (RandomAccessFile raf = new RandomAccessFile(segment.toFile(), "rw")) {
            long recordStart = recordStartBefore(Files.readAllBytes(segment), (int) end);
            long recordEnd = recordStart + 8 + ByteBuffer.wrap(Files.readAllBytes(segment), (int) recordStart, 4).getInt();
            raf.seek(recordEnd - 20);
            raf.write(new byte[20]);
        }
        LocalJournalStore fresh = LocalJournalStore.open(runs, KEY, Durability.PROCESS, SMALL);
        assertThat(fresh.read("torn").events()).containsExactlyElementsOf(events.subList(0, 3));
        try (JournalStore.Appender appender = fresh.open("torn")) {
            events.subList(3, events.size()).forEach(appender::append);
        }
        StoredJournal continued = LocalJournalStore.open(runs, KEY, Durability.PROCESS, SMALL).read("torn");
        assertThat(continued.events()).containsExactlyElementsOf(events);
        assertThat(continued.integrity().isIntact()).isTrue();
    }

    @Test
    void a_store_sees_what_another_process_appends_after_it_first_looked() {
        LocalJournalStore reader = LocalJournalStore.open(runs, KEY, Durability.PROCESS, SMALL);
        assertThat(reader.contains("later")).isFalse();
        LocalJournalStore writer = LocalJournalStore.open(runs, KEY, Durability.PROCESS, SMALL);
        List<RunEvent> events = EventsAccess.oneOfEach("later");
        JournalStore.Appender appender = writer.open("later");
        appender.append(events.get(0));
        assertThat(reader.read("later").events()).containsExactly(events.get(0));
        events.subList(1, events.size()).forEach(appender::append);
        assertThat(reader.runIds()).containsExactly("later");
        writer.close();
    }

    @Test
    void a_closed_store_refuses_appends() {
        LocalJournalStore store = LocalJournalStore.open(runs, KEY, Durability.PROCESS, SMALL);
        JournalStore.Appender appender = store.open("r");
        store.close();
        assertThatThrownBy(() -> appender.append(EventsAccess.oneOfEach("r").get(0)))
                .isInstanceOf(JournalException.class).hasMessageContaining("closed");
    }

    @Test
    void a_segment_smaller_than_64_KiB_is_refused() {
        assertThatThrownBy(() -> LocalJournalStore.open(runs, KEY, Durability.PROCESS, 1000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1000 bytes");
    }

    private void write(String... ids) {
        LocalJournalStore store = LocalJournalStore.open(runs, KEY, Durability.PROCESS, SMALL);
        for (String id : ids) {
            try (JournalStore.Appender appender = store.open(id)) {
                EventsAccess.oneOfEach(id).forEach(appender::append);
            }
        }
        store.close();
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(runs.resolve("segments"))) {
            return files.sorted().toList();
        }
    }

    /** The offset of the {@code nth} occurrence of {@code text} in {@code file}. */
    static long find(Path file, String text, int nth) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        int seen = 0;
        for (int i = 0; i + needle.length <= bytes.length; i++) {
            if (java.util.Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length) && ++seen == nth) {
                return i;
            }
        }
        throw new AssertionError(text + " not found " + nth + " times in " + file);
    }

    /** The start of the record holding byte {@code at}: walks the records from the segment's header. */
    static int recordStartBefore(byte[] bytes, int at) {
        int offset = 16;
        while (true) {
            int length = ByteBuffer.wrap(bytes, offset, 4).getInt();
            if (at < offset + 8 + length) {
                return offset;
            }
            offset += 8 + length;
        }
    }

    private static void fixCrcAround(byte[] bytes, int at) {
        int start = recordStartBefore(bytes, at);
        int length = ByteBuffer.wrap(bytes, start, 4).getInt();
        CRC32C crc = new CRC32C();
        crc.update(bytes, start + 8, length);
        ByteBuffer.wrap(bytes, start + 4, 4).putInt((int) crc.getValue());
    }
}
