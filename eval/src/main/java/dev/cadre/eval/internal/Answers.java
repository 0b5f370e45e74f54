package dev.cadre.eval.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.CadreJson;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading a run's answer: its output, a field of a JSON output, its JSON, its first number, its normal form. */
final class Answers {

    private static final Pattern NUMBER = Pattern.compile("-?\\d[\\d,]*(?:\\.\\d+)?(?:[eE][-+]?\\d+)?|-?\\.\\d+");

    private Answers() {}

    /** The answer a check reads: the whole output, or the text of {@code field} of the JSON in it. */
    static String answer(String output, String field) {
        if (field == null) {
            return output;
        }
        JsonNode json = json(output).filter(JsonNode::isObject).or(() -> Optional.ofNullable(outermostObject(output))
                .flatMap(Answers::json).filter(JsonNode::isObject)).orElseThrow(() -> new IllegalArgumentException(
                "the output is not a JSON object, so it has no field '" + field + "': " + Checks.shorten(output)));
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("the output's JSON has no field '" + field + "': " + Checks.shorten(output));
        }
        return value.isTextual() ? value.asText() : value.toString();
    }

    /** The output as JSON: all of it, or the outermost {...} in it (models like to wrap JSON in prose or fences). */
    static Optional<JsonNode> json(String output) {
        if (output == null) {
            return Optional.empty();
        }
        for (String candidate : new String[] {output.strip(), outermostObject(output)}) {
            if (candidate == null) {
                continue;
            }
            try {
                return Optional.of(CadreJson.mapper().readTree(candidate));
            } catch (java.io.IOException e) {
                // try the next candidate
            }
        }
        return Optional.empty();
    }

    private static String outermostObject(String text) {
        int start = text.indexOf('{');
        int end = text.lastIndexOf('}');
        return start >= 0 && end > start ? text.substring(start, end + 1) : null;
    }

    /** The first number in the text (thousands separators allowed), if any. */
    static Optional<BigDecimal> firstNumber(String text) {
        Matcher m = NUMBER.matcher(text);
        return m.find() ? Optional.of(new BigDecimal(m.group().replace(",", ""))) : Optional.empty();
    }

    /** Lower case, without surrounding space and quotes, with single spaces and no final period. */
    static String normalise(String text) {
        String s = text.strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
        while (s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("'") && s.endsWith("'")
                || s.startsWith("`") && s.endsWith("`"))) {
            s = s.substring(1, s.length() - 1).strip();
        }
        return s.replaceAll("[.!]+$", "").strip();
    }
}
