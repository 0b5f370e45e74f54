package dev.cadre.orchestrator.journal;

import dev.cadre.api.CadreState;
import java.nio.file.Path;

/** Checks on where journals are kept: never inside a workspace, where agents' tools could rewrite them. */
public final class RunsDirectory {

    private RunsDirectory() {}

    /**
     * Returns {@code runs} when it is outside {@code workspace}; throws an {@link IllegalArgumentException} naming both
     * when it is the workspace or inside it (symbolic links resolved as far as the paths exist).
     */
    public static Path requireOutside(Path runs, Path workspace) {
        if (inside(runs, workspace)) {
            throw new IllegalArgumentException("The runs directory " + runs + " is inside the workspace " + workspace
                    + ", where agents could rewrite journals; choose a runs directory outside it (the default is "
                    + CadreState.runsDirectory() + ").");
        }
        return runs;
    }

    /** Whether {@code path} is {@code directory} or inside it, comparing real paths as far as they exist. */
    public static boolean inside(Path path, Path directory) {
        Path p = path.toAbsolutePath().normalize();
        Path d = directory.toAbsolutePath().normalize();
        return p.startsWith(d) || CadreState.located(p).startsWith(CadreState.located(d));
    }
}
