package dev.cadre.benchmarks;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * M1: MCP server start-up time and {@code tools/call} throughput, Cadre against the TypeScript reference server
 * ({@code @modelcontextprotocol/server-everything}), over stdio and streamable HTTP, measured with the official MCP Java
 * SDK client. The servers run as separate processes, started from the commands below; every process started is
 * destroyed (with its descendants) before the next measurement.
 *
 * <p>System properties (defaults work from the repository root):
 * <ul>
 *   <li>{@code m1.cadre}: Cadre's command without a transport flag (default {@code cli/target/cadre mcp --profile
 *       conformance}, the launcher with its class-data-sharing archive); {@code --stdio} or {@code --http PORT} is
 *       appended.</li>
 *   <li>{@code m1.everything}: the reference server's command (default {@code npx -y
 *       @modelcontextprotocol/server-everything}); {@code stdio} or {@code streamableHttp} is appended, the HTTP port
 *       goes in the environment variable {@code PORT}.</li>
 *   <li>{@code m1.calls} (5000), {@code m1.warmup} (500), {@code m1.concurrency} (8), {@code m1.starts} (5),
 *       {@code m1.cold} (1000: the calls timed first on a fresh server), {@code m1.servers} ({@code cadre,everything};
 *       also {@code cadre-jar}, Cadre by {@code java -jar} without the archive, and {@code cadre-before}, the command
 *       in {@code m1.cadreBefore}, to compare builds in one run), {@code m1.transports} ({@code stdio,http}).</li>
 * </ul>
 * Commands are split on whitespace (no quoting).
 *
 * <p>A program, not library code: {@link #main} prints the M1 table to standard output (progress goes to stderr).
 * Over 300 lines: the servers, the configuration, the timed loops and the table of one benchmark; a server process
 * and its client are {@link McpServerSession}.
 */
public final class McpThroughput {

    /** How the client reaches the server. */
    public enum Transport {
        STDIO, HTTP;

        static Transport parse(String s) {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        }
    }

    /**
     * A server under test: its base command, the arguments and environment selecting each transport (with
     * {@code {port}} standing for the HTTP port), and the echo-like tool to call.
     */
    public record Server(String name, List<String> command, List<String> stdioArgs, List<String> httpArgs,
                         Map<String, String> httpEnv, String tool, Map<String, Object> toolArguments) {

        public Server {
            command = List.copyOf(command);
            stdioArgs = List.copyOf(stdioArgs);
            httpArgs = List.copyOf(httpArgs);
            httpEnv = Map.copyOf(httpEnv);
            toolArguments = Map.copyOf(toolArguments);
        }

        /** Cadre's conformance profile; {@code test_simple_text} takes no arguments. */
        public static Server cadre(String command) {
            return cadre("cadre", command);
        }

        /** Cadre under another name (another build, or started another way). */
        public static Server cadre(String name, String command) {
            return new Server(name, words(command), List.of("--stdio"), List.of("--http", "{port}"), Map.of(),
                    "test_simple_text", Map.of());
        }

        /** The TypeScript reference server; {@code echo} takes {@code message}. */
        public static Server everything(String command) {
            return new Server("server-everything", words(command), List.of("stdio"), List.of("streamableHttp"),
                    Map.of("PORT", "{port}"), "echo", Map.of("message", "hi"));
        }

        /** The full command line for a transport, {@code port} substituted (ignored for stdio). */
        public List<String> commandLine(Transport transport, int port) {
            List<String> line = new ArrayList<>(command);
            for (String a : transport == Transport.STDIO ? stdioArgs : httpArgs) {
                line.add(a.replace("{port}", Integer.toString(port)));
            }
            return line;
        }

        public Map<String, String> environment(Transport transport, int port) {
            if (transport == Transport.STDIO) {
                return Map.of();
            }
            Map<String, String> env = new LinkedHashMap<>();
            httpEnv.forEach((k, v) -> env.put(k, v.replace("{port}", Integer.toString(port))));
            return env;
        }

        public McpSchema.CallToolRequest request() {
            return McpSchema.CallToolRequest.builder(tool).arguments(toolArguments).build();
        }
    }

    /** Latencies of one batch of calls: count, failures, wall time, and the per-call latencies in nanoseconds. */
    public record Latencies(int calls, int errors, long wallNanos, long p50Nanos, long p99Nanos) {

        /** Percentiles by nearest rank over {@code nanos} (which is sorted in place). */
        public static Latencies of(long[] nanos, int errors, long wallNanos) {
            Arrays.sort(nanos);
            return new Latencies(nanos.length, errors, wallNanos, percentile(nanos, 50), percentile(nanos, 99));
        }

        public double callsPerSecond() {
            return wallNanos == 0 ? 0 : calls * 1e9 / wallNanos;
        }

        public double p50Micros() {
            return p50Nanos / 1e3;
        }

        public double p99Micros() {
            return p99Nanos / 1e3;
        }
    }

    /** One line of the result table. */
    /**
     * One line of the result table. {@code cold} is the first {@code m1.cold} sequential calls on a freshly started
     * server (before any warm-up); {@code serverCpuMicrosPerCall} is the CPU time (user + system, all threads, the
     * whole process tree) the server spent per measured call, sequential and concurrent phases together.
     */
    public record Row(String server, Transport transport, double startMillis, Latencies cold, Latencies sequential,
                      Latencies concurrent, int concurrency, double serverCpuMicrosPerCall) {
    }

    /** Run parameters. */
    public record Config(int calls, int warmup, int concurrency, int starts, int cold) {
    }

    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private McpThroughput() {
    }

    public static void main(String[] args) throws Exception {
        Config config = new Config(Integer.getInteger("m1.calls", 5_000), Integer.getInteger("m1.warmup", 500),
                Integer.getInteger("m1.concurrency", 8), Integer.getInteger("m1.starts", 5), Integer.getInteger("m1.cold", 1_000));
        List<Server> servers = new ArrayList<>();
        for (String s : System.getProperty("m1.servers", "cadre,everything").split(",")) {
            switch (s.trim()) {
                case "cadre" -> servers.add(Server.cadre(System.getProperty("m1.cadre", defaultCadreCommand())));
                case "cadre-jar" -> servers.add(Server.cadre("cadre-jar", System.getProperty("m1.cadreJar", jarCadreCommand())));
                case "cadre-before" -> servers.add(Server.cadre("cadre-before", requiredProperty("m1.cadreBefore")));
                case "everything" -> servers.add(Server.everything(
                        System.getProperty("m1.everything", "npx -y @modelcontextprotocol/server-everything")));
                default -> throw new IllegalArgumentException("Unknown server '" + s + "' (cadre, cadre-jar, cadre-before, everything)");
            }
        }
        List<Transport> transports = Arrays.stream(System.getProperty("m1.transports", "stdio,http").split(","))
                .map(Transport::parse).toList();
        List<Row> rows = new ArrayList<>();
        for (Server server : servers) {
            for (Transport transport : transports) {
                System.err.printf("M1: %s over %s ...%n", server.name(), transport);
                rows.add(measure(server, transport, config));
            }
        }
        System.out.println("M1 MCP tools/call throughput (" + config.calls() + " calls after " + config.warmup()
                + " warm-up; start-up: median of " + config.starts() + ")");
        System.out.println();
        System.out.print(table(rows));
    }

    /**
     * The launcher {@code cli/target/cadre mcp --profile conformance} (with its class-data-sharing archive), or
     * {@link #jarCadreCommand()} when there is no launcher.
     */
    public static String defaultCadreCommand() {
        Path launcher = built("cadre");
        return Files.isExecutable(launcher) ? launcher + " mcp --profile conformance" : jarCadreCommand();
    }

    /** {@code java -jar cli/target/cadre.jar mcp --profile conformance} with this JVM's java: no archive. */
    public static String jarCadreCommand() {
        return javaExecutable() + " -jar " + built("cadre.jar") + " mcp --profile conformance";
    }

    private static Path built(String file) {
        Path path = Path.of("cli/target", file);
        return !Files.exists(path) && Files.exists(Path.of("../cli/target", file)) ? Path.of("../cli/target", file) : path;
    }

    private static String requiredProperty(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("Set -D" + name + " to the server's command (e.g. java -jar OLD/cadre.jar mcp --profile conformance).");
        }
        return value;
    }

    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * First an untimed session (its start-up and {@code warmup} calls, sequential and concurrent, are discarded), so
     * that this JVM's client code is loaded and compiled before anything is timed, whichever server comes first. Then
     * start-up, the median of {@code config.starts()} fresh processes, and sequential and concurrent call batches on
     * the last process started, each after {@code warmup} calls of its own.
     */
    public static Row measure(Server server, Transport transport, Config config) throws Exception {
        if (config.starts() < 1) {
            throw new IllegalArgumentException("m1.starts must be at least 1");
        }
        McpSchema.CallToolRequest request = server.request();
        try (McpServerSession s = McpServerSession.open(server, transport)) {
            run(s.client(), request, config.warmup(), 1);
            run(s.client(), request, config.warmup(), config.concurrency());
        }
        long[] starts = new long[config.starts()];
        for (int i = 0; i < starts.length - 1; i++) {
            try (McpServerSession s = McpServerSession.open(server, transport)) {
                starts[i] = s.startNanos();
                check(s.client().callTool(request));
            }
        }
        try (McpServerSession s = McpServerSession.open(server, transport)) {
            starts[starts.length - 1] = s.startNanos();
            Latencies cold = run(s.client(), request, config.cold(), 1);
            run(s.client(), request, config.warmup(), 1);
            Duration cpu = s.serverCpu();
            Latencies sequential = run(s.client(), request, config.calls(), 1);
            Duration serverCpu = s.serverCpu().minus(cpu);
            run(s.client(), request, config.warmup(), config.concurrency());
            cpu = s.serverCpu();
            Latencies concurrent = run(s.client(), request, config.calls(), config.concurrency());
            serverCpu = serverCpu.plus(s.serverCpu().minus(cpu));
            double cpuPerCall = serverCpu.toNanos() / 1e3 / Math.max(1, sequential.calls() + concurrent.calls());
            return new Row(server.name(), transport, median(starts) / 1e6, cold, sequential, concurrent, config.concurrency(),
                    cpuPerCall);
        }
    }

    /**
     * {@code calls} calls of {@code request} from {@code concurrency} threads sharing one client (each thread calls
     * in turn, so at most {@code concurrency} calls are in flight). Failed calls are counted, not timed.
     */
    public static Latencies run(McpSyncClient client, McpSchema.CallToolRequest request, int calls, int concurrency)
            throws InterruptedException {
        long[] nanos = new long[calls];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger timed = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicReference<RuntimeException> firstError = new AtomicReference<>();
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(concurrency);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < concurrency; t++) {
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                    while (next.getAndIncrement() < calls) {
                        long t0 = System.nanoTime();
                        try {
                            check(client.callTool(request));
                            long took = System.nanoTime() - t0;
                            nanos[timed.getAndIncrement()] = took;
                        } catch (RuntimeException e) {
                            errors.incrementAndGet();
                            if (firstError.compareAndSet(null, e)) {
                                System.err.println("M1: a call failed: " + e);
                            }
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            }, "m1-caller-" + t);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        long t0 = System.nanoTime();
        go.countDown();
        done.await();
        long wall = System.nanoTime() - t0;
        return Latencies.of(Arrays.copyOf(nanos, timed.get()), errors.get(), wall);
    }

    static void check(McpSchema.CallToolResult result) {
        if (result == null || Boolean.TRUE.equals(result.isError()) || result.content() == null || result.content().isEmpty()) {
            throw new IllegalStateException("tools/call failed: " + result);
        }
    }

    /** The Markdown result table. */
    public static String table(List<Row> rows) {
        StringBuilder b = new StringBuilder();
        int c = rows.isEmpty() ? 0 : rows.get(0).concurrency();
        int cold = rows.isEmpty() ? 0 : rows.get(0).cold().calls();
        b.append("| Server | Transport | Start to initialize (ms, median) | Cold: first ").append(cold)
                .append(" calls/s | Cold p99 (µs) | Sequential calls/s | Seq p50 (µs) | Seq p99 (µs) | ")
                .append(c).append(" callers calls/s | Conc p50 (µs) | Conc p99 (µs) | Server CPU (µs/call) | Errors |\n");
        b.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %d |%n",
                    r.server(), r.transport().name().toLowerCase(Locale.ROOT), r.startMillis(),
                    r.cold().callsPerSecond(), r.cold().p99Micros(),
                    r.sequential().callsPerSecond(), r.sequential().p50Micros(), r.sequential().p99Micros(),
                    r.concurrent().callsPerSecond(), r.concurrent().p50Micros(), r.concurrent().p99Micros(),
                    r.serverCpuMicrosPerCall(), r.cold().errors() + r.sequential().errors() + r.concurrent().errors()));
        }
        return b.toString();
    }

    /** The median (mean of the middle two for an even count); {@code values} is not modified. */
    public static double median(long[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("No values");
        }
        long[] v = values.clone();
        Arrays.sort(v);
        int m = v.length / 2;
        return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2.0;
    }

    /** Nearest-rank percentile of sorted {@code sorted}; 0 when empty. */
    public static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
    }

    /** A command line split on whitespace. */
    public static List<String> words(String command) {
        return Arrays.stream(command.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
