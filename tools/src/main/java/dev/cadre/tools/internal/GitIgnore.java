package dev.cadre.tools.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The ignore rules of {@code .gitignore} files (blank lines, comments, negation, directory-only and anchored
 * patterns, {@code *}, {@code ?}, {@code **} and character classes), plus {@code .git} itself. Rules of a nested
 * {@code .gitignore} apply below its directory; later rules win.
 */
public final class GitIgnore {

    private record Rule(Path base, Pattern pattern, boolean negated, boolean directoryOnly) {}

    private final Path root;
    private final List<Rule> rules = new ArrayList<>();

    private GitIgnore(Path root) {
        this.root = root;
    }

    /** The rules of every {@code .gitignore} under {@code root} (not descending into ignored directories' own files). */
    public static GitIgnore load(Path root) {
        GitIgnore ignore = new GitIgnore(root);
        ignore.read(root);
        return ignore;
    }

    /** Reads {@code dir/.gitignore} if present; call for each directory walked into. */
    public void read(Path dir) {
        Path file = dir.resolve(".gitignore");
        if (!Files.isRegularFile(file)) {
            return;
        }
        try {
            for (String raw : Files.readAllLines(file)) {
                String line = raw.stripTrailing();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                boolean negated = line.startsWith("!");
                if (negated) {
                    line = line.substring(1);
                }
                if (line.startsWith("\\")) {
                    line = line.substring(1);
                }
                boolean directoryOnly = line.endsWith("/");
                if (directoryOnly) {
                    line = line.substring(0, line.length() - 1);
                }
                boolean anchored = line.contains("/");
                if (line.startsWith("/")) {
                    line = line.substring(1);
                }
                String regex = (anchored ? "" : "(?:.*/)?") + toRegex(line) + "(?:/.*)?";
                rules.add(new Rule(dir, Pattern.compile(regex), negated, directoryOnly));
            }
        } catch (IOException e) {
            // an unreadable .gitignore ignores nothing
        }
    }

    public boolean isIgnored(Path path, boolean directory) {
        return isIgnored(path, directory, Deadline.after("Matching .gitignore", java.time.Duration.ofDays(1)));
    }

    /** Whether {@code path} is ignored; a hostile pattern's backtracking stops at {@code deadline}. */
    public boolean isIgnored(Path path, boolean directory, Deadline deadline) {
        if (path.getFileName() != null && path.getFileName().toString().equals(".git")) {
            return true;
        }
        boolean ignored = false;
        for (Rule rule : rules) {
            if (!path.startsWith(rule.base) || path.equals(rule.base)) {
                continue;
            }
            String rel = rule.base.relativize(path).toString().replace('\\', '/');
            if (rule.pattern.matcher(deadline.guard(rel)).matches()) {
                if (rule.directoryOnly && !directory && !matchesParent(rule, rel, deadline)) {
                    continue;
                }
                ignored = !rule.negated;
            }
        }
        return ignored;
    }

    private static boolean matchesParent(Rule rule, String rel, Deadline deadline) {
        int slash = rel.lastIndexOf('/');
        return slash > 0 && rule.pattern.matcher(deadline.guard(rel.substring(0, slash))).matches();
    }

    static String toRegex(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    boolean slashAfter = i + 2 < glob.length() && glob.charAt(i + 2) == '/';
                    re.append(slashAfter ? "(?:.*/)?" : ".*");
                    i += slashAfter ? 2 : 1;
                } else {
                    re.append("[^/]*");
                }
            } else if (c == '?') {
                re.append("[^/]");
            } else if (c == '[') {
                int end = glob.indexOf(']', i + 1);
                if (end < 0) {
                    re.append("\\[");
                } else {
                    String cls = glob.substring(i + 1, end).replace("\\", "\\\\");
                    re.append('[').append(cls.startsWith("!") ? "^" + cls.substring(1) : cls).append(']');
                    i = end;
                }
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return re.toString();
    }

    public Path root() {
        return root;
    }
}
