package dev.cadre.jdbc.internal;

import dev.cadre.api.RunEvent;
import dev.cadre.orchestrator.journal.JournalIntegrity;
import dev.cadre.orchestrator.journal.JournalKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one run's rows in order, a page (at most {@code limit} rows, one query) at a time, and checks them as it goes:
 * sequence numbers from 1 without gaps, each row's run id, and the chain of MACs. Remembers the first row that does
 * not verify; its line number is the event's position in the journal, as in a local journal.
 */
public final class RunRows {

    private static final String PAGE = "SELECT seq, line, mac FROM " + Schema.EVENTS + " WHERE run_id = ? AND seq >= ? ORDER BY seq LIMIT ?";
    private static final String MAC_BEFORE = "SELECT mac FROM " + Schema.EVENTS + " WHERE run_id = ? AND seq = ?";

    private final EventLines lines;
    private final String runId;
    private final String where;
    private String previous;
    private long next;
    private JournalIntegrity changed;

    private RunRows(JournalKey key, String runId, String where, long from, String previous) {
        this.lines = new EventLines(key);
        this.runId = runId;
        this.where = where;
        this.next = from;
        this.previous = previous;
    }

    /** The rows of {@code runId} from the first. */
    public static RunRows fromStart(JournalKey key, String runId, String where) {
        return new RunRows(key, runId, where, 1, null);
    }

    /** The rows of {@code runId} from {@code fromSeq}, their chain checked from the MAC of the row before. */
    public static RunRows from(Connection c, JournalKey key, String runId, String where, long fromSeq) throws SQLException {
        if (fromSeq <= 1) {
            return fromStart(key, runId, where);
        }
        String before = null;
        try (PreparedStatement s = c.prepareStatement(MAC_BEFORE)) {
            s.setString(1, runId);
            s.setLong(2, fromSeq - 1);
            try (ResultSet r = s.executeQuery()) {
                if (r.next()) {
                    before = r.getString(1);
                }
            }
        }
        RunRows rows = new RunRows(key, runId, where, fromSeq, before);
        if (before == null) {
            rows.changed = changedAt(fromSeq - 1, "event #" + (fromSeq - 1) + " is missing");
        }
        return rows;
    }

    /** The rows of {@code runId} from {@code fromSeq} on, at most {@code limit}, as stored (unchecked: for export). */
    public static List<EventLines.Row> rows(Connection c, String runId, long fromSeq, int limit) throws SQLException {
        List<EventLines.Row> rows = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(PAGE)) {
            s.setString(1, runId);
            s.setLong(2, fromSeq);
            s.setInt(3, limit);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.add(new EventLines.Row(r.getString(2), r.getString(3)));
                }
            }
        }
        return rows;
    }

    /** The next page of events (empty at the end). */
    public List<RunEvent> next(Connection c, int limit) throws SQLException {
        List<RunEvent> events = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(PAGE)) {
            s.setString(1, runId);
            s.setLong(2, next);
            s.setInt(3, limit);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    events.add(accept(r.getLong(1), new EventLines.Row(r.getString(2), r.getString(3))));
                }
            }
        }
        return events;
    }

    private RunEvent accept(long seq, EventLines.Row row) {
        RunEvent event = lines.event(row.json(), where, seq);
        if (changed == null) {
            if (seq != next) {
                changed = changedAt(next, next == seq - 1 ? "event #" + next + " is missing" : "events #" + next + " to #" + (seq - 1) + " are missing");
            } else if (!runId.equals(event.runId()) || event.seq() != seq) {
                changed = changedAt(seq, "the row holds event #" + event.seq() + " of run '" + event.runId() + "'");
            } else if (!lines.verifies(previous, row)) {
                changed = changedAt(seq, "its authentication code does not match (a row was edited, inserted, removed or forged,"
                        + " or the journal was written with another key)");
            }
        }
        previous = row.mac();
        next = seq + 1;
        return event;
    }

    private static JournalIntegrity changedAt(long line, String detail) {
        return new JournalIntegrity(JournalIntegrity.Status.CHANGED, (int) Math.min(line, Integer.MAX_VALUE), detail);
    }

    /** What checking the rows read so far found. */
    public JournalIntegrity integrity() {
        return changed != null ? changed : new JournalIntegrity(JournalIntegrity.Status.INTACT, 0, "");
    }

    /** The MAC of the last row read (null before any), which the next appended row chains to. */
    public String head() {
        return previous;
    }

    /** The sequence number of the last row read (0 before any). */
    public long lastSeq() {
        return next - 1;
    }
}
