package dev.cadre.api.crew;

import java.time.Duration;

/**
 * Retries of transient model errors (timeouts, 429, 5xx, connection resets) with exponential backoff and jitter;
 * a provider's Retry-After is honoured as the least wait. Other errors fail the step at once. Tools are never
 * retried by the orchestrator: a side effect must not happen twice.
 */
public record RetryPolicy(int maxRetries, Duration firstBackoff, Duration maxBackoff, double jitter) {
    public static final RetryPolicy DEFAULT = new RetryPolicy(3, Duration.ofMillis(500), Duration.ofSeconds(30), 0.5);
    public static final RetryPolicy NONE = new RetryPolicy(0, Duration.ZERO, Duration.ZERO, 0);

    public RetryPolicy {
        if (maxRetries < 0 || jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException("Retry policy needs maxRetries >= 0 and jitter between 0 and 1.");
        }
    }
}
