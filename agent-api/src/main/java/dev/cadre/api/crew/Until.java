package dev.cadre.api.crew;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.CadreJson;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/** When a loop stops, checked after each iteration. Conditions compose with {@link #and} and {@link #or}. */
public sealed interface Until permits Until.Verdict, Until.TextContains, Until.Iterations, Until.Tokens, Until.Time,
        Until.And, Until.Or {

    /** What a condition can look at after an iteration. */
    record LoopState(int iteration, Map<String, String> outputs, long tokensUsed, Duration elapsed) {}

    boolean holds(LoopState state);

    /** Says what holds, for the loop's outcome. */
    String describe();

    /** The JSON output named {@code output} has {@code field} equal to {@code value} (case-insensitive), e.g. verdict APPROVED. */
    record Verdict(String output, String field, String value) implements Until {
        public boolean holds(LoopState s) {
            String text = s.outputs().get(output);
            if (text == null) {
                return false;
            }
            try {
                JsonNode node = CadreJson.mapper().readTree(text);
                JsonNode v = node == null ? null : node.get(field);
                return v != null && v.isValueNode() && v.asText().strip().equalsIgnoreCase(value);
            } catch (Exception e) {
                return false;
            }
        }

        public String describe() {
            return output + "." + field + " is " + value;
        }
    }

    /** The output named {@code output} contains {@code text}. */
    record TextContains(String output, String text) implements Until {
        public boolean holds(LoopState s) {
            String out = s.outputs().get(output);
            return out != null && out.contains(text);
        }

        public String describe() {
            return output + " contains '" + text + "'";
        }
    }

    /** At least {@code count} iterations ran. */
    record Iterations(int count) implements Until {
        public boolean holds(LoopState s) {
            return s.iteration() >= count;
        }

        public String describe() {
            return count + " iterations ran";
        }
    }

    /** The loop used at least {@code max} tokens. */
    record Tokens(long max) implements Until {
        public boolean holds(LoopState s) {
            return s.tokensUsed() >= max;
        }

        public String describe() {
            return "the loop used " + max + " tokens";
        }
    }

    /** The loop ran for at least {@code max}. */
    record Time(Duration max) implements Until {
        public boolean holds(LoopState s) {
            return s.elapsed().compareTo(max) >= 0;
        }

        public String describe() {
            return "the loop ran for " + max;
        }
    }

    record And(Until left, Until right) implements Until {
        public boolean holds(LoopState s) {
            return left.holds(s) && right.holds(s);
        }

        public String describe() {
            return "(" + left.describe() + " and " + right.describe() + ")";
        }
    }

    record Or(Until left, Until right) implements Until {
        public boolean holds(LoopState s) {
            return left.holds(s) || right.holds(s);
        }

        public String describe() {
            return "(" + left.describe() + " or " + right.describe() + ")";
        }
    }

    default Until and(Until other) {
        return new And(this, Objects.requireNonNull(other));
    }

    default Until or(Until other) {
        return new Or(this, Objects.requireNonNull(other));
    }

    static Until verdict(String output, String field, String value) {
        return new Verdict(output, field, value);
    }

    static Until textContains(String output, String text) {
        return new TextContains(output, text);
    }

    static Until iterations(int count) {
        return new Iterations(count);
    }

    static Until tokens(long max) {
        return new Tokens(max);
    }

    static Until time(Duration max) {
        return new Time(max);
    }
}
