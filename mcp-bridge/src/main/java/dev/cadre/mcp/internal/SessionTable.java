package dev.cadre.mcp.internal;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The MCP HTTP sessions this server has open, as {@link HttpGuard} sees them: each session's last use and its requests
 * in flight (an open event stream counts until it ends). A session unused for the idle timeout, with nothing in
 * flight, is expired: its id is no longer accepted (the guard answers 404, so the client initializes again) and,
 * since no request of it reaches the SDK any more, the SDK's session sweeper (run at the same interval) closes and
 * drops the SDK's own session within one more interval. At most {@code max} sessions are open or being initialized
 * at once; an {@code initialize} beyond that is refused rather than evicting a session another client may be using.
 */
public final class SessionTable {

    private final int max;
    private final long idleNanos;
    private final LongSupplier clock;
    private final Map<String, Use> sessions = new ConcurrentHashMap<>();
    private int initializing;

    /** One session's use; guarded by itself. */
    private static final class Use {
        long lastUsed;
        int inFlight;

        Use(long now) {
            lastUsed = now;
        }
    }

    public SessionTable(int max, Duration idleTimeout, LongSupplier clock) {
        this.max = max;
        this.idleNanos = idleTimeout.toNanos();
        this.clock = clock;
    }

    public int max() {
        return max;
    }

    /** Whether {@code id} is an open session; when it is, one more of its requests is in flight until {@link #end}. */
    public boolean begin(String id) {
        Use use = sessions.get(id);
        if (use == null) {
            return false;
        }
        synchronized (use) {
            long now = clock.getAsLong();
            if (expired(use, now)) {
                sessions.remove(id, use);
                return false;
            }
            use.inFlight++;
            use.lastUsed = now;
            return true;
        }
    }

    /** One request of {@code id} (begun with {@link #begin}) has ended. */
    public void end(String id) {
        Use use = sessions.get(id);
        if (use != null) {
            synchronized (use) {
                use.inFlight = Math.max(0, use.inFlight - 1);
                use.lastUsed = clock.getAsLong();
            }
        }
    }

    /** Holds a place for a session being initialized: false when {@code max} are open (after dropping expired ones). */
    public synchronized boolean reserve() {
        if (sessions.size() + initializing >= max) {
            expire();
        }
        if (sessions.size() + initializing >= max) {
            return false;
        }
        initializing++;
        return true;
    }

    /** The session initialized in the place {@link #reserve} held. */
    public synchronized void opened(String id) {
        initializing = Math.max(0, initializing - 1);
        sessions.put(id, new Use(clock.getAsLong()));
    }

    /** The place {@link #reserve} held was not used (the initialize failed). */
    public synchronized void released() {
        initializing = Math.max(0, initializing - 1);
    }

    /** The client closed {@code id} (DELETE). */
    public void closed(String id) {
        sessions.remove(id);
    }

    /** Sessions open now, expired ones dropped. */
    public synchronized int open() {
        expire();
        return sessions.size();
    }

    private void expire() {
        long now = clock.getAsLong();
        sessions.values().removeIf(use -> {
            synchronized (use) {
                return expired(use, now);
            }
        });
    }

    private boolean expired(Use use, long now) {
        return use.inFlight == 0 && now - use.lastUsed >= idleNanos;
    }
}
