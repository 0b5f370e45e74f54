package dev.cadre.tools.internal;

import dev.cadre.tools.WorkspaceException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a unified diff (as {@code git diff} or {@code diff -u} write it) and applies it to file contents. Every
 * hunk's context and removed lines must match the file exactly (a small offset is tolerated); otherwise nothing is
 * applied and the error names the file and hunk.
 */
public final class UnifiedDiff {

    private static final Pattern HUNK = Pattern.compile("^@@ -(\\d+)(?:,(\\d+))? \\+(\\d+)(?:,(\\d+))? @@.*");

    /** The changes to one file: {@code oldPath} is null for a new file, {@code newPath} null for a deletion. */
    public record FilePatch(String oldPath, String newPath, List<Hunk> hunks) {
        public String path() {
            return newPath != null ? newPath : oldPath;
        }
    }

    /** One hunk: where it starts in the old file, and its lines with their ' ', '-' or '+' prefix. */
    public record Hunk(int oldStart, List<String> lines) {}

    private UnifiedDiff() {}

    public static List<FilePatch> parse(String diff) {
        List<FilePatch> patches = new ArrayList<>();
        String[] lines = diff.replace("\r\n", "\n").split("\n", -1);
        int i = 0;
        while (i < lines.length) {
            if (!lines[i].startsWith("--- ")) {
                i++;
                continue;
            }
            String oldPath = path(lines[i].substring(4));
            if (i + 1 >= lines.length || !lines[i + 1].startsWith("+++ ")) {
                throw new WorkspaceException("The diff has a '---' line without a '+++' line after it (line " + (i + 1) + ").");
            }
            String newPath = path(lines[i + 1].substring(4));
            i += 2;
            List<Hunk> hunks = new ArrayList<>();
            while (i < lines.length && lines[i].startsWith("@@")) {
                Matcher m = HUNK.matcher(lines[i]);
                if (!m.matches()) {
                    throw new WorkspaceException("The diff's hunk header '" + lines[i] + "' (line " + (i + 1) + ") is malformed.");
                }
                int oldStart = Integer.parseInt(m.group(1));
                int oldCount = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
                int newCount = m.group(4) == null ? 1 : Integer.parseInt(m.group(4));
                i++;
                List<String> body = new ArrayList<>();
                int seenOld = 0;
                int seenNew = 0;
                while (i < lines.length && (seenOld < oldCount || seenNew < newCount)) {
                    String line = lines[i];
                    if (line.startsWith("\\")) { // "\ No newline at end of file"
                        i++;
                        continue;
                    }
                    char kind = line.isEmpty() ? ' ' : line.charAt(0);
                    if (kind == ' ') {
                        seenOld++;
                        seenNew++;
                    } else if (kind == '-') {
                        seenOld++;
                    } else if (kind == '+') {
                        seenNew++;
                    } else {
                        throw new WorkspaceException("The diff's line " + (i + 1) + " is not part of hunk '@@ -" + oldStart
                                + "': it should start with ' ', '-' or '+'.");
                    }
                    body.add(line.isEmpty() ? " " : line);
                    i++;
                }
                while (i < lines.length && lines[i].startsWith("\\")) {
                    i++;
                }
                hunks.add(new Hunk(oldStart, body));
            }
            if (hunks.isEmpty()) {
                throw new WorkspaceException("The diff for '" + (newPath != null ? newPath : oldPath) + "' has no hunks.");
            }
            patches.add(new FilePatch(oldPath, newPath, hunks));
        }
        if (patches.isEmpty()) {
            throw new WorkspaceException("The text is not a unified diff: no '--- a/file' and '+++ b/file' lines were found.");
        }
        return patches;
    }

    private static String path(String header) {
        String p = header.split("\t")[0].strip();
        if (p.equals("/dev/null")) {
            return null;
        }
        if (p.startsWith("a/") || p.startsWith("b/")) {
            p = p.substring(2);
        }
        return p;
    }

    /** The new content of a file after the patch (the old content is {@code ""} for a new file). */
    public static String apply(FilePatch patch, String original) {
        boolean trailingNewline = original.isEmpty() || original.endsWith("\n");
        List<String> lines = new ArrayList<>(List.of(original.isEmpty() ? new String[0] : original.split("\n", -1)));
        if (!original.isEmpty() && original.endsWith("\n")) {
            lines.remove(lines.size() - 1);
        }
        int offset = 0;
        int hunkNo = 0;
        for (Hunk hunk : patch.hunks()) {
            hunkNo++;
            List<String> expected = new ArrayList<>();
            List<String> replacement = new ArrayList<>();
            for (String line : hunk.lines()) {
                if (line.charAt(0) != '+') expected.add(line.substring(1));
                if (line.charAt(0) != '-') replacement.add(line.substring(1));
            }
            int start = Math.max(0, hunk.oldStart() - 1 + offset);
            if (expected.isEmpty() && hunk.oldStart() == 0) {
                start = 0;
            }
            int at = find(lines, expected, start);
            if (at < 0) {
                throw new WorkspaceException("Hunk " + hunkNo + " of the diff for '" + patch.path() + "' does not match the file"
                        + " at line " + hunk.oldStart() + ": its context or removed lines differ from the file's content.");
            }
            for (int k = 0; k < expected.size(); k++) {
                lines.remove(at);
            }
            lines.addAll(at, replacement);
            offset += replacement.size() - expected.size();
        }
        String joined = String.join("\n", lines);
        return lines.isEmpty() ? "" : trailingNewline ? joined + "\n" : joined;
    }

    private static int find(List<String> lines, List<String> expected, int hint) {
        for (int delta = 0; delta <= 50; delta++) {
            for (int candidate : new int[] {hint + delta, hint - delta}) {
                if (candidate >= 0 && candidate + expected.size() <= lines.size()
                        && lines.subList(candidate, candidate + expected.size()).equals(expected)) {
                    return candidate;
                }
            }
        }
        return -1;
    }
}
