package dev.cadre.personas.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text of a Python file, read without running it: brackets matched past strings and comments, a call's arguments
 * split at their top-level commas, and literal values (strings, numbers, booleans, lists, dicts, {@code self.x()}
 * references, {@code Process.x}, {@code LLM(...)}) turned into JSON. Anything else stays a Python expression,
 * {@code {"python": "<text>"}}, for the caller to name in a note.
 *
 * <p>Just over 300 lines: the bracket scanner and the literal reader share the string-literal rules, so they stay together.
 */
public final class PySource {

    /** One argument of a call: its keyword (null when positional), its text and where that text starts. */
    public record Arg(String keyword, String text, int offset) {}

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Pattern KEYWORD = Pattern.compile("(?s)\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*=(?!=)(.*)");
    private static final Pattern SELF_CALL = Pattern.compile("self\\.([A-Za-z_][A-Za-z0-9_]*)\\(\\s*\\)");
    private static final Pattern SUBSCRIPT = Pattern.compile("self\\.[A-Za-z_][A-Za-z0-9_]*\\[\\s*(['\"])([^'\"]+)\\1\\s*]");
    private static final Pattern ENUM = Pattern.compile("Process\\.([A-Za-z_]+)");
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");
    private static final Pattern CALL = Pattern.compile("(?s)([A-Za-z_][A-Za-z0-9_.]*)\\s*\\((.*)\\)");

    private final String file;
    private final String text;
    private final List<Integer> lineStarts = new ArrayList<>();

    public PySource(String file, String text) {
        this.file = file;
        this.text = text;
        lineStarts.add(0);
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                lineStarts.add(i + 1);
            }
        }
    }

    public String file() {
        return file;
    }

    public String text() {
        return text;
    }

    /** "file:line:column" of an offset. */
    public String at(int offset) {
        int line = line(offset);
        return file + ":" + line + ":" + (offset - lineStarts.get(line - 1) + 1);
    }

    public int line(int offset) {
        int lo = 0;
        int hi = lineStarts.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) / 2;
            if (lineStarts.get(mid) <= offset) lo = mid; else hi = mid - 1;
        }
        return lo + 1;
    }

    public int column(int offset) {
        return offset - lineStarts.get(line(offset) - 1) + 1;
    }

    /** The offset just after the bracket that closes the one at {@code open}, or -1 when it never closes. */
    public int close(int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\'') {
                i = stringEnd(text, i) - 1;
            } else if (c == '#') {
                while (i < text.length() && text.charAt(i) != '\n') i++;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
                if (depth == 0) {
                    return i + 1;
                }
            }
        }
        return -1;
    }

    /** The arguments between the brackets at {@code open} and {@code end - 1}. */
    public List<Arg> args(int open, int end) {
        List<Arg> args = new ArrayList<>();
        int depth = 0;
        int start = open + 1;
        for (int i = open + 1; i < end - 1; i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\'') {
                i = stringEnd(text, i) - 1;
            } else if (c == '#') {
                while (i < end - 1 && text.charAt(i) != '\n') i++;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            } else if (c == ',' && depth == 0) {
                add(args, start, i);
                start = i + 1;
            }
        }
        add(args, start, end - 1);
        return args;
    }

    private void add(List<Arg> args, int from, int to) {
        String part = stripComments(text.substring(from, to));
        if (part.isBlank()) {
            return;
        }
        int lead = from + (part.length() - part.stripLeading().length());
        Matcher m = KEYWORD.matcher(part);
        if (m.matches()) {
            int valueStart = from + m.start(2) + (m.group(2).length() - m.group(2).stripLeading().length());
            args.add(new Arg(m.group(1), m.group(2).strip(), valueStart));
        } else {
            args.add(new Arg(null, part.strip(), lead));
        }
    }

    private static String stripComments(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\'') {
                int end = stringEnd(s, i);
                out.append(s, i, end);
                i = end - 1;
            } else if (c == '#') {
                while (i < s.length() && s.charAt(i) != '\n') {
                    out.append(' ');
                    i++;
                }
                if (i < s.length()) out.append('\n');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The offset after the string literal starting at {@code i} (single, double or triple quoted). */
    static int stringEnd(String s, int i) {
        char q = s.charAt(i);
        boolean triple = s.startsWith(String.valueOf(q).repeat(3), i);
        int j = i + (triple ? 3 : 1);
        while (j < s.length()) {
            char c = s.charAt(j);
            if (c == '\\') {
                j += 2;
                continue;
            }
            if (triple ? s.startsWith(String.valueOf(q).repeat(3), j) : c == q) {
                return j + (triple ? 3 : 1);
            }
            if (!triple && c == '\n') {
                return j;
            }
            j++;
        }
        return s.length();
    }

    /** The value of a Python expression as JSON, or {@code {"python": expr}} when it is not a literal Cadre reads. */
    public static JsonNode literal(String expr) {
        String e = expr.strip();
        String string = string(e);
        if (string != null) return F.textNode(string);
        if (e.equals("True") || e.equals("False")) return F.booleanNode(e.equals("True"));
        if (e.equals("None")) return F.nullNode();
        if (NUMBER.matcher(e).matches()) return e.contains(".") ? F.numberNode(Double.parseDouble(e)) : F.numberNode(Long.parseLong(e));
        Matcher m = SELF_CALL.matcher(e);
        if (m.matches()) return F.textNode(m.group(1));
        m = SUBSCRIPT.matcher(e);
        if (m.matches()) return F.textNode(m.group(2));
        m = ENUM.matcher(e);
        if (m.matches()) return F.textNode(m.group(1).toLowerCase());
        if ((e.startsWith("[") && e.endsWith("]")) || (e.startsWith("(") && e.endsWith(")") && e.contains(","))) {
            PySource inner = new PySource("", e);
            ArrayNode items = F.arrayNode();
            inner.args(0, e.length()).forEach(a -> items.add(literal(a.text())));
            return items;
        }
        if (e.startsWith("{") && e.endsWith("}")) {
            return dict(e);
        }
        m = CALL.matcher(e);
        if (m.matches() && (m.group(1).equals("LLM") || m.group(1).endsWith(".LLM"))) {
            PySource inner = new PySource("", e);
            ObjectNode llm = F.objectNode();
            int open = e.indexOf('(');
            for (Arg a : inner.args(open, e.length())) {
                llm.set(a.keyword() == null ? "model" : a.keyword(), literal(a.text()));
            }
            return llm;
        }
        return python(e);
    }

    private static JsonNode dict(String e) {
        ObjectNode object = F.objectNode();
        PySource inner = new PySource("", e);
        for (Arg a : inner.args(0, e.length())) {
            int colon = topLevelColon(a.text());
            String key = colon < 0 ? null : string(a.text().substring(0, colon).strip());
            if (key == null) {
                return python(e);
            }
            object.set(key, literal(a.text().substring(colon + 1)));
        }
        return object;
    }

    private static int topLevelColon(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\'') {
                i = stringEnd(s, i) - 1;
            } else if (c == ':') {
                return i;
            }
        }
        return -1;
    }

    private static JsonNode python(String e) {
        return F.objectNode().put("python", e.replaceAll("\\s+", " "));
    }

    /** Whether a value from {@link #literal} is a Python expression Cadre did not read. */
    public static boolean isPython(JsonNode value) {
        return value != null && value.isObject() && value.size() == 1 && value.has("python");
    }

    /** A string literal (adjacent literals concatenated; no f-strings), or null. */
    static String string(String e) {
        if (e.startsWith("(") && e.endsWith(")")) {
            e = e.substring(1, e.length() - 1).strip();
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        boolean any = false;
        while (i < e.length()) {
            char c = e.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            boolean raw = false;
            if ((c == 'r' || c == 'R') && i + 1 < e.length() && (e.charAt(i + 1) == '"' || e.charAt(i + 1) == '\'')) {
                raw = true;
                i++;
                c = e.charAt(i);
            }
            if (c != '"' && c != '\'') {
                return null;
            }
            int end = stringEnd(e, i);
            boolean triple = e.startsWith(String.valueOf(c).repeat(3), i);
            int q = triple ? 3 : 1;
            if (end - q < i + q) {
                return null;
            }
            String body = e.substring(i + q, end - q);
            out.append(raw ? body : unescape(body));
            any = true;
            i = end;
        }
        return any ? out.toString() : null;
    }

    private static String unescape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                switch (n) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case '\n' -> { }
                    default -> out.append(n);
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
