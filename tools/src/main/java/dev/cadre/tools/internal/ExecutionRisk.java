package dev.cadre.tools.internal;

import dev.cadre.tools.Workspace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which writes can make code run, so that they are approved as EXECUTES: anything into {@code .git/} (or a
 * {@code .git} file), where git configuration and hooks name programs git runs, and files matching the workspace's
 * executed-files globs, which the crew's allow-listed commands run. Both the path as given and its real location
 * (symbolic links followed) are checked; names are compared ignoring case, trailing dots and spaces, and invisible
 * characters (as git itself does on case-insensitive and Windows file systems).
 */
public final class ExecutionRisk {

    private final Workspace workspace;
    private final List<String> patterns;
    private final List<List<Glob>> globs = new ArrayList<>();

    public ExecutionRisk(Workspace workspace) {
        this.workspace = workspace;
        this.patterns = workspace.executedFiles();
        for (String pattern : patterns) {
            String lower = pattern.toLowerCase(Locale.ROOT);
            globs.add(lower.contains("/") ? List.of(Glob.compile(lower)) : List.of(Glob.compile(lower), Glob.compile("**/" + lower)));
        }
    }

    /** Why writing {@code paths} can run code, or empty when it cannot (or a path is refused anyway). */
    public Optional<String> reason(List<String> paths) {
        for (String path : paths) {
            Set<String> forms = new LinkedHashSet<>();
            forms.add(path);
            try {
                forms.add(workspace.realRelative(path));
            } catch (RuntimeException refused) {
                // the call itself will be refused with this error; the literal path is still checked
            }
            for (String form : forms) {
                if (inGit(form)) {
                    return Optional.of("writes into .git/ ('" + path + "'), where git configuration and hooks can run code");
                }
                String lower = form.toLowerCase(Locale.ROOT);
                for (int i = 0; i < globs.size(); i++) {
                    Deadline deadline = Deadline.after("Matching executed files", Duration.ofSeconds(1));
                    if (globs.get(i).stream().anyMatch(g -> g.matches(lower, deadline))) {
                        return Optional.of("writes '" + path + "', which matches the crew's executed file pattern '"
                                + patterns.get(i) + "': allow-listed commands run it");
                    }
                }
            }
        }
        return Optional.empty();
    }

    static boolean inGit(String path) {
        for (String name : path.split("/")) {
            String folded = name.codePoints().filter(c -> !Character.isIdentifierIgnorable(c) && !isInvisible(c))
                    .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString()
                    .replaceAll("[. ]+$", "").toLowerCase(Locale.ROOT);
            if (folded.equals(".git") || folded.equals("git~1")) {
                return true;
            }
        }
        return false;
    }

    /** Code points HFS+ ignores in names (git's is_hfs_dotgit list): zero-width and direction marks. */
    private static boolean isInvisible(int c) {
        return c >= 0x200B && c <= 0x200F || c >= 0x202A && c <= 0x202E || c >= 0x206A && c <= 0x206F || c == 0xFEFF;
    }
}
