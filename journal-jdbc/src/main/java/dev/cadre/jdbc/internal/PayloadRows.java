package dev.cadre.jdbc.internal;

import dev.cadre.orchestrator.journal.JournalException;
import dev.cadre.orchestrator.journal.JournalStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Runs' payloads as rows of {@link Schema#PAYLOADS}: one row per run and SHA-256 of the content, written once (keeping
 * the same content again changes nothing), read back only with the run id that kept it and refused when the bytes no
 * longer have their hash. A run's rows are removed with its row (retention and {@code prune} delete runs, and the
 * database removes their payloads in the same statement).
 */
public final class PayloadRows implements JournalStore.Payloads {

    /** PostgreSQL's SQL state of a foreign key violation: the run has no row. */
    private static final String NO_RUN = "23503";
    private static final String PUT = "INSERT INTO " + Schema.PAYLOADS + " (run_id, sha256, content) VALUES (?, ?, ?)"
            + " ON CONFLICT (run_id, sha256) DO NOTHING";
    private static final String STORED_HASH = "SELECT encode(sha256(content), 'hex') FROM " + Schema.PAYLOADS
            + " WHERE run_id = ? AND sha256 = ?";
    private static final String GET = "SELECT content FROM " + Schema.PAYLOADS + " WHERE run_id = ? AND sha256 = ?";
    private static final String REMOVE = "DELETE FROM " + Schema.PAYLOADS + " WHERE run_id = ?";

    private final ConnectionPool pool;
    private final String where;

    public PayloadRows(ConnectionPool pool, String where) {
        this.pool = pool;
        this.where = where;
    }

    /**
     * Keeps {@code content} for {@code runId}, a run the store holds (its payloads go with it); when a row of that name is
     * there already, the database checks that its bytes still have their hash.
     */
    @Override
    public String put(String runId, byte[] content) {
        JournalStore.Payloads.requireSize(runId, content);
        String hash = JournalStore.Payloads.sha256(content);
        return pool.with("keep a payload of run '" + runId + "'", c -> {
            try (PreparedStatement s = c.prepareStatement(PUT)) {
                s.setString(1, runId);
                s.setString(2, hash);
                s.setBytes(3, content);
                if (s.executeUpdate() == 1) {
                    return hash;
                }
            } catch (SQLException e) {
                if (NO_RUN.equals(e.getSQLState())) {
                    throw new JournalException("Run '" + runId + "' has no journal in " + where + ": a payload is kept only for a run"
                            + " the store holds, so that it goes with the run.", e);
                }
                throw e;
            }
            try (PreparedStatement s = c.prepareStatement(STORED_HASH)) {
                s.setString(1, runId);
                s.setString(2, hash);
                try (ResultSet r = s.executeQuery()) {
                    if (r.next() && !hash.equals(r.getString(1))) {
                        throw changed(runId, hash);
                    }
                }
            }
            return hash;
        });
    }

    @Override
    public Optional<byte[]> get(String runId, String sha256) {
        byte[] content = pool.with("read a payload of run '" + runId + "'", c -> {
            try (PreparedStatement s = c.prepareStatement(GET)) {
                s.setString(1, runId);
                s.setString(2, sha256);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? r.getBytes(1) : null;
                }
            }
        });
        if (content == null) {
            return Optional.empty();
        }
        if (!JournalStore.Payloads.sha256(content).equals(sha256)) {
            throw changed(runId, sha256);
        }
        return Optional.of(content);
    }

    @Override
    public int remove(String runId) {
        return pool.with("remove the payloads of run '" + runId + "'", c -> {
            try (PreparedStatement s = c.prepareStatement(REMOVE)) {
                s.setString(1, runId);
                return s.executeUpdate();
            }
        });
    }

    @Override
    public String location(String runId, String sha256) {
        return where + " (run " + runId + ", payload " + sha256 + ")";
    }

    private JournalException changed(String runId, String sha256) {
        return new JournalException("The payload " + sha256 + " of run '" + runId + "' in " + where + " was changed since it was written.");
    }
}
