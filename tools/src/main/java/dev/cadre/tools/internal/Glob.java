package dev.cadre.tools.internal;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A path glob as {@link java.nio.file.FileSystem#getPathMatcher} reads one ({@code *} within a name, {@code **}
 * across names, {@code ?}, {@code [a-z]}, {@code [!x]}, {@code {a,b}}, {@code \} escapes), compiled to a regular
 * expression, so that it can be matched over a {@link Deadline#guard guarded} text: {@code **a**a**a**b} against a
 * long path backtracks for hours otherwise.
 */
public final class Glob {

    private final Pattern pattern;

    private Glob(Pattern pattern) {
        this.pattern = pattern;
    }

    /** Compiles {@code glob}; an {@link IllegalArgumentException} says what is wrong with it. */
    public static Glob compile(String glob) {
        try {
            return new Glob(Pattern.compile(toRegex(glob)));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(e.getDescription(), e);
        }
    }

    /** Whether {@code path} ('/' between names) matches, checking {@code deadline} as it goes. */
    public boolean matches(String path, Deadline deadline) {
        return pattern.matcher(deadline.guard(path)).matches();
    }

    static String toRegex(String glob) {
        StringBuilder re = new StringBuilder("^");
        boolean inGroup = false;
        int i = 0;
        while (i < glob.length()) {
            char c = glob.charAt(i++);
            switch (c) {
                case '\\' -> {
                    if (i == glob.length()) {
                        throw new IllegalArgumentException("it ends with an escape character '\\'");
                    }
                    re.append(Pattern.quote(String.valueOf(glob.charAt(i++))));
                }
                case '/' -> re.append('/');
                case '[' -> i = charClass(glob, i, re);
                case '{' -> {
                    if (inGroup) {
                        throw new IllegalArgumentException("it nests '{' groups");
                    }
                    re.append("(?:(?:");
                    inGroup = true;
                }
                case '}' -> {
                    if (inGroup) {
                        re.append("))");
                        inGroup = false;
                    } else {
                        re.append("\\}");
                    }
                }
                case ',' -> re.append(inGroup ? ")|(?:" : ",");
                case '*' -> {
                    if (i < glob.length() && glob.charAt(i) == '*') {
                        re.append(".*");
                        i++;
                    } else {
                        re.append("[^/]*");
                    }
                }
                case '?' -> re.append("[^/]");
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        if (inGroup) {
            throw new IllegalArgumentException("a '{' group is not closed");
        }
        return re.append('$').toString();
    }

    private static int charClass(String glob, int i, StringBuilder re) {
        re.append("[[^/]&&[");
        if (i < glob.length() && glob.charAt(i) == '!') {
            re.append('^');
            i++;
        } else if (i < glob.length() && glob.charAt(i) == '^') {
            re.append("\\^");
            i++;
        }
        boolean closed = false;
        while (i < glob.length()) {
            char c = glob.charAt(i++);
            if (c == ']') {
                closed = true;
                break;
            }
            if (c == '/') {
                throw new IllegalArgumentException("it has '/' inside a '[' class");
            }
            if (c == '\\' || c == '[' || c == '&' && i < glob.length() && glob.charAt(i) == '&') {
                re.append('\\');
            }
            re.append(c);
        }
        if (!closed) {
            throw new IllegalArgumentException("a '[' class is not closed");
        }
        return i;
    }
}
