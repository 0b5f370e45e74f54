package dev.cadre.orchestrator.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.api.EventsAccess;
import dev.cadre.api.RunEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What every {@link JournalStore} does; one subclass per store. */
abstract class JournalStoreContract {

    private final List<JournalStore> opened = new ArrayList<>();

    /** A new store; {@link #reopened()} the same storage seen by a new store (a new process). */
    abstract JournalStore newStore();

    abstract JournalStore reopened();

    JournalStore store() {
        if (opened.isEmpty()) {
            opened.add(newStore());
        }
        return opened.get(0);
    }

    @AfterEach
    void closeStores() {
        opened.forEach(JournalStore::close);
    }

    /** The key the store authenticates lines with; null for a store that keeps no MACs (its export reads as unverified). */
    JournalKey key() {
        return null;
    }

    @Test
    void anExportedJournalReadsBackAsAJournalFileWithTheSameEvents(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        List<RunEvent> events = EventsAccess.oneOfEach("exported");
        try (JournalStore.Appender appender = store().open("exported")) {
            events.forEach(appender::append);
        }
        java.nio.file.Path file = dir.resolve("exported.jsonl");
        try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(file)) {
            store().export("exported", out);
        }
        JournalReader.Journal read = JournalReader.read(file, key() != null ? key() : JournalKey.generate());
        assertThat(read.events()).containsExactlyElementsOf(events);
        assertThat(read.integrity().status()).isEqualTo(key() != null ? JournalIntegrity.Status.INTACT : JournalIntegrity.Status.UNVERIFIED);
        assertThatThrownBy(() -> store().export("none", java.io.OutputStream.nullOutputStream())).isInstanceOf(JournalException.class);
    }

    @Test
    void payloadsAreKeptOnceByHashReadOnlyByTheirRunBoundedAndRemovedPerRun() {
        org.junit.jupiter.api.Assumptions.assumeTrue(store().payloads().isPresent(), "this store keeps no payloads");
        for (String run : List.of("kept", "other")) {
            try (JournalStore.Appender appender = store().open(run)) {
                EventsAccess.oneOfEach(run).subList(0, 2).forEach(appender::append);
            }
        }
        JournalStore.Payloads payloads = store().payloads().orElseThrow();
        byte[] large = "p".repeat(200_000).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String hash = payloads.put("kept", large);
        assertThat(hash).isEqualTo(JournalStore.Payloads.sha256(large)).matches("[0-9a-f]{64}");
        assertThat(payloads.put("kept", large)).as("the same content again: the same name, nothing changed").isEqualTo(hash);
        assertThat(payloads.get("kept", hash)).hasValueSatisfying(b -> assertThat(b).isEqualTo(large));
        assertThat(reopened().payloads().orElseThrow().get("kept", hash)).as("another process reads it")
                .hasValueSatisfying(b -> assertThat(b).isEqualTo(large));
        assertThat(payloads.get("other", hash)).as("another run's payloads are not its own").isEmpty();
        assertThat(payloads.get("kept", JournalStore.Payloads.sha256(new byte[1]))).isEmpty();
        String small = payloads.put("other", new byte[] {1, 2, 3});
        assertThatThrownBy(() -> payloads.put("kept", new byte[JournalStore.Payloads.MAX_BYTES + 1]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("A payload of run 'kept' is 32.0 MiB, over the 32 MiB a payload may be (more than any model takes in one request).");
        assertThat(payloads.remove("kept")).isEqualTo(1);
        assertThat(payloads.get("kept", hash)).isEmpty();
        assertThat(payloads.get("other", small)).as("another run's payloads stay").isPresent();
        assertThat(payloads.remove("kept")).isZero();
        assertThat(payloads.location("other", small)).contains("other").contains(small);
    }

    @Test
    void appendedEventsReadBackEqualAndInOrder() {
        List<RunEvent> events = EventsAccess.oneOfEach("r-1");
        try (JournalStore.Appender appender = store().open("r-1")) {
            events.forEach(appender::append);
        }
        StoredJournal journal = store().read("r-1");
        assertThat(journal.events()).containsExactlyElementsOf(events);
        assertThat(journal.runId()).isEqualTo("r-1");
        assertThat(journal.tornTail()).isFalse();
        assertThat(journal.integrity().isChanged()).isFalse();
        assertThat(journal.location()).contains("r-1");
    }

    @Test
    void eventsAreReadableWhileTheRunIsStillAppending() {
        List<RunEvent> events = EventsAccess.oneOfEach("live");
        JournalStore.Appender appender = store().open("live");
        appender.append(events.get(0));
        appender.append(events.get(1));
        assertThat(store().read("live").events()).containsExactlyElementsOf(events.subList(0, 2));
        assertThat(store().read("live", 2).collectList().block()).containsExactly(events.get(1));
        appender.close();
    }

    @Test
    void runsAreListedAndKnown() {
        for (String id : List.of("a", "b", "c")) {
            try (JournalStore.Appender appender = store().open(id)) {
                appender.append(EventsAccess.oneOfEach(id).get(0));
            }
        }
        assertThat(store().runIds()).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(store().contains("b")).isTrue();
        assertThat(store().contains("nope")).isFalse();
    }

    @Test
    void readingARunTheStoreDoesNotHoldNamesIt() {
        assertThatThrownBy(() -> store().read("missing")).isInstanceOf(JournalException.class).hasMessageContaining("missing");
    }

    @Test
    void aContinuedJournalKeepsItsEarlierEventsAndStaysIntact() {
        List<RunEvent> events = EventsAccess.oneOfEach("r-2");
        try (JournalStore.Appender appender = store().open("r-2")) {
            events.subList(0, 3).forEach(appender::append);
        }
        JournalStore later = reopened();
        opened.add(later);
        try (JournalStore.Appender appender = later.open("r-2")) {
            events.subList(3, events.size()).forEach(appender::append);
        }
        JournalStore third = reopened();
        opened.add(third);
        StoredJournal journal = third.read("r-2");
        assertThat(journal.events()).containsExactlyElementsOf(events);
        assertThat(journal.integrity().isChanged()).isFalse();
    }

    @Test
    void concurrentRunsEachReadBackTheirOwnEvents() throws Exception {
        int runs = 32;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                String id = "c-" + i;
                done.add(pool.submit(() -> {
                    try (JournalStore.Appender appender = store().open(id)) {
                        EventsAccess.oneOfEach(id).forEach(appender::append);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        JournalStore fresh = reopened();
        opened.add(fresh);
        for (int i = 0; i < runs; i++) {
            String id = "c-" + i;
            StoredJournal journal = fresh.read(id);
            assertThat(journal.events()).hasSize(EventsAccess.oneOfEach(id).size()).allMatch(e -> e.runId().equals(id));
            assertThat(journal.integrity().isChanged()).as(id).isFalse();
        }
    }
}
