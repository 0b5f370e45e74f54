package dev.cadre.tools.internal;

import dev.cadre.tools.WorkspaceException;
import java.time.Duration;

/**
 * When a long tool call (a search, a glob) must stop: at a time limit, or as soon as its caller cancels it. Loops
 * call {@link #check()}; regular expressions run over {@link #guard(CharSequence)}, whose {@code charAt} checks, so
 * even a catastrophically backtracking match stops. One deadline belongs to one call (not shared between threads
 * but for {@link #cancel()}).
 */
public final class Deadline {

    private static final int CHECK_EVERY = 1024;

    private final String what;
    private final Duration limit;
    private final long endNanos;
    private volatile boolean cancelled;
    private int countdown = CHECK_EVERY;

    private Deadline(String what, Duration limit) {
        this.what = what;
        this.limit = limit;
        this.endNanos = System.nanoTime() + limit.toNanos();
    }

    /** A deadline for {@code what} (e.g. "workspace_search"), {@code limit} from now. */
    public static Deadline after(String what, Duration limit) {
        return new Deadline(what, limit);
    }

    /** Stops the call at its next check (the caller disposed of it). Safe from any thread. */
    public void cancel() {
        cancelled = true;
    }

    /** Throws {@link Stopped} if the call was cancelled or its time is up. */
    public void check() {
        if (cancelled) {
            throw new Stopped(what + " was cancelled.", true);
        }
        if (System.nanoTime() - endNanos > 0) {
            throw new Stopped(what + " stopped after " + seconds(limit) + ", its time limit (Workspace.searchTimeout);"
                    + " use a simpler regular expression or glob, or search fewer files.", false);
        }
    }

    /** {@code text} for a regular expression to run over: every 1,024th character read checks this deadline. */
    public CharSequence guard(CharSequence text) {
        return new Guarded(text);
    }

    private static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    /** A call stopped at its deadline or on cancel; the message names the limit. */
    public static final class Stopped extends WorkspaceException {
        private final boolean cancelled;

        Stopped(String message, boolean cancelled) {
            super(message);
            this.cancelled = cancelled;
        }

        public boolean cancelled() {
            return cancelled;
        }
    }

    private final class Guarded implements CharSequence {
        private final CharSequence text;

        Guarded(CharSequence text) {
            this.text = text;
        }

        @Override
        public char charAt(int index) {
            if (--countdown <= 0) {
                countdown = CHECK_EVERY;
                check();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Guarded(text.subSequence(start, end));
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }
}
