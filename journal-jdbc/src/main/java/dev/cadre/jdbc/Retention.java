package dev.cadre.jdbc;

import java.time.Duration;

/**
 * Which finished runs a {@link JdbcJournalStore} removes: those last appended more than {@code maxAge} ago, and all but
 * the newest {@code maxRuns}. A run that has not ended (running, or waiting on a human) is never removed.
 *
 * @param maxAge  how long a finished run is kept after its last event; null keeps runs whatever their age
 * @param maxRuns how many finished runs are kept, the newest; 0 keeps any number
 */
public record Retention(Duration maxAge, int maxRuns) {

    /** Keeps every run. */
    public static final Retention KEEP_ALL = new Retention(null, 0);

    public Retention {
        if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
            throw new IllegalArgumentException("A journal retention age must be positive, not " + maxAge + ".");
        }
        if (maxRuns < 0) {
            throw new IllegalArgumentException("A journal retention count must be 0 (no limit) or more, not " + maxRuns + ".");
        }
    }

    /** Finished runs are removed {@code maxAge} after their last event. */
    public static Retention olderThan(Duration maxAge) {
        return new Retention(maxAge, 0);
    }

    /** Only the newest {@code maxRuns} finished runs are kept. */
    public static Retention latest(int maxRuns) {
        return new Retention(null, maxRuns);
    }

    /** Whether this keeps every run. */
    public boolean keepsAll() {
        return maxAge == null && maxRuns == 0;
    }
}
