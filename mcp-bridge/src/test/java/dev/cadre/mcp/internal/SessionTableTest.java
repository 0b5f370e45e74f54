package dev.cadre.mcp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The session table on a clock the test moves: expiry exactly at the idle time, never while in flight, the cap. */
class SessionTableTest {

    private final AtomicLong now = new AtomicLong();
    private final SessionTable table = new SessionTable(2, Duration.ofMinutes(30), now::get);

    private void later(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void aSessionExpiresOnlyAfterTheIdleTimeSinceItsLastUse() {
        assertThat(table.reserve()).isTrue();
        table.opened("a");
        later(Duration.ofMinutes(29));
        assertThat(table.begin("a")).isTrue();
        table.end("a");
        later(Duration.ofMinutes(29));
        assertThat(table.open()).isEqualTo(1);
        later(Duration.ofMinutes(1));
        assertThat(table.begin("a")).isFalse();
        assertThat(table.open()).isZero();
        assertThat(table.begin("never-opened")).isFalse();
    }

    @Test
    void aSessionWithARequestInFlightNeverExpires() {
        table.reserve();
        table.opened("a");
        assertThat(table.begin("a")).isTrue(); // an event stream that stays open
        later(Duration.ofDays(3));
        assertThat(table.open()).isEqualTo(1);
        table.end("a");
        later(Duration.ofMinutes(30));
        assertThat(table.open()).isZero();
    }

    @Test
    void initializesBeyondTheCapAreRefusedUntilOneClosesOrExpires() {
        assertThat(table.reserve()).isTrue();
        assertThat(table.reserve()).isTrue();
        assertThat(table.reserve()).as("two initializing already").isFalse();
        table.opened("a");
        table.released(); // the second initialize failed
        assertThat(table.reserve()).isTrue();
        table.opened("b");
        assertThat(table.reserve()).isFalse();
        table.closed("a");
        assertThat(table.reserve()).isTrue();
        table.opened("c");
        later(Duration.ofMinutes(30));
        assertThat(table.reserve()).as("the idle ones expired to make room").isTrue();
        assertThat(table.open()).isZero();
    }
}
