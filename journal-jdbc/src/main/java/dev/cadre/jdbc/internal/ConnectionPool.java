package dev.cadre.jdbc.internal;

import dev.cadre.orchestrator.journal.JournalException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * At most {@code max} connections to the journal database, reused: a caller waits at most {@code wait} for one. A
 * connection that failed with a connection error (SQL state class 08) or is closed is dropped, not reused.
 */
public final class ConnectionPool implements AutoCloseable {

    /** Work on one connection. */
    @FunctionalInterface
    public interface Work<T> {
        T on(Connection connection) throws SQLException;
    }

    private final DataSource source;
    private final String where;
    private final int max;
    private final Duration wait;
    private final Semaphore permits;
    private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    public ConnectionPool(DataSource source, String where, int max, Duration wait) {
        this.source = source;
        this.where = where;
        this.max = max;
        this.wait = wait;
        this.permits = new Semaphore(max, true);
    }

    /** Runs {@code work} on a connection in auto-commit mode; {@code what} names the operation in errors. */
    public <T> T with(String what, Work<T> work) {
        if (closed) {
            throw new JournalException("The journal store " + where + " is closed: cannot " + what + ".");
        }
        try {
            if (!permits.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new JournalException("All " + max + " connections to the journal database " + where + " were busy for "
                        + wait.toSeconds() + " s: cannot " + what + " (raise maxConnections).");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JournalException("Interrupted while waiting for a connection to " + where + " to " + what + ".", e);
        }
        Connection connection = null;
        boolean healthy = true;
        try {
            connection = borrow();
            return work.on(connection);
        } catch (SQLException e) {
            healthy = e.getSQLState() == null || !e.getSQLState().startsWith("08");
            throw Sql.failure(what, where, e);
        } finally {
            giveBack(connection, healthy);
            permits.release();
        }
    }

    /**
     * A connection of its own, outside the pool's count, for one long-lived user (the live tokens' LISTEN connection);
     * the caller closes it.
     */
    public Connection dedicated(String what) {
        if (closed) {
            throw new JournalException("The journal store " + where + " is closed: cannot " + what + ".");
        }
        try {
            return source.getConnection();
        } catch (SQLException e) {
            throw Sql.failure(what, where, e);
        }
    }

    private Connection borrow() throws SQLException {
        Connection c;
        while ((c = idle.pollFirst()) != null) {
            if (!c.isClosed()) {
                return c;
            }
        }
        return source.getConnection();
    }

    private void giveBack(Connection connection, boolean healthy) {
        if (connection == null) {
            return;
        }
        try {
            if (healthy && !closed && !connection.isClosed()) {
                if (!connection.getAutoCommit()) {
                    connection.rollback();
                    connection.setAutoCommit(true);
                }
                idle.addFirst(connection);
                return;
            }
            connection.close();
        } catch (SQLException e) {
            quietlyClose(connection);
        }
    }

    @Override
    public void close() {
        closed = true;
        Connection c;
        while ((c = idle.pollFirst()) != null) {
            quietlyClose(c);
        }
    }

    private static void quietlyClose(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // it is being dropped
        }
    }
}
