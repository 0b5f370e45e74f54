package dev.cadre.temporal.internal;

import dev.cadre.api.crew.RetryPolicy;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/**
 * A crew's model retry policy as Temporal's: the first backoff, doubling up to the longest, {@code maxRetries} retries
 * after the first attempt. Temporal has no jitter setting (its server spreads retries itself); a policy of no retries is
 * one attempt. Errors marked non-retryable (an unknown model, a refused request) are not retried.
 */
final class RetryMapping {

    static final String NON_RETRYABLE = "CadreNonRetryable";

    private RetryMapping() {}

    static RetryOptions models(RetryPolicy policy) {
        Duration first = policy.firstBackoff().isZero() ? Duration.ofMillis(100) : policy.firstBackoff();
        Duration longest = policy.maxBackoff().compareTo(first) < 0 ? first : policy.maxBackoff();
        return RetryOptions.newBuilder().setInitialInterval(first).setMaximumInterval(longest).setBackoffCoefficient(2.0)
                .setMaximumAttempts(policy.maxRetries() + 1).setDoNotRetry(NON_RETRYABLE).build();
    }

    /**
     * Tool calls are retried only when the worker running one is lost (a tool's own failure is an error result for the
     * model, not an activity failure): a retry asks the tool first whether its effect is already there.
     */
    static RetryOptions tools() {
        return RetryOptions.newBuilder().setInitialInterval(Duration.ofSeconds(1)).setMaximumInterval(Duration.ofMinutes(1))
                .setBackoffCoefficient(2.0).setMaximumAttempts(20).build();
    }
}
