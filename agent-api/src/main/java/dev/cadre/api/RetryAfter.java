package dev.cadre.api;

import java.time.Duration;

/**
 * Implemented by model exceptions that know how long the provider asked to wait (an HTTP {@code Retry-After}
 * header); the orchestrator waits at least that long before retrying.
 */
public interface RetryAfter {
    Duration retryAfter();
}
