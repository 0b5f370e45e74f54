package dev.cadre.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Where Cadre keeps its own state (run journals, the journal key): a per-user directory that is never inside a
 * workspace. On Linux and other Unix systems it is {@code $XDG_STATE_HOME/cadre} (default
 * {@code ~/.local/state/cadre}), on macOS {@code ~/Library/Application Support/Cadre}, on Windows
 * {@code %LOCALAPPDATA%\Cadre}. {@code CADRE_STATE_DIR} overrides all of them.
 */
public final class CadreState {

    /** The environment variable that chooses the state directory. */
    public static final String ENV = "CADRE_STATE_DIR";

    private CadreState() {}

    /** The state directory for this process's user, from its environment and system properties. */
    public static Path directory() {
        return directory(System.getenv(), System.getProperty("os.name", ""), Path.of(System.getProperty("user.home")));
    }

    /** The state directory for an environment, an operating system name ({@code os.name}) and a home directory. */
    public static Path directory(Map<String, String> env, String osName, Path home) {
        String override = env.get(ENV);
        if (override != null && !override.isBlank()) {
            return Path.of(override).toAbsolutePath().normalize();
        }
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            String local = env.get("LOCALAPPDATA");
            return (local != null && !local.isBlank() ? Path.of(local) : home.resolve("AppData").resolve("Local"))
                    .resolve("Cadre").toAbsolutePath().normalize();
        }
        if (os.startsWith("mac")) {
            return home.resolve("Library").resolve("Application Support").resolve("Cadre").toAbsolutePath().normalize();
        }
        String xdg = env.get("XDG_STATE_HOME");
        // The XDG spec says a relative value is invalid and must be ignored.
        Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg) : home.resolve(".local").resolve("state");
        return base.resolve("cadre").toAbsolutePath().normalize();
    }

    /**
     * {@code path} with the symbolic links of its deepest existing part followed and the rest appended as given: how
     * the journal and workspace checks tell whether a path, existing or not yet, lies inside a directory.
     */
    public static Path located(Path path) {
        Path existing = path;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return path;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(path)).normalize();
        } catch (IOException e) {
            return path;
        }
    }

    /** The default runs directory: {@code runs} inside the state directory. */
    public static Path runsDirectory() {
        return directory().resolve("runs");
    }
}
