package dev.cadre.tools.internal;

import dev.cadre.tools.WorkspaceException;
import java.time.Duration;

/** A point in time a piece of work must finish by; {@link #check()} refuses, with {@code what} in the sentence, after it. */
public record GitDeadline(long endNanos, Duration limit, String what) {

    public static GitDeadline in(Duration limit, String what) {
        return new GitDeadline(System.nanoTime() + limit.toNanos(), limit, what);
    }

    public void check() {
        if (System.nanoTime() - endNanos >= 0) {
            throw new WorkspaceException(what + " did not finish within " + describe(limit)
                    + ": the repository is too large to read in that time.");
        }
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 && !d.isZero() ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
