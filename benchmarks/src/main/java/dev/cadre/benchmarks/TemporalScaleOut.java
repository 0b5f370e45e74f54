package dev.cadre.benchmarks;

import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RunResult;
import dev.cadre.api.Task;
import dev.cadre.api.Tool;
import dev.cadre.api.crew.Crew;
import dev.cadre.orchestrator.RunOptions;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.orchestrator.redaction.Redactor;
import dev.cadre.temporal.TemporalCadre;
import dev.cadre.temporal.TemporalConnection;
import dev.cadre.tools.LangChain4jTools;
import io.temporal.worker.WorkerFactory;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * T1 (issue #16): runs per second and the cost per step of W2 crews on Temporal, with 1 and with 2 worker JVMs. Temporal's
 * Java test server ({@code io.temporal.testserver.TestServer}) runs as its own JVM on a loopback port; each worker is its
 * own JVM with a {@link TemporalCadre} registered on a {@link WorkerFactory} (what {@code cadre worker} starts), the
 * instant {@link BenchModel} and the {@code bump} tool; this JVM starts the runs and waits for their results. Journals
 * are the Temporal driver's default (per-run files in one directory the workers share, one journal key).
 * <p>
 * {@code java -cp ... dev.cadre.benchmarks.TemporalScaleOut WORKERS RUNS} prints one row: wall time, runs per second,
 * wall per model step, and the CPU per model step of the workers and of the server (from the processes' CPU times).
 *
 * <p>A program, not library code: its standard output is its result (the table row), and a worker process's
 * "ready" line on its standard output is how the benchmark knows it polls.
 */
public final class TemporalScaleOut {

    private static final Task TASK = Task.of("bench", "Do the benchmark task.");
    private static final int STEPS = 9;

    /** One measurement. */
    public record Result(int workers, int runs, long wallMillis, long workerCpuMillis, long serverCpuMillis, int failed) {
        public double runsPerSecond() {
            return runs * 1000.0 / wallMillis;
        }

        public String row() {
            double steps = (double) runs * STEPS;
            return String.format(Locale.ROOT, "| %d | %,d | %,d ms | %.1f | %.0f µs | %.0f µs | %.0f µs | %d |", workers, runs,
                    wallMillis, runsPerSecond(), wallMillis * 1000.0 / steps, workerCpuMillis * 1000.0 / steps,
                    serverCpuMillis * 1000.0 / steps, failed);
        }
    }

    private TemporalScaleOut() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("worker")) {
            worker(args[1], Path.of(args[2]));
            return;
        }
        if (args.length != 2) {
            throw new IllegalArgumentException("Usage: TemporalScaleOut WORKERS RUNS (e.g. 2 500).");
        }
        System.out.println(measure(Integer.parseInt(args[0]), Integer.parseInt(args[1])).row());
    }

    private static TemporalCadre.Builder cadre(io.temporal.client.WorkflowClient client, Path dir, List<Tool> tools) {
        return TemporalCadre.builder(client)
                .models(ModelRegistry.builder().model("bench:m", new BenchModel(Duration.ZERO, null)).defaultModel("bench:m").build())
                .tools(tools).crew(CadreWorkflows.loopCrew(tools)).runsDirectory(dir.resolve("runs"))
                .journalKey(JournalKey.in(dir)).redactor(Redactor.none());
    }

    /** A worker process: polls until its standard input closes. */
    private static void worker(String target, Path dir) throws IOException {
        List<Tool> tools = LangChain4jTools.from(new BumpTool());
        try (TemporalConnection.Open open = TemporalConnection.of(target).connect();
             TemporalCadre cadre = cadre(open.client(), dir, tools).build()) {
            WorkerFactory factory = WorkerFactory.newInstance(open.client());
            cadre.register(factory);
            factory.start();
            System.out.println("ready");
            System.out.flush();
            while (System.in.read() >= 0) {
                // the benchmark closes our input when it is done
            }
            factory.shutdownNow();
        }
    }

    public static Result measure(int workers, int runs) throws Exception {
        Path dir = Files.createTempDirectory("cadre-temporal-bench");
        JournalKey.in(dir); // created once, before the workers read it
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        List<Process> processes = new ArrayList<>();
        try {
            Process server = java(dir, "server", "io.temporal.testserver.TestServer", String.valueOf(port));
            processes.add(server);
            awaitListening(server, port);
            String target = "127.0.0.1:" + port;
            List<Process> workerProcesses = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                Process w = java(dir, "worker-" + i, TemporalScaleOut.class.getName(), "worker", target, dir.toString());
                processes.add(w);
                workerProcesses.add(w);
                awaitReady(w, dir.resolve("worker-" + i + ".err"));
            }
            List<Tool> tools = LangChain4jTools.from(new BumpTool());
            Crew crew = CadreWorkflows.loopCrew(tools);
            try (TemporalConnection.Open open = TemporalConnection.of(target).connect();
                 TemporalCadre client = cadre(open.client(), dir, tools).build()) {
                batch(client, crew, Math.max(20, runs / 5)); // warm up every JVM
                long workerCpu = cpuMillis(workerProcesses);
                long serverCpu = cpuMillis(List.of(server));
                long start = System.nanoTime();
                int failed = batch(client, crew, runs);
                long wall = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                return new Result(workers, runs, wall, cpuMillis(workerProcesses) - workerCpu,
                        cpuMillis(List.of(server)) - serverCpu, failed);
            }
        } finally {
            for (Process p : processes) {
                p.getOutputStream().close();
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            delete(dir);
        }
    }

    /** Starts {@code runs} runs at once and waits for them all: how many did not succeed. */
    private static int batch(TemporalCadre client, Crew crew, int runs) {
        List<CompletableFuture<RunResult>> results = new ArrayList<>(runs);
        for (int i = 0; i < runs; i++) {
            results.add(client.run(crew, TASK, RunOptions.DEFAULTS).result().toFuture());
        }
        int failed = 0;
        for (CompletableFuture<RunResult> r : results) {
            RunResult result = r.join();
            if (!result.succeeded()) {
                failed++;
            }
        }
        return failed;
    }

    private static long cpuMillis(List<Process> processes) {
        return processes.stream().mapToLong(p -> p.info().totalCpuDuration().map(Duration::toMillis).orElse(0L)).sum();
    }

    private static Process java(Path dir, String name, String... mainAndArgs) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", absoluteClassPath()));
        command.addAll(List.of(mainAndArgs));
        return new ProcessBuilder(command).directory(dir.toFile())
                .redirectError(dir.resolve(name + ".err").toFile()).start();
    }

    /** This JVM's class path with every entry absolute: the children run in the benchmark's directory. */
    private static String absoluteClassPath() {
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(e -> Path.of(e).toAbsolutePath().toString()).collect(java.util.stream.Collectors.joining(File.pathSeparator));
    }

    private static void awaitListening(Process server, int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!listens(port)) {
            if (!server.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("Temporal's test server did not listen on port " + port + ".");
            }
            Thread.sleep(50);
        }
    }

    private static boolean listens(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    private static void awaitReady(Process worker, Path err) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (!"ready".equals(line)) {
            String said = Files.readString(err);
            throw new IllegalStateException("A benchmark worker did not start (it said " + line + "): "
                    + said.substring(Math.max(0, said.length() - 2000)));
        }
    }

    private static void delete(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }
}
