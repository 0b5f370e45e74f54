package dev.cadre.orchestrator.redaction.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.RunEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How the redactor's walk finds the strings of a record: every string it can hold, and nothing else. */
class RecordStringsTest {

    enum Kind { A, B }

    record Numbers(long seq, int turn, boolean error, double score, Long boxed, Kind kind, Instant at, Duration took) {}

    record Inner(String text) {}

    record Outer(long seq, List<Inner> items, Map<String, Object> byName, Set<String> tags, Inner direct) {}

    @Test
    void aRecordOfNumbersFlagsEnumsAndTimesHoldsNoString() {
        List<String> seen = new ArrayList<>();
        Numbers numbers = new Numbers(7, 2, true, 0.5, 9L, Kind.B, Instant.EPOCH, Duration.ofSeconds(3));
        assertThat(RecordStrings.anyMatch(numbers, s -> seen.add(s))).isFalse();
        assertThat(seen).isEmpty();
    }

    @Test
    void everyStringOfNestedRecordsListsMapsAndSetsIsTestedInOrderUntilOneMatches() {
        Outer outer = new Outer(1, List.of(new Inner("a"), new Inner("b")), Map.of("key", new Inner("c")), Set.of("d"), new Inner("e"));
        List<String> seen = new ArrayList<>();
        assertThat(RecordStrings.anyMatch(outer, s -> !seen.add(s))).isFalse();
        assertThat(seen).containsExactly("a", "b", "key", "c", "d", "e");
        assertThat(RecordStrings.anyMatch(outer, "c"::equals)).isTrue();
        assertThat(RecordStrings.anyMatch(outer, "z"::equals)).isFalse();
    }

    @Test
    void anEventsStringsAreFoundAndAnUnknownTypeOrDeepNestingTakesTheExactPath() {
        RunEvent event = new RunEvent.ToolReturned("r", "s", 3, Instant.EPOCH, "coder", 1, "c1", "read", "sk-secret", false, true);
        assertThat(RecordStrings.anyMatch(event, s -> s.startsWith("sk-"))).isTrue();
        assertThat(RecordStrings.anyMatch(event, s -> s.startsWith("xx"))).isFalse();
        assertThat(RecordStrings.anyMatch(new Inner(null), s -> true)).isFalse();
        assertThat(RecordStrings.anyMatch(new StringBuilder("x"), s -> false)).isTrue();
        Object deep = "x";
        for (int i = 0; i < 20; i++) {
            deep = List.of(deep);
        }
        assertThat(RecordStrings.anyMatch(deep, s -> false)).isTrue();
    }
}
