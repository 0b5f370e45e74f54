package dev.cadre.jdbc.internal;

import dev.cadre.jdbc.Retention;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Removes finished runs a {@link Retention} does not keep, at most {@code batch} runs (and their events) per statement. */
public final class Pruner {

    private static final String BY_AGE = "DELETE FROM " + Schema.RUNS + " WHERE run_id IN (SELECT run_id FROM " + Schema.RUNS
            + " WHERE ended AND updated_at < now() - make_interval(secs => ?) ORDER BY updated_at LIMIT ?)";
    private static final String BY_COUNT = "DELETE FROM " + Schema.RUNS + " WHERE run_id IN (SELECT run_id FROM " + Schema.RUNS
            + " WHERE ended ORDER BY updated_at DESC, run_id OFFSET ? LIMIT ?)";

    private Pruner() {}

    /** Removes what {@code retention} does not keep; returns how many runs were removed. */
    public static int prune(Connection c, Retention retention, int batch) throws SQLException {
        int removed = 0;
        if (retention.maxAge() != null) {
            removed += repeat(c, BY_AGE, retention.maxAge().toMillis() / 1000.0, batch);
        }
        if (retention.maxRuns() > 0) {
            removed += repeat(c, BY_COUNT, retention.maxRuns(), batch);
        }
        return removed;
    }

    private static int repeat(Connection c, String sql, Object first, int batch) throws SQLException {
        int total = 0;
        try (PreparedStatement s = c.prepareStatement(sql)) {
            while (true) {
                s.setObject(1, first);
                s.setInt(2, batch);
                int n = s.executeUpdate();
                total += n;
                if (n < batch) {
                    return total;
                }
            }
        }
    }
}
