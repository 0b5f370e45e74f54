package dev.cadre.jdbc;

import dev.cadre.api.RunEvent;
import dev.cadre.jdbc.internal.ConnectionPool;
import dev.cadre.jdbc.internal.EventLines;
import dev.cadre.jdbc.internal.NotifyTokens;
import dev.cadre.jdbc.internal.PayloadRows;
import dev.cadre.jdbc.internal.Pruner;
import dev.cadre.jdbc.internal.RunRows;
import dev.cadre.jdbc.internal.Schema;
import dev.cadre.jdbc.internal.Sql;
import dev.cadre.orchestrator.journal.JournalChangedException;
import dev.cadre.orchestrator.journal.JournalException;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.orchestrator.journal.JournalStore;
import dev.cadre.orchestrator.journal.StoredJournal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * A {@link JournalStore} on PostgreSQL, shared by every machine that runs a crew's workers: each event one row, with
 * the chained MAC a local journal's line carries, under a key the workers share by configuration (see
 * docs/journal.md). The tables are created or migrated when the store starts; finished runs are removed by a
 * {@link Retention}. Reads go in pages of a bounded number of rows.
 *
 * <pre>{@code
 * JdbcJournalStore store = JdbcJournalStore.builder("jdbc:postgresql://db.internal:5432/cadre")
 *     .user("cadre").password(System.getenv("CADRE_JOURNAL_PASSWORD"))
 *     .key(JournalKey.of(sharedKeyBytes))
 *     .retention(Retention.olderThan(Duration.ofDays(30)))
 *     .build();
 * }</pre>
 *
 * <p>One writer appends a run at a time: an event appended twice, or a run appended by two writers at once, is refused
 * with a {@link JournalException} that says so, and the journal keeps the first.
 *
 * <p>Just over 300 lines: the whole JournalStore contract on one pool (open, append, read in pages, export, prune, live tokens,
 * retention hooks); the SQL itself is in {@code internal} ({@code RunRows}, {@code EventLines}, {@code Pruner}).
 */
public final class JdbcJournalStore implements JournalStore {

    private static final String EXISTS = "SELECT 1 FROM " + Schema.RUNS + " WHERE run_id = ?";
    private static final String RUN_IDS = "SELECT run_id FROM " + Schema.RUNS + " ORDER BY started_at, run_id";
    private static final String TOUCH_RUN = "INSERT INTO " + Schema.RUNS + " AS r (run_id, ended) VALUES (?, ?)"
            + " ON CONFLICT (run_id) DO UPDATE SET updated_at = now(), ended = r.ended OR EXCLUDED.ended";
    private static final String APPEND = "INSERT INTO " + Schema.EVENTS + " (run_id, seq, line, mac) SELECT ?, ?, ?, ?"
            + " WHERE NOT EXISTS (SELECT 1 FROM " + Schema.EVENTS + " WHERE run_id = ? AND seq > ?)";

    private static final String LAST = "SELECT seq, mac FROM " + Schema.EVENTS + " WHERE run_id = ? ORDER BY seq DESC LIMIT 1";

    private final String where;
    private final JournalKey key;
    private final ConnectionPool pool;
    private final int pageSize;
    private final java.util.function.Consumer<String> whenRemoved;
    private final PayloadRows payloads;
    private final NotifyTokens liveTokens;

    JdbcJournalStore(JdbcJournalBuilder b, ConnectionPool pool) {
        this.where = b.where();
        this.key = b.key();
        this.pool = pool;
        this.pageSize = b.pageSize();
        this.whenRemoved = b.whenRemoved();
        this.payloads = new PayloadRows(pool, where);
        this.liveTokens = new NotifyTokens(pool, where);
    }

    /** A store on the PostgreSQL database at {@code url} ({@code jdbc:postgresql://host:port/database}). */
    public static JdbcJournalBuilder builder(String url) {
        return new JdbcJournalBuilder(url);
    }

    /** Creates or migrates the tables and applies {@code retention}; called by the builder. */
    void start(Retention retention) {
        pool.with("create or migrate the journal tables", c -> Schema.migrate(c, where));
        prune(retention);
    }

    /** Removes the finished runs {@code retention} does not keep, a bounded batch at a time; returns how many. */
    public int prune(Retention retention) {
        if (retention.keepsAll()) {
            return 0;
        }
        return removed(pool.with("remove old runs", c -> Pruner.prune(c, retention, pageSize))).size();
    }

    /**
     * Removes the finished runs whose last event was appended before {@code before} ({@code cadre runs prune}); with
     * {@code dryRun} nothing is removed. Runs that have not ended (running, or waiting on a human) stay. Returns the
     * runs removed (or that would be).
     */
    public List<String> prune(java.time.Instant before, boolean dryRun) {
        List<String> runs = pool.with("remove old runs", c -> Pruner.prune(c, before, dryRun, pageSize));
        return dryRun ? runs : removed(runs);
    }

    private List<String> removed(List<String> runs) {
        runs.forEach(whenRemoved);
        return runs;
    }

    /**
     * Writes the journal of {@code runId} to {@code out} as JSON Lines, each row as the line a local journal keeps (the
     * event's JSON with its chained {@code mac} field last, the same code the row carries), a page of rows at a time:
     * a file that {@code cadre runs verify FILE} and {@code cadre replay FILE} check under this store's key.
     */
    @Override
    public void export(String runId, java.io.OutputStream out) throws java.io.IOException {
        if (!contains(runId)) {
            throw new JournalException("There is no journal of run '" + runId + "' in " + where + ".");
        }
        long next = 1;
        while (true) {
            long from = next;
            List<EventLines.Row> page = pool.with("read a journal", c -> RunRows.rows(c, runId, from, pageSize));
            for (EventLines.Row row : page) {
                out.write(row.line());
            }
            if (page.size() < pageSize) {
                out.flush();
                return;
            }
            next += page.size();
        }
    }

    @Override
    public Appender open(String runId) {
        if (runId.isEmpty()) {
            throw new IllegalArgumentException("A run id for journal " + where + " must not be empty.");
        }
        RunRows rows = RunRows.fromStart(key, runId, location(runId));
        if (contains(runId)) {
            readAll(rows);
            if (rows.integrity().isChanged()) {
                throw new JournalChangedException(rows.integrity().describe(location(runId)) + " It cannot be continued.", rows.integrity());
            }
        }
        return new JdbcAppender(runId, rows.head(), rows.lastSeq());
    }

    @Override
    public boolean contains(String runId) {
        return pool.with("look up run '" + runId + "'", c -> {
            try (PreparedStatement s = c.prepareStatement(EXISTS)) {
                s.setString(1, runId);
                try (ResultSet r = s.executeQuery()) {
                    return r.next();
                }
            }
        });
    }

    @Override
    public StoredJournal read(String runId) {
        if (!contains(runId)) {
            throw new JournalException("There is no journal of run '" + runId + "' in " + where + ".");
        }
        RunRows rows = RunRows.fromStart(key, runId, location(runId));
        List<RunEvent> events = readAll(rows);
        return new StoredJournal(runId, location(runId), events, false, rows.integrity());
    }

    private List<RunEvent> readAll(RunRows rows) {
        List<RunEvent> events = new ArrayList<>();
        while (true) {
            List<RunEvent> page = pool.with("read a journal", c -> rows.next(c, pageSize));
            events.addAll(page);
            if (page.size() < pageSize) {
                return events;
            }
        }
    }

    /**
     * The events of {@code runId} from {@code fromSeq} on, read a page at a time as they are requested (at most one
     * page in memory ahead), on a bounded-elastic thread. A row that does not verify ends the flux with a
     * {@link JournalChangedException}.
     */
    @Override
    public Flux<RunEvent> read(String runId, long fromSeq) {
        String location = location(runId);
        return Flux.defer(() -> {
            RunRows rows = pool.with("read a journal", c -> RunRows.from(c, key, runId, location, fromSeq));
            return Flux.<List<RunEvent>>generate(sink -> {
                List<RunEvent> page = pool.with("read a journal", c -> rows.next(c, pageSize));
                if (rows.integrity().isChanged()) {
                    sink.error(new JournalChangedException(rows.integrity().describe(location), rows.integrity()));
                } else if (page.isEmpty()) {
                    sink.complete();
                } else {
                    sink.next(page);
                }
            }).concatMapIterable(page -> page, 1);
        }).subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public List<String> runIds() {
        return pool.with("list runs", c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(RUN_IDS); ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    ids.add(r.getString(1));
                }
            }
            return ids;
        });
    }

    /**
     * Payloads in the table {@code cadre_journal_payloads}, by run and SHA-256: kept only for a run this store holds, and
     * removed with it by {@link #prune} and the retention, in the same statement.
     */
    @Override
    public java.util.Optional<Payloads> payloads() {
        return java.util.Optional.of(payloads);
    }

    /**
     * Streamed tokens through PostgreSQL's LISTEN/NOTIFY ({@code NotifyTokens}): every process with a store on this
     * database sees the tokens another publishes for the runs it subscribes to; nothing is stored.
     */
    @Override
    public java.util.Optional<dev.cadre.orchestrator.journal.LiveTokens> liveTokens() {
        return java.util.Optional.of(liveTokens);
    }

    @Override
    public String location(String runId) {
        return where + " (run " + runId + ")";
    }

    @Override
    public void close() {
        liveTokens.close();
        pool.close();
    }

    /** Appends one run: each event one transaction that also marks the run as touched (and ended, at its end). */
    private final class JdbcAppender implements Appender {
        private final String runId;
        private final EventLines lines = new EventLines(key);
        private String previous;
        private long lastSeq;

        JdbcAppender(String runId, String previous, long lastSeq) {
            this.runId = runId;
            this.previous = previous;
            this.lastSeq = lastSeq;
        }

        @Override
        public synchronized void append(RunEvent event) {
            if (event.seq() <= lastSeq) {
                throw duplicate(event);
            }
            EventLines.Row row = lines.sign(previous, event, location());
            pool.with("append event #" + event.seq() + " of run '" + runId + "'", c -> insert(c, event, row));
            previous = row.mac();
            lastSeq = event.seq();
        }

        private Void insert(Connection c, RunEvent event, EventLines.Row row) throws SQLException {
            c.setAutoCommit(false);
            try (PreparedStatement touch = c.prepareStatement(TOUCH_RUN); PreparedStatement append = c.prepareStatement(APPEND)) {
                touch.setString(1, runId);
                touch.setBoolean(2, event.isTerminal());
                touch.executeUpdate();
                append.setString(1, runId);
                append.setLong(2, event.seq());
                append.setString(3, row.json());
                append.setString(4, row.mac());
                append.setString(5, runId);
                append.setLong(6, lastSeq);
                if (append.executeUpdate() == 0) {
                    c.rollback();
                    throw new JournalException("Run '" + runId + "' was appended by another writer since this one opened it in "
                            + where + ": event #" + event.seq() + " is not appended (one writer appends a run at a time).");
                }
                c.commit();
                return null;
            } catch (SQLException e) {
                c.rollback();
                if (Sql.UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw duplicate(event);
                }
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }

        private JournalException duplicate(RunEvent event) {
            return new JournalException("Run '" + runId + "' already has event #" + event.seq() + " in " + where
                    + ": it was appended twice, or by two writers at once; the journal keeps the first.");
        }

        /** Whether the run's last row is no longer the one this appender wrote last (rows removed, edited or added). */
        @Override
        public synchronized boolean changedSinceWritten() {
            return pool.with("check run '" + runId + "'", c -> {
                try (PreparedStatement s = c.prepareStatement(LAST)) {
                    s.setString(1, runId);
                    try (ResultSet r = s.executeQuery()) {
                        return r.next() ? r.getLong(1) != lastSeq || !r.getString(2).equals(previous) : lastSeq != 0;
                    }
                }
            });
        }

        @Override
        public String location() {
            return JdbcJournalStore.this.location(runId);
        }

        @Override
        public void close() {
            // each append is its own transaction: nothing of this run's is held
        }
    }
}
