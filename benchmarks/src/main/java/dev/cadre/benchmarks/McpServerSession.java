package dev.cadre.benchmarks;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * An initialized client on a freshly started server process. {@link #startNanos()} is the time from just before
 * the process was started to the initialize response. Closing it closes the client and destroys the process tree.
 */
public final class McpServerSession implements AutoCloseable {

    private final McpSyncClient client;
    private final long startNanos;
    private final List<ProcessHandle> processes;
    private final Path log;

    private McpServerSession(McpSyncClient client, long startNanos, List<ProcessHandle> processes, Path log) {
        this.client = client;
        this.startNanos = startNanos;
        this.processes = processes;
        this.log = log;
    }

    public McpSyncClient client() {
        return client;
    }

    public long startNanos() {
        return startNanos;
    }

    /** CPU time used so far by the server processes and their live descendants. */
    public Duration serverCpu() {
        Duration total = Duration.ZERO;
        for (ProcessHandle root : processes) {
            for (ProcessHandle p : Stream.concat(Stream.of(root), root.descendants()).toList()) {
                total = total.plus(p.info().totalCpuDuration().orElse(Duration.ZERO));
            }
        }
        return total;
    }

    public static McpServerSession open(McpThroughput.Server server, McpThroughput.Transport transport) throws IOException, InterruptedException {
        return transport == McpThroughput.Transport.STDIO ? openStdio(server) : openHttp(server);
    }

    private static McpServerSession openStdio(McpThroughput.Server server) {
        List<String> line = server.commandLine(McpThroughput.Transport.STDIO, 0);
        Deque<String> stderr = new ArrayDeque<>();
        StdioClientTransport transport = new StdioClientTransport(ServerParameters.builder(line.get(0))
                .args(line.subList(1, line.size())).env(server.environment(McpThroughput.Transport.STDIO, 0)).build(),
                McpJsonDefaults.getMapper());
        transport.setStdErrorHandler(l -> {
            synchronized (stderr) {
                stderr.addLast(l);
                if (stderr.size() > 20) {
                    stderr.removeFirst();
                }
            }
        });
        McpSyncClient client = McpClient.sync(transport).requestTimeout(McpThroughput.REQUEST_TIMEOUT)
                .initializationTimeout(McpThroughput.START_TIMEOUT).build();
        Set<Long> before = childPids();
        try {
            long t0 = System.nanoTime();
            client.initialize(); // the transport starts the process here
            long took = System.nanoTime() - t0;
            return new McpServerSession(client, took, newChildren(before), null);
        } catch (RuntimeException e) {
            client.close();
            destroy(newChildren(before));
            synchronized (stderr) {
                throw new IllegalStateException(server.name() + " (stdio) did not initialize: " + e.getMessage()
                        + "\nstderr tail:\n" + String.join("\n", stderr), e);
            }
        }
    }

    private static McpServerSession openHttp(McpThroughput.Server server) throws IOException, InterruptedException {
        int port = McpThroughput.freePort();
        List<String> line = server.commandLine(McpThroughput.Transport.HTTP, port);
        Path log = Files.createTempFile("m1-" + server.name() + "-", ".log");
        ProcessBuilder builder = new ProcessBuilder(line).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(server.environment(McpThroughput.Transport.HTTP, port));
        McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + port)
                        .endpoint("/mcp").jsonMapper(McpJsonDefaults.getMapper()).build())
                .requestTimeout(McpThroughput.REQUEST_TIMEOUT).initializationTimeout(McpThroughput.START_TIMEOUT).build();
        long t0 = System.nanoTime();
        Process process = builder.start();
        try {
            awaitListening(process, port, t0 + McpThroughput.START_TIMEOUT.toNanos());
            client.initialize();
            long took = System.nanoTime() - t0;
            return new McpServerSession(client, took, List.of(process.toHandle()), log);
        } catch (RuntimeException | IOException | InterruptedException e) {
            client.close();
            destroy(List.of(process.toHandle()));
            String tail = Files.readString(log, StandardCharsets.UTF_8);
            Files.deleteIfExists(log);
            throw new IllegalStateException(server.name() + " (http " + line + ") did not initialize: " + e.getMessage()
                    + "\nstderr:\n" + tail.substring(Math.max(0, tail.length() - 4000)), e);
        }
    }

    private static void awaitListening(Process process, int port, long deadline) throws IOException, InterruptedException {
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new IOException("server exited with " + process.exitValue() + " before listening on " + port);
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("nothing listening on " + port + " after " + McpThroughput.START_TIMEOUT);
                }
                Thread.sleep(2);
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            client.close();
        } finally {
            destroy(processes);
            if (log != null) {
                Files.deleteIfExists(log);
            }
        }
    }

    private static Set<Long> childPids() {
        return ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toCollection(HashSet::new));
    }

    private static List<ProcessHandle> newChildren(Set<Long> before) {
        return ProcessHandle.current().children().filter(p -> !before.contains(p.pid())).toList();
    }

    /** Terminates the processes and all their descendants (npx starts node as a child), forcibly after 5 s. */
    static void destroy(List<ProcessHandle> roots) {
        List<ProcessHandle> all = new ArrayList<>();
        for (ProcessHandle root : roots) {
            all.addAll(root.descendants().toList()); // before the root dies and they are re-parented
            all.add(root);
        }
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (ProcessHandle p : all) {
            try {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    p.onExit().get(left, TimeUnit.NANOSECONDS);
                }
            } catch (Exception ignored) {
                // forced below
            }
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
    }
}
