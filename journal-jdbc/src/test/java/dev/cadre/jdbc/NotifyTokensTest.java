package dev.cadre.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.jdbc.internal.NotifyTokens;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.orchestrator.journal.LiveTokens;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Disposable;

/**
 * Live tokens through LISTEN/NOTIFY on a real PostgreSQL ({@link PostgresExtension}): two stores on one database stand for
 * a worker and the client watching its run on another machine.
 */
class NotifyTokensTest {

    static final JournalKey KEY = JournalKey.generate();
    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();
    String url;
    final List<JdbcJournalStore> opened = new ArrayList<>();

    @BeforeEach
    void newDatabase() throws Exception {
        url = POSTGRES.newDatabase();
    }

    @AfterEach
    void closeStores() {
        opened.forEach(JdbcJournalStore::close);
    }

    JdbcJournalStore store() {
        JdbcJournalStore store = JdbcJournalStore.builder(url).key(KEY).build();
        opened.add(store);
        return store;
    }

    static LiveTokens.Chunk chunk(String runId, String agent, String text) {
        return new LiveTokens.Chunk(runId, "doc/draft", agent, 2, text, Instant.parse("2026-01-02T03:04:05Z"));
    }

    static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 10 s for %s", what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void aChunkPublishedByOneStoreReachesTheSubscribersOfItsRunInAnotherAndNothingIsStored() throws Exception {
        JdbcJournalStore worker = store();
        JdbcJournalStore client = store();
        NotifyTokens watching = (NotifyTokens) client.liveTokens().orElseThrow();
        List<LiveTokens.Chunk> seen = new CopyOnWriteArrayList<>();
        List<LiveTokens.Chunk> other = new CopyOnWriteArrayList<>();
        Disposable run = watching.subscribe("run-1").subscribe(seen::add);
        Disposable otherRun = watching.subscribe("run-2").subscribe(other::add);
        await("the LISTEN of run-1", () -> watching.listening("run-1") && watching.listening("run-2"));

        for (String token : List.of("Quokkas ", "cross ", "fjords.")) {
            worker.liveTokens().orElseThrow().publish(chunk("run-1", "drafter", token));
        }
        await("three chunks", () -> seen.size() == 3);

        assertThat(seen).extracting(LiveTokens.Chunk::text).containsExactly("Quokkas ", "cross ", "fjords.");
        assertThat(seen.get(0)).isEqualTo(chunk("run-1", "drafter", "Quokkas "));
        assertThat(other).isEmpty();
        assertThat(client.runIds()).isEmpty();
        assertThat(client.contains("run-1")).isFalse();
        assertThat(rows()).as("rows in the store's tables").isZero();
        run.dispose();
        otherRun.dispose();
        await("the UNLISTEN of run-1", () -> !watching.listening("run-1"));
    }

    @Test
    void aChunkTooLargeForOneNotificationGoesInPiecesEachUnderTheLimit() throws Exception {
        JdbcJournalStore worker = store();
        JdbcJournalStore client = store();
        NotifyTokens watching = (NotifyTokens) client.liveTokens().orElseThrow();
        List<LiveTokens.Chunk> seen = new CopyOnWriteArrayList<>();
        Disposable run = watching.subscribe("run-1").subscribe(seen::add);
        await("the LISTEN of run-1", () -> watching.listening("run-1"));
        // a long agent name and characters JSON writes as \\u0001: a 1000-character chunk is over 9000 bytes of payload
        String agent = "a".repeat(3000);
        String text = "\u0001".repeat(2500) + "end";

        worker.liveTokens().orElseThrow().publish(chunk("run-1", agent, text));
        await("the whole text", () -> String.join("", seen.stream().map(LiveTokens.Chunk::text).toList()).equals(text));

        assertThat(seen).hasSizeGreaterThan(3).allSatisfy(c -> assertThat(c.agent()).isEqualTo(agent));
        run.dispose();
    }

    @Test
    void aSubscriberGetsOnlyWhatIsPublishedOnceItListensAndTheStoreClosesItsListener() throws Exception {
        JdbcJournalStore worker = store();
        JdbcJournalStore client = store();
        worker.liveTokens().orElseThrow().publish(chunk("run-1", "drafter", "before anyone listened"));
        NotifyTokens watching = (NotifyTokens) client.liveTokens().orElseThrow();
        List<LiveTokens.Chunk> seen = new CopyOnWriteArrayList<>();
        Disposable run = watching.subscribe("run-1").subscribe(seen::add);
        await("the LISTEN of run-1", () -> watching.listening("run-1"));
        worker.liveTokens().orElseThrow().publish(chunk("run-1", "drafter", "after"));
        await("a chunk", () -> !seen.isEmpty());
        assertThat(seen).extracting(LiveTokens.Chunk::text).containsExactly("after");

        client.close();
        await("the listener's connection to close", () -> listeners() == 0);
        run.dispose();
    }

    @Test
    void aLostConnectionDropsChunksForAMomentAndThenTheyComeAgainOnBothSides() throws Exception {
        JdbcJournalStore worker = store();
        JdbcJournalStore client = store();
        LiveTokens sending = worker.liveTokens().orElseThrow();
        NotifyTokens watching = (NotifyTokens) client.liveTokens().orElseThrow();
        List<String> seen = new CopyOnWriteArrayList<>();
        Disposable run = watching.subscribe("run-1").subscribe(c -> seen.add(c.text()));
        await("the LISTEN of run-1", () -> watching.listening("run-1"));
        sending.publish(chunk("run-1", "drafter", "one"));
        await("the first chunk", () -> seen.contains("one"));

        assertThat(terminate("SELECT pg_notify%")).as("the worker's sending connection, killed").isEqualTo(1);
        sending.publish(chunk("run-1", "drafter", "lost"));   // fails quietly: the stream goes on without it
        assertThat(terminate("LISTEN%")).as("the client's listening connection, killed").isEqualTo(1);
        await("a chunk after both connections were lost", () -> {
            sending.publish(chunk("run-1", "drafter", "again"));
            return seen.contains("again");
        });

        assertThat(seen).first().isEqualTo("one");
        assertThat(seen).doesNotContain("lost");
        run.dispose();
    }

    /** Ends the other connections to this database whose last query is like {@code query}; how many. */
    private long terminate(String query) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database()"
                     + " AND query LIKE '" + query + "' AND pid <> pg_backend_pid()")) {
            r.next();
            return r.getLong(1);
        }
    }

    private long rows() throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT (SELECT count(*) FROM cadre_journal_events) + (SELECT count(*) FROM cadre_journal_runs)"
                     + " + (SELECT count(*) FROM cadre_journal_payloads)")) {
            r.next();
            return r.getLong(1);
        }
    }

    /** Connections to this database that LISTEN to a channel. */
    private long listeners() {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                     + " AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()")) {
            r.next();
            return r.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
