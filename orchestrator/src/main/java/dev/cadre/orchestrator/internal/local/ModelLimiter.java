package dev.cadre.orchestrator.internal.local;

import dev.cadre.api.RateLimit;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;

/**
 * One model's shared rate limit: every call to the model, from every run of the orchestrator, is admitted here first.
 * The last 61 seconds are counted in one-second slots (calls and tokens), so no 60-second window ever holds more calls
 * than the limit; tokens are reserved from an estimate and trued up from the usage the provider reports. A call that
 * cannot go now waits in a bounded first-in first-out queue; one timer on the scheduler (no thread per waiter) wakes
 * the queue when the head can go. A 429 or a provider's "nothing remaining" pauses every call to the model together.
 * Lock held only for the counting, never across a call.
 */
final class ModelLimiter {

    /** The current second and the 60 before it: any 60-second window falls within them. */
    private static final int SLOTS = 61;
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    /** Told when a call has to wait: why, for about how long, and how many calls wait before it. */
    interface WaitListener {
        void waiting(String reason, Duration expected, int ahead);
    }

    /** What an admitted call took: its slot's second and the tokens reserved. */
    record Permit(long second, long tokens) {}

    private record Waiter(MonoSink<Permit> sink, long tokens) {}

    private final String model;
    private final Scheduler timer;
    private final int maxWaiting;
    private final long[] slotSecond = new long[SLOTS];
    private final long[] slotCalls = new long[SLOTS];
    private final long[] slotTokens = new long[SLOTS];
    private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
    private RateLimit limit;
    private long pausedUntil = Long.MIN_VALUE;
    private Disposable wakeUp;
    private long wakeUpAt;

    ModelLimiter(String model, RateLimit limit, Scheduler timer, int maxWaiting) {
        this.model = model;
        this.limit = limit;
        this.timer = timer;
        this.maxWaiting = maxWaiting;
        java.util.Arrays.fill(slotSecond, Long.MIN_VALUE);
    }

    /** Keeps to {@code stricter} as well from now on (the stricter of the two on each side). */
    synchronized void limit(RateLimit stricter) {
        limit = limit == null ? stricter : limit.stricter(stricter);
    }

    synchronized RateLimit limit() {
        return limit;
    }

    /** Whether a call may go at once without being counted: no limit, no pause in force, nobody waiting. */
    synchronized boolean open() {
        return limit == null && now() >= pausedUntil && waiting.isEmpty();
    }

    /** Whether calls must say how many tokens they are about to use. */
    synchronized boolean countsTokens() {
        return limit != null && limit.tokensPerMinute() > 0;
    }

    /** Completes when the call may go, at once when nothing stands in the way; an error when the queue is full. */
    Mono<Permit> admit(long tokens, WaitListener listener) {
        return Mono.create(sink -> {
            Waiter waiter = new Waiter(sink, tokens);
            sink.onCancel(() -> forget(waiter));
            Permit permit = null;
            int ahead;
            String reason;
            long expected;
            synchronized (this) {
                long now = now();
                ahead = waiting.size();
                if (ahead == 0) {
                    permit = take(now, tokens);
                }
                if (permit == null && ahead >= maxWaiting) {
                    sink.error(new IllegalStateException(maxWaiting + " calls already wait for model '" + model
                            + "''s rate limit, the most allowed (Orchestrator.Builder.maxRateLimitWaiters); this call is refused."));
                    return;
                }
                if (permit == null) {
                    waiting.add(waiter);
                    reason = blockedBy(now, tokens);
                    expected = untilFits(now, tokens);
                    schedule(now, untilFits(now, waiting.peek().tokens()));
                } else {
                    reason = null;
                    expected = 0;
                }
            }
            if (permit != null) {
                sink.success(permit);
            } else {
                listener.waiting(reason, Duration.ofNanos(expected), ahead);
            }
        });
    }

    /** The call admitted with {@code permit} used {@code tokens} in all; what it reserved beyond that is given back. */
    void settle(Permit permit, long tokens) {
        boolean freed;
        synchronized (this) {
            int slot = slot(permit.second());
            if (slotSecond[slot] != permit.second()) {
                return;
            }
            slotTokens[slot] += tokens - permit.tokens();
            freed = tokens < permit.tokens() && !waiting.isEmpty();
        }
        if (freed) {
            drain();
        }
    }

    /** Every call to the model waits at least {@code wait} from now (a 429, or a provider saying nothing remains). */
    void pause(Duration wait) {
        synchronized (this) {
            pausedUntil = Math.max(pausedUntil, now() + Math.max(0, wait.toNanos()));
        }
    }

    /** What the provider's response headers say: a limit learned where none is configured, a pause when nothing remains. */
    void observe(ProviderLimits seen) {
        synchronized (this) {
            if (seen.requestsPerMinute() > 0 && (limit == null || limit.requestsPerMinute() == 0)) {
                limit = new RateLimit(Math.min(seen.requestsPerMinute(), RateLimit.MAX_REQUESTS_PER_MINUTE),
                        limit == null ? 0 : limit.tokensPerMinute());
            }
            if (seen.tokensPerMinute() > 0 && (limit == null || limit.tokensPerMinute() == 0)) {
                limit = new RateLimit(limit == null ? 0 : limit.requestsPerMinute(), seen.tokensPerMinute());
            }
        }
        seen.pause().ifPresent(this::pause);
    }

    private void forget(Waiter waiter) {
        synchronized (this) {
            waiting.remove(waiter);
        }
    }

    /** Admits the waiters at the head that may go now, then sets the timer for the next one. */
    private void drain() {
        List<Waiter> go = new ArrayList<>();
        List<Permit> permits = new ArrayList<>();
        synchronized (this) {
            wakeUp = null;
            long now = now();
            while (!waiting.isEmpty()) {
                Permit permit = take(now, waiting.peek().tokens());
                if (permit == null) {
                    break;
                }
                go.add(waiting.poll());
                permits.add(permit);
            }
            if (!waiting.isEmpty()) {
                schedule(now, untilFits(now, waiting.peek().tokens()));
            }
        }
        for (int i = 0; i < go.size(); i++) {
            go.get(i).sink().success(permits.get(i));
        }
    }

    private void schedule(long now, long delay) {
        long at = now + Math.max(delay, TimeUnit.MILLISECONDS.toNanos(1));
        if (wakeUp != null && wakeUpAt <= at) {
            return;
        }
        if (wakeUp != null) {
            wakeUp.dispose();
        }
        wakeUpAt = at;
        wakeUp = timer.schedule(this::drain, at - now, TimeUnit.NANOSECONDS);
    }

    private Permit take(long now, long tokens) {
        if (now < pausedUntil) {
            return null;
        }
        long second = Math.floorDiv(now, SECOND);
        if (limit != null && !fits(second, second, tokens)) {
            return null;
        }
        int slot = slot(second);
        if (slotSecond[slot] != second) {
            slotSecond[slot] = second;
            slotCalls[slot] = 0;
            slotTokens[slot] = 0;
        }
        slotCalls[slot]++;
        slotTokens[slot] += tokens;
        return new Permit(second, tokens);
    }

    private boolean fits(long at, long nowSecond, long tokens) {
        return overLimit(at, nowSecond, tokens) == null;
    }

    /**
     * Which side of the limit a call of {@code tokens} would break in the window ending at second {@code at}, counting
     * what was taken up to second {@code nowSecond}; {@code null} when it fits. A call may always go into a window that
     * holds no tokens, so one larger than the whole limit is not refused for ever.
     */
    private String overLimit(long at, long nowSecond, long tokens) {
        long calls = 0;
        long used = 0;
        for (int i = 0; i < SLOTS; i++) {
            long s = slotSecond[i];
            if (s > at - SLOTS && s <= nowSecond) {
                calls += slotCalls[i];
                used += slotTokens[i];
            }
        }
        if (limit.requestsPerMinute() > 0 && calls + 1 > limit.requestsPerMinute()) {
            return "requests per minute";
        }
        if (limit.tokensPerMinute() > 0 && used > 0 && used + tokens > limit.tokensPerMinute()) {
            return "tokens per minute";
        }
        return null;
    }

    private String blockedBy(long now, long tokens) {
        if (now < pausedUntil) {
            return "the provider asked to wait";
        }
        long second = Math.floorDiv(now, SECOND);
        String over = limit == null ? null : overLimit(second, second, tokens);
        return over != null ? over : "calls waiting before it";
    }

    /** Nanoseconds from {@code now} until a call of {@code tokens} fits (the pause and the window both). */
    private long untilFits(long now, long tokens) {
        if (now < pausedUntil) {
            return pausedUntil - now;
        }
        if (limit == null) {
            return 0;
        }
        long second = Math.floorDiv(now, SECOND);
        for (long at = second; at <= second + SLOTS; at++) {
            if (fits(at, second, tokens)) {
                return Math.max(0, at * SECOND - now);
            }
        }
        return SLOTS * SECOND;
    }

    private long now() {
        return timer.now(TimeUnit.NANOSECONDS);
    }

    private static int slot(long second) {
        return (int) Math.floorMod(second, (long) SLOTS);
    }
}
