package dev.cadre.orchestrator.internal.local;

import dev.cadre.api.ModelRef;
import dev.cadre.api.RateLimit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.scheduler.Scheduler;

/**
 * The shared rate limits of one orchestrator, a {@link ModelLimiter} per model reference, for every agent and run it
 * starts. Models without a configured limit get one too: it learns the provider's limit from its headers and makes
 * every call to the model wait together after a 429. Waits are timed on {@link #timer()}.
 */
public final class RateLimits {

    private final Map<String, ModelLimiter> limiters = new ConcurrentHashMap<>();
    private final Scheduler timer;
    private final int maxWaiting;
    private final ResponseHeaders headers = new ResponseHeaders();

    public RateLimits(Map<String, RateLimit> configured, Scheduler timer, int maxWaiting) {
        if (maxWaiting < 1) {
            throw new IllegalArgumentException("maxRateLimitWaiters is " + maxWaiting + ": it must be at least 1.");
        }
        this.timer = timer;
        this.maxWaiting = maxWaiting;
        add(configured);
    }

    /** Keeps to {@code limits} too (a crew's), the stricter one where a model already has a limit. */
    public void add(Map<String, RateLimit> limits) {
        limits.forEach((model, limit) -> forModel(ModelRef.parse(model).toString()).limit(limit));
    }

    /** The limit a model keeps to now (configured or learned), or {@code null} when it has none. */
    public RateLimit limitOf(String model) {
        ModelLimiter limiter = limiters.get(ModelRef.parse(model).toString());
        return limiter == null ? null : limiter.limit();
    }

    /** Where waits, and the retries' backoff, are timed. */
    public Scheduler timer() {
        return timer;
    }

    ModelLimiter forModel(String model) {
        return limiters.computeIfAbsent(model, m -> new ModelLimiter(m, null, timer, maxWaiting));
    }

    ResponseHeaders headers() {
        return headers;
    }
}
