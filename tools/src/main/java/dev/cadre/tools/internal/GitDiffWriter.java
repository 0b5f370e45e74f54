package dev.cadre.tools.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.eclipse.jgit.diff.DiffAlgorithm;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.diff.EditList;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.diff.RawTextComparator;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;

/**
 * Writes one file's change as {@code git diff} does (header, {@code index} line, {@code ---}/{@code +++}, hunks with
 * three lines of context) from raw bytes: no textconv, no external driver, no attribute is consulted.
 */
public final class GitDiffWriter {

    /** One side of a change: a blob or working-tree file ({@code null} side = {@code /dev/null}). */
    public record Side(ObjectId id, FileMode mode, long size, Content content) {}

    /** Loads a side's bytes. */
    @FunctionalInterface
    public interface Content {
        byte[] load() throws IOException;
    }

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final long maxFileBytes;

    public GitDiffWriter(long maxFileBytes) {
        this.maxFileBytes = maxFileBytes;
    }

    /** Writes the change of {@code path} from {@code a} to {@code b}; {@code withheld} (if not null) replaces the content. */
    public void write(String path, Side a, Side b, String withheld) throws IOException {
        if (a != null && b != null && a.id().equals(b.id()) && a.mode().equals(b.mode())) {
            return;
        }
        String quoted = GitChanges.quote(path, false);
        String tab = quoted.contains(" ") ? "\t" : "";
        String name = quoted.startsWith("\"") ? quoted.substring(1, quoted.length() - 1) : quoted;
        String aName = quoted.startsWith("\"") ? "\"a/" + name + "\"" : "a/" + name;
        String bName = quoted.startsWith("\"") ? "\"b/" + name + "\"" : "b/" + name;
        line("diff --git " + aName + " " + bName);
        if (a == null) {
            line("new file mode " + b.mode());
        } else if (b == null) {
            line("deleted file mode " + a.mode());
        } else if (!a.mode().equals(b.mode())) {
            line("old mode " + a.mode());
            line("new mode " + b.mode());
        }
        ObjectId aId = a == null ? ObjectId.zeroId() : a.id();
        ObjectId bId = b == null ? ObjectId.zeroId() : b.id();
        if (aId.equals(bId)) {
            return;
        }
        boolean sameMode = a != null && b != null && a.mode().equals(b.mode());
        line("index " + aId.abbreviate(7).name() + ".." + bId.abbreviate(7).name() + (sameMode ? " " + a.mode() : ""));
        long largest = Math.max(a == null ? 0 : a.size(), b == null ? 0 : b.size());
        if (withheld == null && largest > maxFileBytes) {
            withheld = path + " is " + largest + " bytes, over the diff limit of " + maxFileBytes + " bytes per file";
        }
        if (withheld != null) {
            line("(changes not shown: " + withheld + ")");
            return;
        }
        byte[] aBytes = a == null ? new byte[0] : a.content().load();
        byte[] bBytes = b == null ? new byte[0] : b.content().load();
        if (RawText.isBinary(aBytes) || RawText.isBinary(bBytes)) {
            line("Binary files " + (a == null ? "/dev/null" : aName) + " and " + (b == null ? "/dev/null" : bName) + " differ");
            return;
        }
        line("--- " + (a == null ? "/dev/null" : aName + tab));
        line("+++ " + (b == null ? "/dev/null" : bName + tab));
        RawText aText = new RawText(aBytes);
        RawText bText = new RawText(bBytes);
        EditList edits = DiffAlgorithm.getAlgorithm(DiffAlgorithm.SupportedAlgorithm.HISTOGRAM)
                .diff(RawTextComparator.DEFAULT, aText, bText);
        try (DiffFormatter formatter = new DiffFormatter(out)) {
            formatter.format(edits, aText, bText);
            formatter.flush();
        }
    }

    private void line(String text) {
        out.writeBytes((text + "\n").getBytes(StandardCharsets.UTF_8));
    }

    public int length() {
        return out.size();
    }

    public String text() {
        return out.toString(StandardCharsets.UTF_8);
    }
}
