package dev.cadre.orchestrator;

import dev.cadre.api.crew.Until;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UntilTest {

    static Until.LoopState state(int iteration, String review, long tokens, Duration elapsed) {
        return new Until.LoopState(iteration, review == null ? Map.of() : Map.of("review", review), tokens, elapsed);
    }

    @Test
    void conditionsComposeWithAndAndOr() {
        Until approved = Until.verdict("review", "verdict", "approved");
        Until budget = Until.tokens(1000).or(Until.time(Duration.ofMinutes(5)));
        Until either = approved.or(budget);
        Until both = approved.and(Until.iterations(2));

        assertThat(approved.holds(state(1, "{\"verdict\":\"APPROVED\"}", 0, Duration.ZERO))).isTrue();
        assertThat(approved.holds(state(1, "{\"verdict\":\"CHANGES_REQUESTED\"}", 0, Duration.ZERO))).isFalse();
        assertThat(approved.holds(state(1, "APPROVED (not JSON)", 0, Duration.ZERO))).isFalse();
        assertThat(approved.holds(state(1, null, 0, Duration.ZERO))).isFalse();
        assertThat(either.holds(state(1, "{}", 1500, Duration.ZERO))).isTrue();
        assertThat(either.holds(state(1, "{}", 10, Duration.ofMinutes(6)))).isTrue();
        assertThat(either.holds(state(1, "{}", 10, Duration.ofMinutes(1)))).isFalse();
        assertThat(both.holds(state(1, "{\"verdict\":\"APPROVED\"}", 0, Duration.ZERO))).isFalse();
        assertThat(both.holds(state(2, "{\"verdict\":\"APPROVED\"}", 0, Duration.ZERO))).isTrue();
        assertThat(Until.textContains("review", "LGTM").holds(state(1, "LGTM!", 0, Duration.ZERO))).isTrue();
        assertThat(either.describe()).isEqualTo("(review.verdict is approved or (the loop used 1000 tokens or the loop ran for PT5M))");
    }
}
