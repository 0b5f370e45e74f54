package dev.cadre.personas.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cadre.personas.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A YAML or JSON document read into a Jackson tree, remembering where each value and each key stands, so that any
 * later check can say "file:line:column". JSON may have comments and trailing commas (JSONC). Duplicate keys are
 * an error.
 */
public final class Doc {

    /** A position in the file, 1-based. */
    public record Pos(int line, int column) {}

    private final String name;
    private final JsonNode root;
    private final Map<String, Pos> values;
    private final Map<String, Pos> keys;

    private Doc(String name, JsonNode root, Map<String, Pos> values, Map<String, Pos> keys) {
        this.name = name;
        this.root = root;
        this.values = values;
        this.keys = keys;
    }

    public static Doc read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), 1, 1, "cannot read the file: " + e.getMessage());
        }
        return parse(file.toString(), text);
    }

    public static Doc parse(String name, String text) {
        boolean json = name.endsWith(".json") || name.endsWith(".jsonc");
        JsonFactory factory = json
                ? JsonFactory.builder().enable(JsonReadFeature.ALLOW_JAVA_COMMENTS).enable(JsonReadFeature.ALLOW_YAML_COMMENTS)
                        .enable(JsonReadFeature.ALLOW_TRAILING_COMMA).build()
                : YAMLFactory.builder().build();
        Map<String, Pos> values = new HashMap<>();
        Map<String, Pos> keys = new HashMap<>();
        try (JsonParser parser = factory.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new ConfigException(name, 1, 1, "the file is empty");
            }
            JsonNode root = read(name, parser, "", values, keys);
            return new Doc(name, root, values, keys);
        } catch (JsonParseException e) {
            JsonLocation at = e.getLocation();
            throw new ConfigException(name, at == null ? 1 : Math.max(1, at.getLineNr()), at == null ? 1 : Math.max(1, at.getColumnNr()),
                    "not valid " + (json ? "JSON" : "YAML") + ": " + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new ConfigException(name, 1, 1, "cannot parse the file: " + e.getMessage());
        }
    }

    private static JsonNode read(String name, JsonParser p, String pointer, Map<String, Pos> values, Map<String, Pos> keys)
            throws IOException {
        JsonLocation at = p.currentTokenLocation();
        values.put(pointer, new Pos(Math.max(1, at.getLineNr()), Math.max(1, at.getColumnNr())));
        JsonToken token = p.currentToken();
        JsonNodeFactory f = JsonNodeFactory.instance;
        switch (token) {
            case START_OBJECT -> {
                ObjectNode object = f.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    JsonLocation keyAt = p.currentTokenLocation();
                    String child = pointer + "/" + escape(key);
                    if (object.has(key)) {
                        throw new ConfigException(name, keyAt.getLineNr(), keyAt.getColumnNr(), "duplicate key '" + key + "'");
                    }
                    keys.put(child, new Pos(Math.max(1, keyAt.getLineNr()), Math.max(1, keyAt.getColumnNr())));
                    p.nextToken();
                    object.set(key, read(name, p, child, values, keys));
                }
                return object;
            }
            case START_ARRAY -> {
                ArrayNode array = f.arrayNode();
                int i = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    array.add(read(name, p, pointer + "/" + i, values, keys));
                    i++;
                }
                return array;
            }
            case VALUE_STRING -> {
                return f.textNode(p.getText());
            }
            case VALUE_NUMBER_INT -> {
                return f.numberNode(p.getLongValue());
            }
            case VALUE_NUMBER_FLOAT -> {
                return f.numberNode(p.getDecimalValue());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return f.booleanNode(p.getBooleanValue());
            }
            case VALUE_NULL -> {
                return f.nullNode();
            }
            default -> throw new ConfigException(name, at.getLineNr(), at.getColumnNr(), "unexpected " + token);
        }
    }

    static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    public String name() {
        return name;
    }

    public Node root() {
        return new Node(this, "", root);
    }

    Pos valuePos(String pointer) {
        Pos pos = values.get(pointer);
        return pos != null ? pos : new Pos(1, 1);
    }

    Pos keyPos(String pointer) {
        Pos pos = keys.get(pointer);
        return pos != null ? pos : valuePos(pointer);
    }
}
