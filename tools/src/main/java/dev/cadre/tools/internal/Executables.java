package dev.cadre.tools.internal;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds a program the way {@code execvp} does: a name with a slash as it is, a bare name in each PATH entry. */
public final class Executables {

    private Executables() {}

    /** The executable file {@code name} stands for on {@code path} (a PATH value, may be null), if there is one. */
    public static Optional<Path> find(String name, String path) {
        if (name.isEmpty() || name.contains("/")) {
            return Optional.empty();
        }
        if (path == null || path.isEmpty()) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir).resolve(name);
            if (candidate.isAbsolute() && Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
