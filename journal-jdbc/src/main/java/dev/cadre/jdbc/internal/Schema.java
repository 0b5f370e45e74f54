package dev.cadre.jdbc.internal;

import dev.cadre.orchestrator.journal.JournalException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The journal's tables, created or migrated when a store starts: each migration is applied once, in order, in one
 * transaction that holds an advisory lock, so workers starting together on an empty database do not race. A database
 * whose schema is newer than this Cadre's is refused (an older worker must not write into it).
 */
public final class Schema {

    /** Runs: one row per run, and when it was last appended (retention goes by it). */
    public static final String RUNS = "cadre_journal_runs";
    /** Events: one row per event, the same line (JSON and chained MAC) a local journal keeps. */
    public static final String EVENTS = "cadre_journal_events";
    /** Payloads: content a run keeps beside its journal, by run and SHA-256; removed with the run (ON DELETE CASCADE). */
    public static final String PAYLOADS = "cadre_journal_payloads";
    static final String VERSIONS = "cadre_journal_schema";
    private static final long LOCK = 0x63616472654a4cL; // "cadreJL"

    /** Migration n+1 is element n; append new ones, never change an old one. */
    static final List<String> MIGRATIONS = List.of(
            "CREATE TABLE " + RUNS + " (run_id text PRIMARY KEY, started_at timestamptz NOT NULL DEFAULT now(),"
                    + " updated_at timestamptz NOT NULL DEFAULT now(), ended boolean NOT NULL DEFAULT false);"
                    + " CREATE INDEX " + RUNS + "_retention ON " + RUNS + " (ended, updated_at);"
                    + " CREATE TABLE " + EVENTS + " (run_id text NOT NULL REFERENCES " + RUNS + " (run_id) ON DELETE CASCADE,"
                    + " seq bigint NOT NULL, line text NOT NULL, mac text NOT NULL, PRIMARY KEY (run_id, seq))",
            "CREATE TABLE " + PAYLOADS + " (run_id text NOT NULL REFERENCES " + RUNS + " (run_id) ON DELETE CASCADE,"
                    + " sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),"
                    + " content bytea NOT NULL CHECK (octet_length(content) <= " + dev.cadre.orchestrator.journal.JournalStore.Payloads.MAX_BYTES + "),"
                    + " PRIMARY KEY (run_id, sha256))");

    private Schema() {}

    /** The schema version this Cadre writes. */
    public static int current() {
        return MIGRATIONS.size();
    }

    /** Creates or migrates the tables on {@code c}; returns the version found before (0 for an empty database). */
    public static int migrate(Connection c, String where) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock(" + LOCK + ")");
            s.execute("CREATE TABLE IF NOT EXISTS " + VERSIONS + " (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
            int found;
            try (ResultSet r = s.executeQuery("SELECT coalesce(max(version), 0) FROM " + VERSIONS)) {
                r.next();
                found = r.getInt(1);
            }
            if (found > current()) {
                throw new JournalException("The journal database " + where + " has schema version " + found
                        + ", newer than this Cadre's (" + current() + "): upgrade Cadre on this machine before it writes there.");
            }
            for (int v = found + 1; v <= current(); v++) {
                s.execute(MIGRATIONS.get(v - 1));
                s.execute("INSERT INTO " + VERSIONS + " (version) VALUES (" + v + ")");
            }
            c.commit();
            return found;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }
}
