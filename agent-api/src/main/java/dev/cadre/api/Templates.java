package dev.cadre.api;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills {@code {variable}} placeholders, as CrewAI does. Only names that have a value are replaced; any other
 * brace (JSON, code, an unknown name) is left exactly as written.
 */
public final class Templates {
    private static final Pattern VARIABLE = Pattern.compile("\\{([a-zA-Z_][a-zA-Z0-9_.-]*)}");

    private Templates() {}

    /** The names of the {@code {variables}} in {@code template}, in order of first use. */
    public static java.util.Set<String> names(String template) {
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        if (template != null) {
            Matcher m = VARIABLE.matcher(template);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** Replaces each {@code {name}} whose name is in {@code values}; everything else stays as it is. */
    public static String fill(String template, Map<String, String> values) {
        if (template == null || values.isEmpty() || template.indexOf('{') < 0) {
            return template;
        }
        Matcher m = VARIABLE.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : m.group()));
        }
        m.appendTail(out);
        return out.toString();
    }
}
