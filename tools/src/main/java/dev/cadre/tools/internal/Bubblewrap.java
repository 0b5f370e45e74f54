package dev.cadre.tools.internal;

import dev.cadre.api.CadreState;
import dev.cadre.api.crew.CommandSandbox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A command line for bubblewrap ({@code bwrap}): the command in new PID, IPC, UTS (and, unless the network is
 * allowed, network) namespaces, dying with its parent, in a new session, without capabilities, with only the
 * scrubbed environment; the file system read-only, a private {@code /tmp}, {@code /run}, the homes and Cadre's state
 * directories hidden under empty tmpfs, then the JDK and the declared paths readable, the declared paths and the
 * workspace writable, and Cadre's state directories hidden again wherever a bound path contains them.
 */
public final class Bubblewrap {

    /** What to start: the full command line and the environment of the started process. */
    public record Launch(List<String> argv, Map<String, String> env) {}

    private final Path program;
    private final CommandSandbox settings;
    private final Path workspace;
    private final List<Path> homes;
    private final List<Path> stateDirs;
    private final List<Path> readable;

    private Bubblewrap(Path program, CommandSandbox settings, Path workspace, List<Path> homes, List<Path> stateDirs,
            List<Path> readable) {
        this.program = program;
        this.settings = settings;
        this.workspace = workspace;
        this.homes = homes;
        this.stateDirs = stateDirs;
        this.readable = readable;
    }

    /**
     * The sandbox for commands in {@code workspace}; {@code env} is the runner's unscrubbed environment (its
     * {@code HOME}, {@code CADRE_STATE_DIR} and {@code JAVA_HOME} count, besides this JVM's own).
     */
    public static Bubblewrap of(Path program, CommandSandbox settings, Path workspace, Map<String, String> env) {
        Path userHome = Path.of(System.getProperty("user.home"));
        Set<Path> homes = new LinkedHashSet<>(List.of(userHome));
        if (env.get("HOME") != null && !env.get("HOME").isBlank()) {
            homes.add(Path.of(env.get("HOME")).toAbsolutePath());
        }
        Set<Path> state = new LinkedHashSet<>(List.of(CadreState.directory()));
        Path envHome = env.get("HOME") != null && !env.get("HOME").isBlank() ? Path.of(env.get("HOME")) : userHome;
        state.add(CadreState.directory(env, System.getProperty("os.name", ""), envHome));
        Set<Path> read = new LinkedHashSet<>(List.of(Path.of(System.getProperty("java.home"))));
        if (env.get("JAVA_HOME") != null && Path.of(env.get("JAVA_HOME")).isAbsolute()) {
            read.add(Path.of(env.get("JAVA_HOME")));
        }
        read.addAll(settings.readable());
        return new Bubblewrap(program, settings, workspace, List.copyOf(homes), List.copyOf(state), List.copyOf(read));
    }

    /** The bwrap program on {@code path} (a PATH value), on Linux only. */
    public static Optional<Path> find(String path) {
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            return Optional.empty();
        }
        return Executables.find("bwrap", path);
    }

    /** Runs {@code true} in this sandbox; empty when that worked, else why not (bwrap's own message). */
    public Optional<String> selfCheck(String path) {
        Optional<Path> yes = Executables.find("true", path);
        if (yes.isEmpty()) {
            return Optional.of("there is no 'true' program on the PATH to try it with");
        }
        Launch launch = launch(List.of(yes.get().toString()), Map.of(), false);
        ProcessExec.Outcome outcome;
        try {
            outcome = ProcessExec.run(launch.argv(), workspace, launch.env(), Duration.ofSeconds(20), 2048);
        } catch (UncheckedIOException e) {
            return Optional.of(e.getMessage());
        }
        if (outcome.exitCode() == 0) {
            return Optional.empty();
        }
        String why = outcome.output().strip();
        return Optional.of(why.isEmpty() ? program + " exited with code " + outcome.exitCode() : why);
    }

    /**
     * The bwrap command line that runs {@code argv} (its program already found on the PATH) with {@code env};
     * declared writable paths that do not exist are created first.
     */
    public Launch launch(List<String> argv, Map<String, String> env) {
        return launch(argv, env, true);
    }

    private Launch launch(List<String> argv, Map<String, String> env, boolean createWritable) {
        List<String> a = new ArrayList<>(List.of(program.toString(), "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
                "--tmpfs", "/tmp"));
        if (Files.isDirectory(Path.of("/run"))) {
            add(a, "--tmpfs", "/run");
        }
        List<Path> hiddenState = new ArrayList<>();
        for (Path s : stateDirs) {
            real(s).ifPresent(hiddenState::add);
        }
        for (Path home : homes) {
            real(home).filter(h -> h.getNameCount() > 0 && Files.isDirectory(h)).ifPresent(h -> add(a, "--tmpfs", h.toString()));
        }
        hiddenState.forEach(s -> add(a, "--tmpfs", s.toString()));
        List<Path> bound = new ArrayList<>(List.of(workspace));
        List<Path> ro = new ArrayList<>(readable);
        List<String> command = new ArrayList<>(argv);
        Path program0 = Path.of(argv.get(0));
        Optional<Path> exe = program0.isAbsolute() ? real(program0) : Optional.empty();
        if (exe.isPresent() && homes.stream().anyMatch(h -> program0.startsWith(h) || exe.get().startsWith(h))) {
            // A program installed in a hidden home (e.g. ~/.local/bin/tool): that file is readable, at its real path.
            ro.add(exe.get());
            command.set(0, exe.get().toString());
        }
        if (settings.network()) {
            ro.add(Path.of("/etc/resolv.conf"));
        }
        for (Path r : ro) {
            real(r).filter(p -> declarable(r, p)).filter(p -> outside(p, hiddenState)).ifPresent(p -> {
                add(a, "--ro-bind", p.toString(), p.toString());
                bound.add(p);
            });
        }
        for (Path w : settings.writable()) {
            if (createWritable && !Files.exists(w) && outside(w, hiddenState)) {
                try {
                    Files.createDirectories(w);
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot create the sandbox's writable directory " + w + ": " + e.getMessage(), e);
                }
            }
            real(w).filter(p -> declarable(w, p)).filter(p -> outside(p, hiddenState)).ifPresent(p -> {
                add(a, "--bind", p.toString(), p.toString());
                bound.add(p);
            });
        }
        add(a, "--bind", workspace.toString(), workspace.toString());
        for (Path s : hiddenState) {
            if (bound.stream().anyMatch(s::startsWith)) {
                add(a, "--tmpfs", s.toString());
            }
        }
        add(a, "--chdir", workspace.toString());
        a.addAll(List.of("--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"));
        if (!settings.network()) {
            a.add("--unshare-net");
        }
        a.addAll(List.of("--die-with-parent", "--new-session", "--cap-drop", "ALL", "--clearenv"));
        Map<String, String> inside = new LinkedHashMap<>(env);
        if (inside.containsKey("TMPDIR")) {
            inside.put("TMPDIR", "/tmp");
        }
        inside.forEach((k, v) -> add(a, "--setenv", k, v));
        a.add("--");
        a.addAll(command);
        // bwrap itself gets no environment: its pid 1 in the sandbox has an empty /proc/1/environ.
        return new Launch(List.copyOf(a), Map.of());
    }

    /**
     * A declared path is bound at its real path, resolved here, outside the sandbox. One that a command could have
     * made a symlink to anywhere is not: inside the workspace or inside another writable path (as declared or real).
     */
    private boolean declarable(Path declared, Path real) {
        if (declared.startsWith(workspace) || real.startsWith(workspace)) {
            return false;
        }
        for (Path w : settings.writable()) {
            for (Path other : List.of(w, real(w).orElse(w))) {
                boolean same = other.equals(declared) || other.equals(real);
                if (!same && (declared.startsWith(other) || real.startsWith(other))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean outside(Path p, List<Path> hiddenState) {
        return hiddenState.stream().noneMatch(p::startsWith);
    }

    private static Optional<Path> real(Path p) {
        try {
            return Optional.of(p.toRealPath());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void add(List<String> a, String... words) {
        a.addAll(List.of(words));
    }
}
