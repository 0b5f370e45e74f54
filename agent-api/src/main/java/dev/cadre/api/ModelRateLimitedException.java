package dev.cadre.api;

import dev.langchain4j.exception.RateLimitException;
import java.time.Duration;

/** A 429 from a provider, with the wait it asked for (its {@code Retry-After}). */
public class ModelRateLimitedException extends RateLimitException implements RetryAfter {
    private final Duration retryAfter;

    public ModelRateLimitedException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    @Override
    public Duration retryAfter() {
        return retryAfter;
    }
}
