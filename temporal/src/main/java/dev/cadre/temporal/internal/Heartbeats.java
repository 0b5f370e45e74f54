package dev.cadre.temporal.internal;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
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
        long every = every(context);
        return beats.scheduleAtFixedRate(() -> {
            try {
                context.heartbeat(null);
            } catch (RuntimeException e) {
                // cancelled or the worker is shutting down: the call's own outcome decides
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Waits for {@code answer} on the current activity's thread, heartbeating at the same pace meanwhile. A cancelled
     * activity (the run was cancelled) or one Temporal no longer waits for is an {@code ActivityCompletionException},
     * thrown here at the next beat; {@code answer}'s own failure is thrown as it is (wrapped when checked). It waits at
     * most the activity's start-to-close timeout (the most Temporal waits for it), then gives up in one sentence.
     */
    static <T> T await(CompletableFuture<T> answer) {
        ActivityExecutionContext context = Activity.getExecutionContext();
        long every = every(context);
        Duration most = context.getInfo().getStartToCloseTimeout();
        long deadline = System.nanoTime() + (most == null || most.isZero() ? Duration.ofMinutes(10) : most).toNanos();
        while (true) {
            try {
                return answer.get(every, TimeUnit.MILLISECONDS);
            } catch (TimeoutException stillWorking) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("The model's streamed answer did not end within the call's "
                            + (most == null || most.isZero() ? "10 min" : most.toSeconds() + " s") + ".");
                }
                context.heartbeat(null);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the model's answer.", e);
            }
        }
    }

    /** A third of the activity's heartbeat timeout, at most {@link #MOST} (and at least 100 ms). */
    private static long every(ActivityExecutionContext context) {
        Duration timeout = context.getInfo().getHeartbeatTimeout();
        return timeout == null || timeout.isZero() ? MOST.toMillis() : Math.max(100, Math.min(MOST.toMillis(), timeout.toMillis() / 3));
    }

    @Override
    public void close() {
        beats.shutdownNow();
    }
}
