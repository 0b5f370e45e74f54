package dev.cadre.jdbc.internal;

import dev.cadre.orchestrator.journal.JournalException;
import java.sql.SQLException;

/** SQL errors as journal errors: one sentence naming the operation and the database. */
public final class Sql {

    /** PostgreSQL's SQL state of a unique or primary key violation. */
    public static final String UNIQUE_VIOLATION = "23505";

    private Sql() {}

    public static JournalException failure(String what, String where, SQLException e) {
        String state = e.getSQLState() == null ? "" : " (SQL state " + e.getSQLState() + ")";
        return new JournalException("Cannot " + what + " in the journal database " + where + ": " + firstLine(e.getMessage()) + state + ".", e);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
