package dev.cadre.eval.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonMappingException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each key and item of a YAML or JSON document stands (by path, e.g. {@code cases[0].checks}), so that an error
 * Jackson finds while mapping (it reports where it stopped, often the end of the object) can name the line of the key.
 */
final class KeyPositions {

    private final Map<String, JsonLocation> positions = new HashMap<>();

    private KeyPositions() {}

    /** The positions in {@code text}; empty when it does not parse (the mapping reports that itself). */
    static KeyPositions of(JsonFactory factory, String text) {
        KeyPositions found = new KeyPositions();
        try (JsonParser p = factory.createParser(text)) {
            if (p.nextToken() != null) {
                found.walk(p, "");
            }
        } catch (IOException e) {
            return found;
        }
        return found;
    }

    /** Records the keys and items of the value at the parser's current token, which is at {@code path}. */
    private void walk(JsonParser p, String path) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String child = path.isEmpty() ? p.currentName() : path + "." + p.currentName();
                positions.put(child, p.currentTokenLocation());
                p.nextToken();
                walk(p, child);
            }
        } else if (t == JsonToken.START_ARRAY) {
            int i = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                String child = path + "[" + i++ + "]";
                positions.put(child, p.currentTokenLocation());
                walk(p, child);
            }
        }
    }

    /** The position of the deepest part of {@code e}'s path that is known, or null. */
    JsonLocation of(JsonMappingException e) {
        JsonLocation best = null;
        List<String> paths = paths(e);
        for (String path : paths) {
            JsonLocation at = positions.get(path);
            if (at != null) {
                best = at;
            }
        }
        return best;
    }

    /** The path of {@code e} ({@code cases[2].checks[0]}), or "" at the top. */
    static String path(JsonMappingException e) {
        List<String> paths = paths(e);
        return paths.isEmpty() ? "" : paths.get(paths.size() - 1);
    }

    /** Each prefix of {@code e}'s path, shortest first. */
    private static List<String> paths(JsonMappingException e) {
        List<String> prefixes = new ArrayList<>();
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
            prefixes.add(path.toString());
        }
        return prefixes;
    }
}
