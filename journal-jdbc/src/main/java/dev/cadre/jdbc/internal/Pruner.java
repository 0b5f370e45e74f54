package dev.cadre.jdbc.internal;

import dev.cadre.jdbc.Retention;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes finished runs a {@link Retention} does not keep (or those last appended before an instant), at most
 * {@code batch} runs (and their events) per statement; says which runs went, so what they left beside the journal (the
 * Temporal driver's payload files) can go with them.
 */
public final class Pruner {

    private static final String BY_AGE = "DELETE FROM " + Schema.RUNS + " WHERE run_id IN (SELECT run_id FROM " + Schema.RUNS
            + " WHERE ended AND updated_at < now() - make_interval(secs => ?) ORDER BY updated_at LIMIT ?) RETURNING run_id";
    private static final String BY_COUNT = "DELETE FROM " + Schema.RUNS + " WHERE run_id IN (SELECT run_id FROM " + Schema.RUNS
            + " WHERE ended ORDER BY updated_at DESC, run_id OFFSET ? LIMIT ?) RETURNING run_id";
    private static final String BEFORE = "DELETE FROM " + Schema.RUNS + " WHERE run_id IN (SELECT run_id FROM " + Schema.RUNS
            + " WHERE ended AND updated_at < ? ORDER BY updated_at LIMIT ?) RETURNING run_id";
    private static final String WOULD_GO = "SELECT run_id FROM " + Schema.RUNS + " WHERE ended AND updated_at < ? ORDER BY updated_at, run_id";

    private Pruner() {}

    /** Removes what {@code retention} does not keep; returns the runs removed. */
    public static List<String> prune(Connection c, Retention retention, int batch) throws SQLException {
        List<String> removed = new ArrayList<>();
        if (retention.maxAge() != null) {
            repeat(c, BY_AGE, retention.maxAge().toMillis() / 1000.0, batch, removed);
        }
        if (retention.maxRuns() > 0) {
            repeat(c, BY_COUNT, retention.maxRuns(), batch, removed);
        }
        return removed;
    }

    /** Removes the finished runs last appended before {@code before} (with {@code dryRun}, only says which); returns them. */
    public static List<String> prune(Connection c, Instant before, boolean dryRun, int batch) throws SQLException {
        List<String> runs = new ArrayList<>();
        if (dryRun) {
            try (PreparedStatement s = c.prepareStatement(WOULD_GO)) {
                s.setTimestamp(1, Timestamp.from(before));
                collect(s, runs);
            }
            return runs;
        }
        repeat(c, BEFORE, Timestamp.from(before), batch, runs);
        return runs;
    }

    private static void repeat(Connection c, String sql, Object first, int batch, List<String> removed) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            while (true) {
                s.setObject(1, first);
                s.setInt(2, batch);
                if (collect(s, removed) < batch) {
                    return;
                }
            }
        }
    }

    private static int collect(PreparedStatement s, List<String> runs) throws SQLException {
        int n = 0;
        try (ResultSet r = s.executeQuery()) {
            while (r.next()) {
                runs.add(r.getString(1));
                n++;
            }
        }
        return n;
    }
}
