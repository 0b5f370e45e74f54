package dev.cadre.tools.internal;

import java.io.IOException;
import org.eclipse.jgit.lib.ObjectId;

/** The {@code ## branch...upstream [ahead N, behind M]} line that starts {@code git status --porcelain --branch}. */
public final class GitBranchLine {

    private GitBranchLine() {}

    public static String of(GitDir dir, GitSnapshot snapshot, GitDeadline deadline) throws IOException {
        GitDir.Head head = snapshot.head();
        if (head.branch() == null) {
            return "## HEAD (no branch)";
        }
        if (head.commit() == null) {
            return "## No commits yet on " + head.branch();
        }
        String remote = dir.config().getString("branch", head.branch(), "remote");
        String merge = dir.config().getString("branch", head.branch(), "merge");
        if (remote == null || merge == null || !merge.startsWith("refs/heads/") || remote.contains("/") || remote.contains("..")) {
            return "## " + head.branch();
        }
        String name = merge.substring("refs/heads/".length());
        String upstream = remote.equals(".") ? name : remote + "/" + name;
        ObjectId theirs = dir.ref(remote.equals(".") ? merge : "refs/remotes/" + upstream);
        if (theirs == null) {
            return "## " + head.branch() + "..." + upstream + " [gone]";
        }
        int ahead = snapshot.commitsNotIn(head.commit(), theirs, deadline);
        int behind = snapshot.commitsNotIn(theirs, head.commit(), deadline);
        String counts = ahead > 0 && behind > 0 ? " [ahead " + ahead + ", behind " + behind + "]"
                : ahead > 0 ? " [ahead " + ahead + "]" : behind > 0 ? " [behind " + behind + "]" : "";
        return "## " + head.branch() + "..." + upstream + counts;
    }
}
