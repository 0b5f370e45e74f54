package dev.cadre.personas.internal;

import java.nio.file.FileSystems;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A crew file's {@code executed_files:}: globs of files the crew's commands run (e.g. {@code pom.xml},
 * {@code .mvn/**}), each checked with the JDK's glob syntax; writing one needs an EXECUTES approval.
 */
public final class ExecutedFilesDef {

    private ExecutedFilesDef() {}

    /** The globs {@code node} lists, in order; an empty list, an empty glob or a bad one is an error at its line. */
    public static List<String> read(Node node) {
        List<Node> items = node.isText() ? List.of(node) : node.items("'executed_files'");
        if (items.isEmpty()) {
            throw node.error("'executed_files' is empty; list globs of files the crew's commands run, e.g. pom.xml or .mvn/**");
        }
        List<String> globs = new ArrayList<>();
        for (Node item : items) {
            String glob = item.text("executed_files item");
            if (glob.isBlank()) {
                throw item.error("an executed-files pattern is empty; give a glob such as pom.xml or .mvn/**");
            }
            try {
                FileSystems.getDefault().getPathMatcher("glob:" + glob.toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                String why = e instanceof java.util.regex.PatternSyntaxException p ? p.getDescription() : e.getMessage();
                throw item.error("executed-files pattern '" + glob + "' is not a valid glob: " + why.replaceAll("\\.$", ""));
            }
            globs.add(glob);
        }
        return globs;
    }

}
