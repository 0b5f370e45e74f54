package dev.cadre.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.api.EventsAccess;
import dev.cadre.api.RunEvent;
import dev.cadre.orchestrator.journal.JournalChangedException;
import dev.cadre.orchestrator.journal.JournalException;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.orchestrator.journal.JournalStore;
import dev.cadre.orchestrator.journal.StoredJournal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the PostgreSQL store adds to the JournalStore contract, against a real PostgreSQL ({@link PostgresExtension}). */
class JdbcJournalStoreTest {

    static final JournalKey KEY = JournalKey.generate();
    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();
    String url;
    final List<JournalStore> opened = new ArrayList<>();

    @BeforeEach
    void newDatabase() throws Exception {
        url = POSTGRES.newDatabase();
    }

    @AfterEach
    void closeStores() {
        opened.forEach(JournalStore::close);
    }

    JdbcJournalStore store(JdbcJournalBuilder builder) {
        JdbcJournalStore store = builder.build();
        opened.add(store);
        return store;
    }

    JdbcJournalStore store() {
        return store(JdbcJournalStore.builder(url).key(KEY).pageSize(4));
    }

    void write(JournalStore store, String runId, int events) {
        try (JournalStore.Appender appender = store.open(runId)) {
            EventsAccess.oneOfEach(runId).subList(0, events).forEach(appender::append);
        }
    }

    void sql(String statement) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    @Test
    void two_machines_share_the_journal_one_appending_the_other_reading_live() {
        JdbcJournalStore worker = store();
        JdbcJournalStore console = store();
        List<RunEvent> events = EventsAccess.oneOfEach("shared");
        JournalStore.Appender appender = worker.open("shared");
        events.subList(0, 5).forEach(appender::append);
        assertThat(console.runIds()).containsExactly("shared");
        assertThat(console.read("shared").events()).containsExactlyElementsOf(events.subList(0, 5));
        events.subList(5, events.size()).forEach(appender::append);
        appender.close();
        assertThat(console.read("shared", 3).collectList().block()).containsExactlyElementsOf(events.subList(2, events.size()));
    }

    @Test
    void an_edited_row_reads_as_changed_at_its_line_and_the_run_cannot_be_continued() throws SQLException {
        write(store(), "victim", 8);
        write(store(), "bystander", 8);
        sql("UPDATE cadre_journal_events SET line = replace(line, 'A.java', 'B.java') WHERE run_id = 'victim' AND seq = 7");
        StoredJournal victim = store().read("victim");
        assertThat(victim.integrity().isChanged()).isTrue();
        assertThat(victim.integrity().line()).isEqualTo(7);
        JournalStore.Appender writer = store().open("late");
        EventsAccess.oneOfEach("late").subList(0, 3).forEach(writer::append);
        sql("UPDATE cadre_journal_events SET mac = 'x' || mac WHERE run_id = 'late' AND seq = 3");
        assertThat(writer.changedSinceWritten()).as("its last row was edited").isTrue();
        assertThat(victim.integrity().describe(victim.location())).contains("was changed at line 7");
        assertThat(store().read("bystander").integrity().isIntact()).isTrue();
        assertThatThrownBy(() -> store().open("victim")).isInstanceOf(JournalChangedException.class).hasMessageContaining("cannot be continued");
        assertThatThrownBy(() -> store().read("victim", 6).collectList().block()).isInstanceOf(JournalChangedException.class);
    }

    @Test
    void a_removed_row_a_moved_row_and_another_key_read_as_changed() throws SQLException {
        write(store(), "gap", 8);
        sql("DELETE FROM cadre_journal_events WHERE run_id = 'gap' AND seq = 3");
        assertThat(store().read("gap").integrity().describe("gap")).contains("line 3").contains("event #3 is missing");

        write(store(), "a", 4);
        write(store(), "b", 4);
        sql("UPDATE cadre_journal_events SET run_id = 'a', seq = 5 WHERE run_id = 'b' AND seq = 4");
        assertThat(store().read("a").integrity().describe("a")).contains("line 5").contains("of run 'b'");

        StoredJournal otherKey = store(JdbcJournalStore.builder(url).key(JournalKey.generate())).read("b");
        assertThat(otherKey.integrity().isChanged()).isTrue();
        assertThat(otherKey.integrity().line()).isEqualTo(1);
    }

    @Test
    void an_event_appended_twice_is_refused_and_the_journal_keeps_the_first() {
        List<RunEvent> events = EventsAccess.oneOfEach("twice");
        JournalStore.Appender appender = store().open("twice");
        appender.append(events.get(0));
        appender.append(events.get(1));
        assertThatThrownBy(() -> appender.append(events.get(1))).isInstanceOf(JournalException.class)
                .hasMessageContaining("already has event #2").hasMessageContaining("appended twice");
        // a second writer of the same run (another worker that opened it too)
        JournalStore.Appender other = store().open("twice");
        appender.append(events.get(2));
        for (RunEvent next : events.subList(2, 4)) {
            assertThatThrownBy(() -> other.append(next)).isInstanceOf(JournalException.class)
                    .hasMessageContaining("appended by another writer since this one opened it");
        }
        assertThat(appender.changedSinceWritten()).isFalse();
        assertThat(other.changedSinceWritten()).as("the other writer's view is stale").isTrue();
        assertThat(store().read("twice").events()).containsExactlyElementsOf(events.subList(0, 3));
        assertThat(store().read("twice").integrity().isIntact()).isTrue();
    }

    @Test
    void workers_starting_together_on_an_empty_database_create_the_tables_once() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<JdbcJournalStore>> starts = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                starts.add(pool.submit((Callable<JdbcJournalStore>) () -> JdbcJournalStore.builder(url).key(KEY).build()));
            }
            for (Future<JdbcJournalStore> start : starts) {
                opened.add(start.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        write(opened.get(0), "r", 3);
        assertThat(opened.get(3).read("r").events()).hasSize(3);
    }

    @Test
    void a_database_of_a_newer_cadre_is_refused_with_one_sentence() throws SQLException {
        store();
        sql("INSERT INTO cadre_journal_schema (version) VALUES (99)");
        assertThatThrownBy(this::store).isInstanceOf(JournalException.class)
                .hasMessageContaining("schema version 99, newer than this Cadre's (2)").hasMessageContaining("upgrade Cadre");
    }

    @Test
    void retention_removes_finished_runs_by_age_and_by_count_in_bounded_batches_and_keeps_unfinished_ones() throws SQLException {
        JdbcJournalStore store = store();
        int all = EventsAccess.oneOfEach("x").size();
        for (int i = 1; i <= 7; i++) {
            write(store, "done-" + i, all);
        }
        write(store, "waiting", 9);
        sql("UPDATE cadre_journal_runs SET updated_at = now() - interval '40 days' WHERE run_id IN ('done-1', 'done-2', 'done-3', 'waiting')");
        for (int i = 4; i <= 7; i++) {
            sql("UPDATE cadre_journal_runs SET updated_at = now() - interval '" + (10 - i) + " hours' WHERE run_id = 'done-" + i + "'");
        }
        assertThat(store.prune(Retention.olderThan(Duration.ofDays(30)))).isEqualTo(3);
        assertThat(store.runIds()).containsExactlyInAnyOrder("done-4", "done-5", "done-6", "done-7", "waiting");
        // at start, as configured; with pages of one run, so removing three takes several statements
        JdbcJournalStore restarted = store(JdbcJournalStore.builder(url).key(KEY).pageSize(1).retention(Retention.latest(1)));
        assertThat(restarted.runIds()).containsExactlyInAnyOrder("done-7", "waiting");
        assertThat(restarted.read("waiting").events()).hasSize(9);
        assertThat(rows("done-4")).isZero();
    }

    @Test
    void pruning_runs_last_appended_before_an_instant_says_which_went_and_keeps_unfinished_ones() throws SQLException {
        List<String> removed = new ArrayList<>();
        JdbcJournalStore store = store(JdbcJournalStore.builder(url).key(KEY).pageSize(1).whenRemoved(removed::add));
        int all = EventsAccess.oneOfEach("x").size();
        write(store, "old-1", all);
        write(store, "old-2", all);
        write(store, "new", all);
        write(store, "waiting", 9);
        sql("UPDATE cadre_journal_runs SET updated_at = now() - interval '40 days' WHERE run_id IN ('old-1', 'old-2', 'waiting')");
        java.time.Instant before = java.time.Instant.now().minus(Duration.ofDays(30));
        assertThat(store.prune(before, true)).containsExactlyInAnyOrder("old-1", "old-2");
        assertThat(removed).as("a dry run removes nothing").isEmpty();
        assertThat(store.runIds()).hasSize(4);
        assertThat(store.prune(before, false)).containsExactlyInAnyOrder("old-1", "old-2");
        assertThat(removed).containsExactlyInAnyOrder("old-1", "old-2");
        assertThat(store.runIds()).containsExactlyInAnyOrder("new", "waiting");
        assertThat(store.prune(Retention.latest(1))).isZero();
        assertThat(removed).hasSize(2);
    }

    @Test
    void an_exported_journal_is_the_local_line_format_and_verifies_under_the_shared_key(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        List<RunEvent> events = EventsAccess.oneOfEach("exported");
        write(store(), "exported", events.size());
        java.nio.file.Path file = dir.resolve("exported.jsonl");
        try (var out = java.nio.file.Files.newOutputStream(file)) {
            store().export("exported", out);
        }
        var read = dev.cadre.orchestrator.journal.JournalReader.read(file, KEY);
        assertThat(read.integrity().isIntact()).as(read.integrity().describe(file.toString())).isTrue();
        assertThat(read.events()).containsExactlyElementsOf(events);
        assertThat(dev.cadre.orchestrator.journal.JournalReader.read(file, JournalKey.generate()).integrity().isChanged()).isTrue();
        assertThatThrownBy(() -> store().export("none", java.io.OutputStream.nullOutputStream())).isInstanceOf(JournalException.class)
                .hasMessageContaining("no journal of run 'none'");
    }

    @Test
    void payloads_are_rows_of_their_run_refused_when_changed_and_removed_with_the_run_by_prune_and_retention() throws SQLException {
        JdbcJournalStore store = store();
        int all = EventsAccess.oneOfEach("x").size();
        write(store, "old", all);
        write(store, "waiting", 9);
        JournalStore.Payloads payloads = store.payloads().orElseThrow();
        byte[] result = "r".repeat(5_000_000).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String big = payloads.put("old", result);
        String request = payloads.put("old", "{\"messages\":[]}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String kept = payloads.put("waiting", result);
        assertThat(kept).as("content-addressed: the same name in each run").isEqualTo(big);
        assertThat(payloads.get("old", big).orElseThrow()).isEqualTo(result);
        assertThat(count("cadre_journal_payloads", "old")).isEqualTo(2);

        assertThatThrownBy(() -> payloads.put("never-journaled", new byte[] {1})).isInstanceOf(JournalException.class)
                .hasMessageContaining("Run 'never-journaled' has no journal in").hasMessageContaining("a payload is kept only for a run the store holds");

        sql("UPDATE cadre_journal_payloads SET content = 'forged'::bytea WHERE run_id = 'old' AND sha256 = '" + request + "'");
        assertThatThrownBy(() -> payloads.get("old", request)).isInstanceOf(JournalException.class)
                .hasMessageContaining("The payload " + request + " of run 'old' in").hasMessageEndingWith("was changed since it was written.");
        assertThatThrownBy(() -> payloads.put("old", "{\"messages\":[]}".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .as("keeping it again finds the forged row").isInstanceOf(JournalException.class).hasMessageContaining("was changed");
        assertThatThrownBy(() -> sql("INSERT INTO cadre_journal_payloads VALUES ('old', 'not-a-hash', 'x'::bytea)"))
                .as("the table takes only hash names").isInstanceOf(SQLException.class);

        sql("UPDATE cadre_journal_runs SET updated_at = now() - interval '40 days' WHERE run_id IN ('old', 'waiting')");
        assertThat(store.prune(java.time.Instant.now().minus(Duration.ofDays(30)), false)).containsExactly("old");
        assertThat(count("cadre_journal_payloads", "old")).as("removed with the run, in the same statement").isZero();
        assertThat(payloads.get("waiting", kept)).as("a run that has not ended keeps its payloads").isPresent();
        write(store, "done", all);
        payloads.put("done", result);
        sql("UPDATE cadre_journal_runs SET updated_at = now() - interval '40 days' WHERE run_id = 'done'");
        assertThat(store.prune(Retention.olderThan(Duration.ofDays(30)))).isEqualTo(1);
        assertThat(count("cadre_journal_payloads", "done")).as("and by the retention").isZero();
    }

    @Test
    void a_database_of_the_first_schema_gains_the_payload_table_and_keeps_its_runs() throws SQLException {
        write(store(), "before", 3);
        sql("DROP TABLE cadre_journal_payloads");
        sql("DELETE FROM cadre_journal_schema WHERE version = 2");
        JdbcJournalStore upgraded = store();
        assertThat(upgraded.read("before").events()).hasSize(3);
        String hash = upgraded.payloads().orElseThrow().put("before", new byte[] {7});
        assertThat(upgraded.payloads().orElseThrow().get("before", hash)).isPresent();
    }

    long count(String table, String runId) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
                var r = s.executeQuery("SELECT count(*) FROM " + table + " WHERE run_id = '" + runId + "'")) {
            r.next();
            return r.getLong(1);
        }
    }

    long rows(String runId) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
                var r = s.executeQuery("SELECT count(*) FROM cadre_journal_events WHERE run_id = '" + runId + "'")) {
            r.next();
            return r.getLong(1);
        }
    }

    @Test
    void reading_from_a_sequence_number_pages_through_the_rows() {
        List<RunEvent> events = EventsAccess.oneOfEach("paged");
        write(store(), "paged", events.size());
        for (long from : List.of(1L, 4L, 5L, 9L, 16L, 17L)) {
            assertThat(store().read("paged", from).collectList().block()).as("from " + from)
                    .containsExactlyElementsOf(events.subList((int) from - 1, events.size()));
        }
        assertThat(store().read("paged", 2).take(3).collectList().block()).containsExactlyElementsOf(events.subList(1, 4));
    }

    @Test
    void bad_settings_are_one_sentence_and_never_show_the_password() {
        assertThatThrownBy(() -> JdbcJournalStore.builder("postgres://db/cadre?password=s3cret"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(
                        "The journal URL 'postgres://db/cadre' is not a PostgreSQL JDBC URL: write jdbc:postgresql://host:port/database.");
        assertThatThrownBy(() -> JdbcJournalStore.builder(url).build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs the journal key every worker shares");
        JdbcJournalStore store = store(JdbcJournalStore.builder(url + "&password=s3cret").key(KEY));
        assertThat(store.location("r")).doesNotContain("s3cret").contains("/t").endsWith("(run r)");
        String unreachable = "jdbc:postgresql://127.0.0.1:1/none?password=s3cret";
        assertThatThrownBy(() -> JdbcJournalStore.builder(unreachable).key(KEY).build()).isInstanceOf(JournalException.class)
                .hasMessageStartingWith("Cannot create or migrate the journal tables in the journal database jdbc:postgresql://127.0.0.1:1/none:")
                .message().doesNotContain("s3cret");
    }
}
