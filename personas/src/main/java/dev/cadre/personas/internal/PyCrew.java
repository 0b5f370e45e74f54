package dev.cadre.personas.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the conventional crew.py of a CrewAI project sets, read without running Python: the {@code @agent},
 * {@code @task} and {@code @crew} methods of its {@code @CrewBase} class, in order, each with the keyword arguments
 * of the {@code Agent(...)}, {@code Task(...)} or {@code Crew(...)} it returns; the plain pydantic models of the
 * project's Python files as JSON Schemas; and the literal {@code inputs} of main.py.
 */
public final class PyCrew {

    /** A decorated method: {@code kind} is agent, task or crew; {@code kwargs} those of the call it returns. */
    public record Method(String kind, String name, Field where, Map<String, Field> kwargs) {
        public String at() {
            return where.at();
        }
    }

    private static final Pattern DECORATOR = Pattern.compile("(?m)^([ \\t]*)@(agent|task|crew)\\s*(?:\\(\\s*\\))?[ \\t]*(?:#.*)?$");
    private static final Pattern DEF = Pattern.compile("(?m)^[ \\t]*def\\s+([A-Za-z_][A-Za-z0-9_]*)\\s*\\(");
    private static final Pattern RETURN_CALL = Pattern.compile("\\breturn\\s+([A-Za-z_][A-Za-z0-9_.]*)\\s*\\(");
    private static final Pattern MODEL = Pattern.compile("(?m)^class\\s+([A-Za-z_][A-Za-z0-9_]*)\\s*\\(\\s*(?:pydantic\\.)?BaseModel\\s*\\)\\s*:");
    private static final Pattern MODEL_FIELD = Pattern.compile("^[ \\t]+([A-Za-z_][A-Za-z0-9_]*)\\s*:\\s*([^=#]+?)\\s*(=.*)?(#.*)?$");
    private static final Pattern INPUTS = Pattern.compile("\\binputs\\s*=\\s*\\{");
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final List<Method> methods = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    private PyCrew() {}

    /** Reads the decorated methods of {@code file}. */
    public static PyCrew read(Path file) {
        PyCrew crew = new PyCrew();
        PySource source = new PySource(file.toString(), readText(file));
        String text = source.text();
        Matcher d = DECORATOR.matcher(text);
        while (d.find()) {
            Matcher def = DEF.matcher(text);
            if (!def.find(d.end())) {
                break;
            }
            int indent = d.group(1).replace("\t", "    ").length();
            int bodyEnd = bodyEnd(text, def.end(), indent);
            String at = source.at(def.start(1));
            Matcher ret = RETURN_CALL.matcher(text).region(def.end(), bodyEnd);
            Map<String, Field> kwargs = new LinkedHashMap<>();
            if (ret.find()) {
                int open = ret.end() - 1;
                int close = source.close(open);
                for (PySource.Arg arg : close < 0 ? List.<PySource.Arg>of() : source.args(open, close)) {
                    if (arg.keyword() != null) {
                        kwargs.put(arg.keyword(), Field.of(source, arg));
                    } else {
                        crew.notes.add(source.at(arg.offset()) + ": @" + d.group(2) + " " + def.group(1) + ": the argument '"
                                + arg.text() + "' has no name; Cadre reads only keyword arguments, so it was ignored");
                    }
                }
            } else {
                crew.notes.add(at + ": @" + d.group(2) + " " + def.group(1) + " does not return " + capitalized(d.group(2))
                        + "(...) directly, so Cadre read only what the YAML says about it");
            }
            crew.methods.add(new Method(d.group(2), def.group(1), new Field(F.textNode(def.group(1)), source.file(),
                    source.line(def.start(1)), source.column(def.start(1))), kwargs));
        }
        return crew;
    }

    private static String capitalized(String kind) {
        return Character.toUpperCase(kind.charAt(0)) + kind.substring(1);
    }

    /** Where a method's body ends: the first non-blank line indented no deeper than its decorator. */
    private static int bodyEnd(String text, int from, int indent) {
        int lineStart = text.indexOf('\n', from);
        while (lineStart >= 0 && lineStart < text.length()) {
            int next = text.indexOf('\n', lineStart + 1);
            String line = text.substring(lineStart + 1, next < 0 ? text.length() : next);
            String stripped = line.strip();
            if (!stripped.isEmpty() && !stripped.startsWith("#")
                    && line.replace("\t", "    ").length() - line.replace("\t", "    ").stripLeading().length() <= indent
                    && !stripped.startsWith(")") && !stripped.startsWith("]")) {
                return lineStart + 1;
            }
            if (next < 0) {
                break;
            }
            lineStart = next;
        }
        return text.length();
    }

    public List<Method> methods(String kind) {
        return methods.stream().filter(m -> m.kind().equals(kind)).toList();
    }

    /** What could not be read, located. */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    /** The literal {@code inputs = {...}} of main.py; values computed in Python are named in {@code notes}. */
    public static Map<String, String> inputs(Path mainPy, List<String> notes) {
        Map<String, String> inputs = new LinkedHashMap<>();
        PySource source = new PySource(mainPy.toString(), readText(mainPy));
        Matcher m = INPUTS.matcher(source.text());
        if (!m.find()) {
            return inputs;
        }
        int open = m.end() - 1;
        int close = source.close(open);
        JsonNode dict = close < 0 ? null : PySource.literal(source.text().substring(open, close));
        if (dict == null || !dict.isObject() || PySource.isPython(dict)) {
            notes.add(source.at(open) + ": main.py's inputs are not a plain dict; pass them with --input NAME=VALUE");
            return inputs;
        }
        dict.fields().forEachRemaining(e -> {
            if (e.getValue().isTextual() || e.getValue().isNumber() || e.getValue().isBoolean()) {
                inputs.put(e.getKey(), e.getValue().asText());
            } else {
                notes.add(source.at(open) + ": main.py computes input '" + e.getKey() + "' in Python ("
                        + (PySource.isPython(e.getValue()) ? e.getValue().get("python").asText() : e.getValue().toString())
                        + "); pass it with --input " + e.getKey() + "=VALUE");
            }
        });
        return inputs;
    }

    /** The plain pydantic models ({@code class X(BaseModel)} with typed fields) of {@code files}, as JSON Schemas. */
    public static Map<String, JsonNode> models(List<Path> files) {
        Map<String, List<String[]>> raw = new LinkedHashMap<>();
        for (Path file : files) {
            String text = readText(file);
            Matcher m = MODEL.matcher(text);
            while (m.find()) {
                List<String[]> fields = new ArrayList<>();
                boolean plain = true;
                for (String line : text.substring(m.end()).split("\n", -1)) {
                    if (line.isBlank() || line.strip().startsWith("#")) continue;
                    if (!Character.isWhitespace(line.charAt(0))) break;
                    String s = line.strip();
                    if (s.startsWith("\"\"\"") || s.startsWith("'''") || s.startsWith("model_config")) continue;
                    Matcher f = MODEL_FIELD.matcher(line);
                    if (f.matches() && !s.startsWith("def ") && !s.startsWith("@")) {
                        fields.add(new String[] {f.group(1), f.group(2).strip(), f.group(3) == null ? "" : f.group(3)});
                    } else if (s.startsWith("def ") || s.startsWith("@") || s.startsWith("class ")) {
                        plain = false;
                        break;
                    }
                }
                if (plain && !fields.isEmpty()) {
                    raw.put(m.group(1), fields);
                }
            }
        }
        Map<String, JsonNode> schemas = new LinkedHashMap<>();
        for (String name : raw.keySet()) {
            JsonNode schema = model(name, raw, new HashSet<>());
            if (schema != null) {
                schemas.put(name, schema);
            }
        }
        return schemas;
    }

    private static JsonNode model(String name, Map<String, List<String[]>> raw, Set<String> seen) {
        if (!seen.add(name)) {
            return null; // recursive models are not plain
        }
        ObjectNode schema = F.objectNode().put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        ArrayNode required = F.arrayNode();
        for (String[] field : raw.get(name)) {
            String type = field[1];
            boolean optional = type.startsWith("Optional[") || type.matches(".*\\|\\s*None$") || type.matches("^None\\s*\\|.*");
            JsonNode fieldSchema = type(type, raw, seen);
            if (fieldSchema == null) {
                seen.remove(name);
                return null;
            }
            properties.set(field[0], fieldSchema);
            if (!optional && field[2].isBlank()) {
                required.add(field[0]);
            }
        }
        if (!required.isEmpty()) {
            schema.set("required", required);
        }
        seen.remove(name);
        return schema;
    }

    private static JsonNode type(String type, Map<String, List<String[]>> raw, Set<String> seen) {
        String t = type.strip().replaceFirst("^typing\\.", "");
        if (t.matches("^Optional\\[.*]$")) return type(t.substring(9, t.length() - 1), raw, seen);
        if (t.matches(".*\\|\\s*None$")) return type(t.substring(0, t.lastIndexOf('|')), raw, seen);
        if (t.matches("^None\\s*\\|.*")) return type(t.substring(t.indexOf('|') + 1), raw, seen);
        switch (t) {
            case "str": return F.objectNode().put("type", "string");
            case "int": return F.objectNode().put("type", "integer");
            case "float": return F.objectNode().put("type", "number");
            case "bool": return F.objectNode().put("type", "boolean");
            case "dict", "Dict": return F.objectNode().put("type", "object");
            case "list", "List": return F.objectNode().put("type", "array");
            case "Any": return F.objectNode();
            default: break;
        }
        Matcher generic = Pattern.compile("^(list|List|dict|Dict|Literal)\\[(.*)]$").matcher(t);
        if (generic.matches()) {
            String inner = generic.group(2);
            switch (generic.group(1)) {
                case "list", "List" -> {
                    JsonNode items = type(inner, raw, seen);
                    return items == null ? null : F.objectNode().put("type", "array").set("items", items);
                }
                case "Literal" -> {
                    JsonNode values = PySource.literal("[" + inner + "]");
                    return values.isArray() ? F.objectNode().set("enum", values) : null;
                }
                default -> {
                    return F.objectNode().put("type", "object");
                }
            }
        }
        return raw.containsKey(t) ? model(t, raw, seen) : null;
    }

    private static String readText(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
