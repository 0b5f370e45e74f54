package dev.cadre.jdbc;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real PostgreSQL for tests, started as processes: {@code initdb} into a temporary directory, then {@code pg_ctl} on
 * a free loopback port (trust authentication, loopback only, no fsync). The binaries are found on the PATH or in
 * {@code /usr/lib/postgresql/<version>/bin} (Debian's postgresql package). As root (initdb refuses to run as root) the
 * server runs as the {@code postgres} user, else {@code nobody}, through {@code runuser}. With no PostgreSQL installed
 * the tests are skipped, unless {@code CADRE_POSTGRES=required} ({@code .ci/run} sets it) or
 * {@code -Dcadre.postgres=required}, where they fail.
 */
public final class PostgresServer implements AutoCloseable {

    private final Path dir;
    private final Path bin;
    private final List<String> asUser;
    private final int port;
    private final AtomicInteger databases = new AtomicInteger();

    private PostgresServer(Path dir, Path bin, List<String> asUser, int port) {
        this.dir = dir;
        this.bin = bin;
        this.asUser = asUser;
        this.port = port;
    }

    /** Starts a server (a few seconds), or skips the test when there is no PostgreSQL and it is not required. */
    public static PostgresServer start() throws IOException, InterruptedException {
        Optional<Path> bin = binaries(System.getenv().getOrDefault("PATH", ""), Path.of("/usr/lib/postgresql"));
        if (bin.isEmpty()) {
            missing("required".equals(System.getProperty("cadre.postgres")) || "required".equals(System.getenv("CADRE_POSTGRES")));
        }
        Path dir = Files.createTempDirectory("cadre-pg");
        List<String> asUser = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            String user = userExists("postgres") ? "postgres" : "nobody";
            run(List.of("chown", user, dir.toString()), dir, "give " + dir + " to " + user);
            asUser.addAll(List.of("runuser", "-u", user, "--"));
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        PostgresServer server = new PostgresServer(dir, bin.get(), asUser, port);
        try {
            server.command("initdb", "-D", dir.resolve("data").toString(), "-A", "trust", "-U", "cadre", "-E", "UTF8", "--no-sync");
            server.command("pg_ctl", "-D", dir.resolve("data").toString(), "-l", dir.resolve("log").toString(), "-w", "-t", "60",
                    "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -k " + dir + " -c fsync=off -c max_connections=60", "start");
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** A new, empty database on this server; its JDBC URL. */
    public String newDatabase() throws SQLException {
        String name = "t" + databases.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url("postgres"), "cadre", ""); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return url(name);
    }

    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=cadre";
    }

    private void command(String program, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(asUser);
        cmd.add(bin.resolve(program).toString());
        cmd.addAll(Arrays.asList(args));
        run(cmd, dir, program);
    }

    private static void run(List<String> cmd, Path dir, String what) throws IOException, InterruptedException {
        Path out = Files.createTempFile("cadre-pg-cmd", ".log");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).directory(dir.toFile()).start();
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(what + " did not finish in 90 s: " + Files.readString(out));
            }
            if (p.exitValue() != 0) {
                String log = Files.exists(dir.resolve("log")) ? Files.readString(dir.resolve("log")) : "";
                throw new IllegalStateException(what + " failed (exit " + p.exitValue() + "): " + Files.readString(out) + log);
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static boolean userExists(String user) throws IOException {
        try (Stream<String> lines = Files.lines(Path.of("/etc/passwd"))) {
            return lines.anyMatch(l -> l.startsWith(user + ":"));
        }
    }

    /** No PostgreSQL: the test fails when it is {@code required}, else it is skipped; either way with the same sentence. */
    static void missing(boolean required) {
        String why = "No PostgreSQL is installed (no initdb and pg_ctl on the PATH or in /usr/lib/postgresql/*/bin):"
                + " install Debian's postgresql package to run the JDBC journal store's tests.";
        if (required) {
            throw new IllegalStateException(why + " They are required here (CADRE_POSTGRES=required, as .ci/run sets).");
        }
        Assumptions.abort(why);
    }

    /** The directory of initdb and pg_ctl: the first on {@code path}, else the newest {@code <debian>/<version>/bin}. */
    static Optional<Path> binaries(String path, Path debian) throws IOException {
        for (String entry : path.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            Path dir = Path.of(entry);
            if (Files.isExecutable(dir.resolve("initdb")) && Files.isExecutable(dir.resolve("pg_ctl"))) {
                return Optional.of(dir.resolve("initdb").toRealPath().getParent());
            }
        }
        if (!Files.isDirectory(debian)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(debian)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparing(b -> versionOf(b.getParent())));
        }
    }

    private static int versionOf(Path dir) {
        try {
            return Integer.parseInt(dir.getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Stops the server at once (its data is thrown away) and deletes its directory. */
    @Override
    public void close() {
        try {
            if (Files.exists(dir.resolve("data/postmaster.pid"))) {
                command("pg_ctl", "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // deleting the directory below stops nothing, but the test result stands
        } finally {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory
        }
    }
}
