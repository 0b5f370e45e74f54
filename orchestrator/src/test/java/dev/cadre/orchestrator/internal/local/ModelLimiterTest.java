package dev.cadre.orchestrator.internal.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.api.RateLimit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.test.scheduler.VirtualTimeScheduler;

/** One model's shared limit on virtual time: windows never over the limit, token debt, pauses, a bounded queue. */
class ModelLimiterTest {

    final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    final List<String> waits = new CopyOnWriteArrayList<>();

    ModelLimiter limiter(RateLimit limit, int maxWaiting) {
        return new ModelLimiter("test:model", limit, time, maxWaiting);
    }

    /** Admits {@code calls} calls of {@code tokens} each at once and returns the virtual times (ms) they were let go. */
    List<Long> admitAll(ModelLimiter limiter, int calls, long tokens, Duration advance) {
        List<Long> admitted = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < calls; i++) {
            limiter.admit(tokens, (reason, expected, ahead) -> waits.add(reason))
                    .subscribe(permit -> admitted.add(time.now(TimeUnit.MILLISECONDS)));
        }
        time.advanceTimeBy(advance);
        return admitted;
    }

    @Test
    void noSixtySecondWindowEverHoldsMoreCallsThanTheLimit() {
        time.advanceTimeBy(Duration.ofMillis(400));   // not on a second's edge
        List<Long> admitted = admitAll(limiter(RateLimit.perMinute(7, 0), 1000), 50, 0, Duration.ofMinutes(10));

        assertThat(admitted).hasSize(50).isSorted();
        for (int i = 0; i + 7 < admitted.size(); i++) {
            assertThat(admitted.get(i + 7) - admitted.get(i)).as("calls %d and %d", i, i + 7).isGreaterThanOrEqualTo(60_000);
        }
        assertThat(admitted.subList(0, 7)).allMatch(t -> t == 400);
        assertThat(admitted.get(7)).isLessThanOrEqualTo(400 + 61_000);   // it does not wait much longer than it must
        assertThat(waits).hasSize(43).allMatch("requests per minute"::equals);
    }

    @Test
    void tokensAreReservedFromTheEstimateAndTruedUpFromUsage() {
        ModelLimiter limiter = limiter(RateLimit.perMinute(0, 100), 10);
        AtomicReference<ModelLimiter.Permit> first = new AtomicReference<>();
        limiter.admit(10, (r, e, a) -> {}).subscribe(first::set);
        limiter.settle(first.get(), 100);   // the provider said it used 100: the minute's tokens are gone

        List<Long> admitted = admitAll(limiter, 1, 10, Duration.ofSeconds(59));
        assertThat(admitted).isEmpty();
        assertThat(waits).containsExactly("tokens per minute");
        time.advanceTimeBy(Duration.ofSeconds(3));
        assertThat(admitted).hasSize(1);
    }

    @Test
    void aCallLargerThanTheWholeLimitGoesWhenTheWindowIsEmpty() {
        List<Long> admitted = admitAll(limiter(RateLimit.perMinute(0, 100), 10), 2, 500, Duration.ofMinutes(3));
        assertThat(admitted).hasSize(2);
        assertThat(admitted.get(1) - admitted.get(0)).isGreaterThanOrEqualTo(60_000);
    }

    @Test
    void givingBackAnOverEstimateLetsTheNextCallGoAtOnce() {
        ModelLimiter limiter = limiter(RateLimit.perMinute(0, 100), 10);
        AtomicReference<ModelLimiter.Permit> first = new AtomicReference<>();
        limiter.admit(90, (r, e, a) -> {}).subscribe(first::set);
        List<Long> admitted = admitAll(limiter, 1, 50, Duration.ZERO);
        assertThat(admitted).isEmpty();

        limiter.settle(first.get(), 20);
        assertThat(admitted).containsExactly(0L);
    }

    @Test
    void aPauseHoldsEveryCallUntilItEndsThenTheyGoInOrder() {
        ModelLimiter limiter = limiter(null, 10);
        limiter.pause(Duration.ofSeconds(30));
        List<Integer> order = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            limiter.admit(0, (reason, expected, ahead) -> waits.add(reason + " " + expected.toSeconds() + "s, " + ahead + " ahead"))
                    .subscribe(p -> order.add(n));
        }
        time.advanceTimeBy(Duration.ofSeconds(29));
        assertThat(order).isEmpty();
        assertThat(waits).first().isEqualTo("the provider asked to wait 30s, 0 ahead");
        assertThat(waits).last().isEqualTo("the provider asked to wait 30s, 4 ahead");

        time.advanceTimeBy(Duration.ofSeconds(1));
        assertThat(order).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void theQueueIsBoundedAndACancelledWaiterLeavesIt() {
        ModelLimiter limiter = limiter(RateLimit.perMinute(1, 0), 2);
        limiter.admit(0, (r, e, a) -> {}).subscribe();
        Disposable second = limiter.admit(0, (r, e, a) -> {}).subscribe();
        limiter.admit(0, (r, e, a) -> {}).subscribe();
        AtomicReference<Throwable> refused = new AtomicReference<>();
        limiter.admit(0, (r, e, a) -> {}).subscribe(p -> {}, refused::set);
        assertThat(refused.get()).hasMessage("2 calls already wait for model 'test:model''s rate limit, the most allowed"
                + " (Orchestrator.Builder.maxRateLimitWaiters); this call is refused.");

        second.dispose();
        AtomicReference<Throwable> accepted = new AtomicReference<>();
        limiter.admit(0, (r, e, a) -> {}).subscribe(p -> {}, accepted::set);
        assertThat(accepted.get()).isNull();
    }

    @Test
    void theProvidersHeadersTeachTheLimitAndPauseWhenNothingRemains() {
        ModelLimiter limiter = limiter(null, 10);
        limiter.observe(ProviderLimits.from(Map.of("X-RateLimit-Limit-Requests", List.of("500"),
                "x-ratelimit-limit-tokens", List.of("30000"), "x-ratelimit-remaining-requests", List.of("0"),
                "x-ratelimit-reset-requests", List.of("1m30s"))));
        assertThat(limiter.limit()).isEqualTo(RateLimit.perMinute(500, 30_000));

        List<Long> admitted = admitAll(limiter, 1, 10, Duration.ofSeconds(89));
        assertThat(admitted).isEmpty();
        time.advanceTimeBy(Duration.ofSeconds(1));
        assertThat(admitted).containsExactly(90_000L);
    }

    @Test
    void aConfiguredLimitIsKeptWhenTheHeadersSayMoreAndTheStricterOfTwoConfiguredOnesWins() {
        ModelLimiter limiter = limiter(RateLimit.perMinute(100, 0), 10);
        limiter.observe(ProviderLimits.from(Map.of("x-ratelimit-limit-requests", List.of("500"))));
        limiter.limit(RateLimit.perMinute(200, 5_000));
        assertThat(limiter.limit()).isEqualTo(RateLimit.perMinute(100, 5_000));
    }

    @Test
    void headerDurationsReadAsProvidersWriteThem() {
        assertThat(ProviderLimits.duration("6m0s")).isEqualTo(Duration.ofMinutes(6));
        assertThat(ProviderLimits.duration("20ms")).isEqualTo(Duration.ofMillis(20));
        assertThat(ProviderLimits.duration("1.5")).isEqualTo(Duration.ofMillis(1500));
        assertThat(ProviderLimits.duration("1h2m3.5s")).isEqualTo(Duration.ofHours(1));   // capped at an hour
        assertThat(ProviderLimits.duration("2m3.5s")).isEqualTo(Duration.ofMillis(123_500));
        assertThat(ProviderLimits.duration("soon")).isNull();
        assertThat(ProviderLimits.from(Map.of("retry-after", List.of("7"))).pause()).contains(Duration.ofSeconds(7));
        assertThat(ProviderLimits.from(Map.of("x-ratelimit-remaining-tokens", List.of("12"),
                "x-ratelimit-reset-tokens", List.of("3s"))).pause()).isEmpty();
    }

    @Test
    void misconfiguredLimitsSayWhatIsWrong() {
        assertThatThrownBy(() -> RateLimit.perMinute(0, 0))
                .hasMessage("A rate limit needs requests per minute, tokens per minute or both above 0.");
        assertThatThrownBy(() -> RateLimit.perMinute(-5, 10))
                .hasMessage("A rate limit cannot be negative: requests per minute -5, tokens per minute 10.");
        assertThatThrownBy(() -> new RateLimits(Map.of("gpt-4", RateLimit.perMinute(5, 0)), time, 10))
                .hasMessageContaining("Model reference 'gpt-4' must look like 'provider:model'");
        assertThatThrownBy(() -> new RateLimits(Map.of(), time, 0))
                .hasMessage("maxRateLimitWaiters is 0: it must be at least 1.");
    }
}
