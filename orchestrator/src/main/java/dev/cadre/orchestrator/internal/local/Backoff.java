package dev.cadre.orchestrator.internal.local;

import dev.cadre.api.crew.RetryPolicy;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/** Transport retries of the local driver: exponential backoff with jitter, at least what the provider asked for. */
final class Backoff {

    /** Told before each retry. */
    interface Listener {
        void retrying(Throwable error, long attempt, Duration wait);
    }

    private Backoff() {}

    /** Retries under {@code policy}, the waits timed on {@code timer}. */
    static Retry of(RetryPolicy policy, reactor.core.scheduler.Scheduler timer, Listener listener) {
        return Retry.from(signals -> signals.concatMap(signal -> {
            Throwable error = signal.failure();
            long attempt = signal.totalRetries();
            if (!Transient.isTransient(error) || attempt >= policy.maxRetries()) {
                return Mono.error(error);
            }
            long base = Math.min(policy.maxBackoff().toMillis(), policy.firstBackoff().toMillis() * (1L << Math.min(attempt, 20)));
            long jitter = (long) (base * policy.jitter() * ThreadLocalRandom.current().nextDouble());
            Duration wait = Duration.ofMillis(base + jitter);
            Duration asked = Transient.retryAfter(error).orElse(Duration.ZERO);
            if (asked.compareTo(wait) > 0) {
                wait = asked;
            }
            listener.retrying(error, attempt, wait);
            return Mono.delay(wait, timer);
        }));
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        String name = e.getClass().getSimpleName();
        return message == null || message.isBlank() ? name : message.contains(name) ? message : name + ": " + message;
    }
}
