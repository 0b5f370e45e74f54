package dev.cadre.temporal.internal;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Heartbeats of the calling activity while it works, at a third of its heartbeat timeout (at most every 5 s): a worker
 * lost mid-call is noticed within the timeout and the call is retried on another.
 */
public final class Heartbeats implements AutoCloseable {

    static final Duration MOST = Duration.ofSeconds(5);

    private final ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cadre-activity-heartbeats");
        t.setDaemon(true);
        return t;
    });

    /** Starts beating for the current activity; cancel the returned future when the call is done. */
    ScheduledFuture<?> start() {
        ActivityExecutionContext context = Activity.getExecutionContext();
        Duration timeout = context.getInfo().getHeartbeatTimeout();
        long every = timeout == null || timeout.isZero() ? MOST.toMillis() : Math.max(100, Math.min(MOST.toMillis(), timeout.toMillis() / 3));
        return beats.scheduleAtFixedRate(() -> {
            try {
                context.heartbeat(null);
            } catch (RuntimeException e) {
                // cancelled or the worker is shutting down: the call's own outcome decides
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        beats.shutdownNow();
    }
}
