package dev.cadre.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One thing an eval case checks after a run. Checks on the answer read the run's output, or the field
 * {@code field} of a JSON output (e.g. {@code answer} of {@code {"answer": "42", "reasons": "..."}}); the others read
 * the workspace afterwards or what the run used. Every check is deterministic: none asks a model.
 */
public sealed interface Check {

    /** The check's name in eval files and reports: {@code equals}, {@code regex}, {@code json_schema}, ... */
    String kind();

    /** The answer is {@code expected}; {@code normalise} ignores case, surrounding space and quotes, repeated space and a final period. */
    record Equals(String expected, boolean normalise, String field) implements Check {
        public Equals {
            Objects.requireNonNull(expected, "expected");
        }

        @Override
        public String kind() {
            return "equals";
        }
    }

    /** The answer contains a match of {@code pattern}. */
    record Matches(Pattern pattern, String field) implements Check {
        public Matches {
            Objects.requireNonNull(pattern, "pattern");
        }

        @Override
        public String kind() {
            return "regex";
        }
    }

    /** The answer is JSON valid against {@code schema} (draft 2020-12 unless it says otherwise). */
    record JsonSchema(JsonNode schema, String field) implements Check {
        public JsonSchema {
            Objects.requireNonNull(schema, "schema");
        }

        @Override
        public String kind() {
            return "json_schema";
        }
    }

    /** The first number in the answer is within {@code tolerance} of {@code expected}. */
    record Numeric(BigDecimal expected, BigDecimal tolerance, String field) implements Check {
        public Numeric {
            Objects.requireNonNull(expected, "expected");
            tolerance = tolerance == null ? BigDecimal.ZERO : tolerance;
            if (tolerance.signum() < 0) {
                throw new IllegalArgumentException("A numeric check's tolerance is " + tolerance + ": it must be 0 or more.");
            }
        }

        @Override
        public String kind() {
            return "number";
        }
    }

    /** Each command exits 0 in the workspace after the run (e.g. the project's tests), run by the tools' command runner. */
    record CommandsPass(List<String> commands) implements Check {
        public CommandsPass {
            commands = List.copyOf(commands);
            if (commands.isEmpty()) {
                throw new IllegalArgumentException("A commands_pass check names no command.");
            }
        }

        @Override
        public String kind() {
            return "commands_pass";
        }
    }

    /** Each glob matches at least one file the run added, changed or deleted in the workspace. */
    record FilesChanged(List<String> globs) implements Check {
        public FilesChanged {
            globs = List.copyOf(globs);
        }

        @Override
        public String kind() {
            return "files_changed";
        }
    }

    /** No file matching these globs was added, changed or deleted by the run (e.g. the tests themselves). */
    record FilesUnchanged(List<String> globs) implements Check {
        public FilesUnchanged {
            globs = List.copyOf(globs);
        }

        @Override
        public String kind() {
            return "files_unchanged";
        }
    }

    /**
     * The run stayed within these limits ({@code null}: no limit): input plus output tokens, cost (from the price
     * table), agents' steps, model calls. A check, not a budget: the run is not stopped, it fails the check.
     */
    record Limits(Long maxTokens, BigDecimal maxCost, Long maxSteps, Long maxModelCalls) implements Check {
        @Override
        public String kind() {
            return "limits";
        }
    }
}
