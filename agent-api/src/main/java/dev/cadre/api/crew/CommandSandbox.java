package dev.cadre.api.crew;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How the {@code run_command} tool (the tools module's {@code CommandRunner}) confines the commands it runs. On
 * Linux with bubblewrap ({@code bwrap}) a command runs in its own PID, IPC and network namespaces with the whole file system read-only, only the workspace writable, a
 * private {@code /tmp}, and the user's home, {@code /run} and Cadre's state directory hidden. What a crew's
 * commands legitimately need is declared here: writable paths (a build tool's cache such as {@code ~/.m2}),
 * readable paths under the hidden ones (a tool installed in the home directory), and network access (dependency
 * downloads). Cadre's state directory stays hidden whatever is declared.
 *
 * <pre>{@code
 * CommandSandbox maven = CommandSandbox.DEFAULT.withNetwork(true).withWritable(Path.of(System.getProperty("user.home"), ".m2"));
 * }</pre>
 *
 * @param mode     whether the sandbox is required, preferred (fall back to a plain process where it is not
 *                 available, with one warning) or off
 * @param network  whether commands may use the network (off by default)
 * @param writable absolute paths commands may write besides the workspace (created when missing)
 * @param readable absolute paths commands may read although they lie in a hidden directory
 */
public record CommandSandbox(Mode mode, boolean network, List<Path> writable, List<Path> readable) {

    /** Whether commands must, may or do not run in the OS sandbox. */
    public enum Mode {
        /** Run in the sandbox; if none is available, the runner cannot be created. */
        REQUIRED,
        /** Run in the sandbox where one is available, else as plain processes (one warning when the runner is made). */
        PREFERRED,
        /** Never use the sandbox (e.g. when Cadre itself already runs in a container). */
        OFF
    }

    /** The sandbox where available, no network, nothing writable but the workspace. */
    public static final CommandSandbox DEFAULT = new CommandSandbox(Mode.PREFERRED, false, List.of(), List.of());

    public CommandSandbox {
        Objects.requireNonNull(mode, "mode");
        writable = absolute(writable, "writable");
        readable = absolute(readable, "readable");
    }

    private static List<Path> absolute(List<Path> paths, String what) {
        List<Path> out = new ArrayList<>();
        for (Path p : paths) {
            if (!p.isAbsolute()) {
                throw new IllegalArgumentException("The sandbox's " + what + " path '" + p + "' is not absolute.");
            }
            out.add(p.normalize());
        }
        return List.copyOf(out);
    }

    public CommandSandbox withMode(Mode mode) {
        return new CommandSandbox(mode, network, writable, readable);
    }

    /** The same settings, failing instead of falling back when no sandbox is available. */
    public CommandSandbox required() {
        return withMode(Mode.REQUIRED);
    }

    public CommandSandbox withNetwork(boolean network) {
        return new CommandSandbox(mode, network, writable, readable);
    }

    /** The same settings with {@code paths} writable too. */
    public CommandSandbox withWritable(Path... paths) {
        List<Path> all = new ArrayList<>(writable);
        all.addAll(List.of(paths));
        return new CommandSandbox(mode, network, all, readable);
    }

    /** The same settings with {@code paths} readable too. */
    public CommandSandbox withReadable(Path... paths) {
        List<Path> all = new ArrayList<>(readable);
        all.addAll(List.of(paths));
        return new CommandSandbox(mode, network, writable, all);
    }
}
