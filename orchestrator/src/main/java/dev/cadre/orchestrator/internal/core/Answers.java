package dev.cadre.orchestrator.internal.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.CadreJson;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Comparing agents' answers, as debate and vote do: the comparable part of an answer, and the majority. */
final class Answers {

    record Majority(int index, int count, boolean tie) {}

    private Answers() {}

    static Majority majority(List<String> normalized) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        normalized.forEach(a -> counts.merge(a, 1, Integer::sum));
        int best = counts.values().stream().max(Integer::compare).orElse(0);
        List<String> leaders = counts.entrySet().stream().filter(e -> e.getValue() == best).map(Map.Entry::getKey).toList();
        return new Majority(normalized.indexOf(leaders.get(0)), best, leaders.size() > 1);
    }

    /** The comparable part of an answer: a JSON answer's field, or the whole text; trimmed, lower case, single spaces. */
    static String normalize(String answer, String field) {
        String text = answer;
        try {
            JsonNode node = CadreJson.mapper().readTree(unfence(answer));
            if (node != null && node.isObject() && node.has(field)) {
                text = node.get(field).isValueNode() ? node.get(field).asText() : node.get(field).toString();
            }
        } catch (Exception notJson) {
            // plain text answers are compared whole
        }
        return text.strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").replaceAll("[.!]+$", "");
    }

    /** Strips a Markdown code fence around a JSON answer, which many models add. */
    static String unfence(String text) {
        String t = text.strip();
        if (t.startsWith("```")) {
            int firstNewline = t.indexOf('\n');
            int lastFence = t.lastIndexOf("```");
            if (firstNewline > 0 && lastFence > firstNewline) {
                return t.substring(firstNewline + 1, lastFence).strip();
            }
        }
        return t;
    }
}
