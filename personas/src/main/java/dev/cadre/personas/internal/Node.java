package dev.cadre.personas.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.personas.ConfigException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A value of a {@link Doc}, with checks that fail with the value's (or key's) exact location. */
public final class Node {

    private final Doc doc;
    private final String pointer;
    private final JsonNode value;

    Node(Doc doc, String pointer, JsonNode value) {
        this.doc = doc;
        this.pointer = pointer;
        this.value = value;
    }

    public JsonNode json() {
        return value;
    }

    public String pointer() {
        return pointer;
    }

    public boolean isObject() {
        return value.isObject();
    }

    public boolean isArray() {
        return value.isArray();
    }

    public boolean isText() {
        return value.isTextual();
    }

    /** The key this value stands under, or the index for array items. */
    public String key() {
        String last = pointer.substring(pointer.lastIndexOf('/') + 1);
        return last.replace("~1", "/").replace("~0", "~");
    }

    /** An error located at this value. */
    public ConfigException error(String problem) {
        Doc.Pos pos = doc.valuePos(pointer);
        return new ConfigException(doc.name(), pos.line(), pos.column(), problem);
    }

    /** An error located at this value's key. */
    public ConfigException keyError(String problem) {
        Doc.Pos pos = doc.keyPos(pointer);
        return new ConfigException(doc.name(), pos.line(), pos.column(), problem);
    }

    public Node requireObject(String what) {
        if (!value.isObject()) {
            throw error(what + " must be a mapping of keys to values, not " + describe(value));
        }
        return this;
    }

    /** Fails at the first key not in {@code allowed}, suggesting the nearest allowed key. */
    public Node allowOnly(Collection<String> allowed, String what) {
        requireObject(what);
        Iterator<String> names = value.fieldNames();
        while (names.hasNext()) {
            String key = names.next();
            if (!allowed.contains(key)) {
                String nearest = Suggest.nearest(key, allowed);
                throw child(key).keyError("unknown key '" + key + "' in " + what
                        + (nearest != null ? " — did you mean '" + nearest + "'?" : "; allowed keys: " + String.join(", ", allowed)));
            }
        }
        return this;
    }

    public boolean has(String key) {
        return value.has(key) && !value.get(key).isNull();
    }

    public Node child(String key) {
        return new Node(doc, pointer + "/" + Doc.escape(key), value.get(key));
    }

    public Node get(String key) {
        return has(key) ? child(key) : null;
    }

    public Node require(String key, String what) {
        if (!has(key)) {
            throw error(what + " needs '" + key + "'");
        }
        return child(key);
    }

    public List<Node> items(String what) {
        if (!value.isArray()) {
            throw error(what + " must be a list, not " + describe(value));
        }
        List<Node> items = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            items.add(new Node(doc, pointer + "/" + i, value.get(i)));
        }
        return items;
    }

    public Map<String, Node> entries(String what) {
        requireObject(what);
        Map<String, Node> entries = new LinkedHashMap<>();
        value.fieldNames().forEachRemaining(k -> entries.put(k, child(k)));
        return entries;
    }

    public String text(String what) {
        if (!value.isTextual() && !value.isNumber() && !value.isBoolean()) {
            throw error("'" + what + "' must be text, not " + describe(value));
        }
        return value.asText();
    }

    public String text(String key, String what) {
        return has(key) ? child(key).text(key) : null;
    }

    public Integer integer(String key) {
        if (!has(key)) {
            return null;
        }
        JsonNode v = value.get(key);
        if (!v.isIntegralNumber()) {
            throw child(key).error("'" + key + "' must be a whole number, not " + describe(v));
        }
        return v.asInt();
    }

    public Double number(String key) {
        if (!has(key)) {
            return null;
        }
        JsonNode v = value.get(key);
        if (!v.isNumber()) {
            throw child(key).error("'" + key + "' must be a number, not " + describe(v));
        }
        return v.asDouble();
    }

    public BigDecimal decimal(String key) {
        if (!has(key)) {
            return null;
        }
        JsonNode v = value.get(key);
        if (!v.isNumber()) {
            throw child(key).error("'" + key + "' must be a number, not " + describe(v));
        }
        return v.decimalValue();
    }

    public Boolean bool(String key) {
        if (!has(key)) {
            return null;
        }
        JsonNode v = value.get(key);
        if (!v.isBoolean()) {
            throw child(key).error("'" + key + "' must be true or false, not " + describe(v));
        }
        return v.asBoolean();
    }

    public Duration duration(String key) {
        if (!has(key)) {
            return null;
        }
        String text = child(key).text(key).strip();
        return dev.cadre.api.Durations.parse(text).orElseThrow(() -> child(key).error("'" + key
                + "' must be a duration such as 500ms, 30s, 10m, 2h or PT1M30S, not '" + text + "'"));
    }

    public List<String> texts(String key) {
        if (!has(key)) {
            return List.of();
        }
        Node list = child(key);
        if (list.value.isTextual()) {
            return List.of(list.value.asText());
        }
        List<String> out = new ArrayList<>();
        for (Node item : list.items("'" + key + "'")) {
            out.add(item.text(key + " item"));
        }
        return out;
    }

    /** Fails when the text is not one of {@code choices} (case-insensitive), suggesting the nearest. */
    public String choice(String key, Set<String> choices) {
        String text = text(key, key);
        if (text == null) {
            return null;
        }
        String lower = text.toLowerCase().replace('-', '_');
        if (!choices.contains(lower)) {
            String nearest = Suggest.nearest(lower, choices);
            throw child(key).error("'" + key + "' is '" + text + "'; use one of " + String.join(", ", choices)
                    + (nearest != null ? " (did you mean '" + nearest + "'?)" : ""));
        }
        return lower;
    }

    static String describe(JsonNode v) {
        if (v == null || v.isNull()) return "nothing";
        if (v.isTextual()) return "'" + (v.asText().length() > 30 ? v.asText().substring(0, 27) + "..." : v.asText()) + "'";
        if (v.isObject()) return "a mapping";
        if (v.isArray()) return "a list";
        return v.toString();
    }
}
