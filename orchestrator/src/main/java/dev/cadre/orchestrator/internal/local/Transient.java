package dev.cadre.orchestrator.internal.local;

import dev.cadre.api.RetryAfter;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.exception.RetriableException;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Which model errors are worth retrying (timeouts, 429, 5xx, connection resets), and how long the provider asked to wait. */
final class Transient {

    private static final Pattern RETRY_AFTER = Pattern.compile(
            "(?i)(?:retry-after:?\\s*|retry after\\s+|try again in\\s+)(\\d+(?:\\.\\d+)?)\\s*(ms|s|sec|secs|seconds?)?");

    private Transient() {}

    static boolean isTransient(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof NonRetriableException) {
                return false;
            }
            if (e instanceof RetriableException || e instanceof RetryAfter) {
                return true;
            }
            if (e instanceof HttpException http) {
                return http.statusCode() == 408 || http.statusCode() == 429 || http.statusCode() >= 500;
            }
            if (e instanceof java.util.concurrent.TimeoutException || e instanceof java.net.SocketTimeoutException
                    || e instanceof java.net.http.HttpTimeoutException || e instanceof java.net.ConnectException) {
                return true;
            }
            if (e instanceof IOException io && io.getMessage() != null
                    && (io.getMessage().contains("reset") || io.getMessage().contains("closed") || io.getMessage().contains("EOF"))) {
                return true;
            }
            String message = e.getMessage();
            if (message != null && message.matches("(?s)^\\s*(429|500|502|503|504)\\b.*")) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code error} is a provider's 429 (too many requests). */
    static boolean isRateLimited(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof dev.langchain4j.exception.RateLimitException
                    || (e instanceof HttpException http && http.statusCode() == 429)) {
                return true;
            }
            if (e.getMessage() != null && e.getMessage().matches("(?s)^\\s*429\\b.*")) {
                return true;
            }
        }
        return false;
    }

    /** The wait a provider asked for, from a {@link RetryAfter} exception or a "retry after 2 seconds" message. */
    static Optional<Duration> retryAfter(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof RetryAfter r && r.retryAfter() != null) {
                return Optional.of(r.retryAfter());
            }
            if (e.getMessage() != null) {
                Matcher m = RETRY_AFTER.matcher(e.getMessage());
                if (m.find()) {
                    double amount = Double.parseDouble(m.group(1));
                    boolean millis = "ms".equalsIgnoreCase(m.group(2));
                    return Optional.of(Duration.ofMillis((long) (millis ? amount : amount * 1000)));
                }
            }
        }
        return Optional.empty();
    }
}
