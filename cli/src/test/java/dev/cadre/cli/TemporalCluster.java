package dev.cadre.cli;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Temporal's Java test server as its own JVM on a loopback port, and {@code cadre} JVMs against it (workers, runs):
 * each with the test's class path, the given state directory (so every process has the same journal key) and a model
 * stub on loopback as its only model.
 */
final class TemporalCluster implements AutoCloseable {

    record Started(Process process, Path stdout, Path stderr) {
        String err() throws IOException {
            return Files.exists(stderr) ? Files.readString(stderr) : "";
        }
    }

    private final Path dir;
    final Path state;
    private final String modelUrl;
    private final Process server;
    final int port;
    private final List<Process> started = new ArrayList<>();
    private final List<Started> workers = new ArrayList<>();
    /** More environment for the {@code cadre} JVMs started from now on (e.g. a shared journal's key). */
    final Map<String, String> env = new java.util.HashMap<>();

    TemporalCluster(Path dir, String modelUrl) throws Exception {
        this.dir = dir;
        this.state = Files.createDirectories(dir.resolve("state"));
        this.modelUrl = modelUrl;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        server = java(List.of("io.temporal.testserver.TestServer", String.valueOf(port)), "test-server").process();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (!server.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("Temporal's test server did not listen on " + port);
                }
                Thread.sleep(50);
            }
        }
    }

    String target() {
        return "127.0.0.1:" + port;
    }

    Started java(List<String> mainAndArgs, String name) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path")));
        command.addAll(mainAndArgs);
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("CADRE_") || k.startsWith("OPENAI_") || k.startsWith("OLLAMA_")
                || k.startsWith("ANTHROPIC_") || k.startsWith("TEMPORAL_") || k.startsWith("JAVA_TOOL_OPTIONS") || k.startsWith("JDK_JAVA_OPTIONS"));
        builder.environment().putAll(Map.of("OPENAI_BASE_URL", modelUrl, "OPENAI_API_KEY", "sk-test", "CADRE_MODEL", "openai:gpt-4.1-mini",
                "CADRE_STATE_DIR", state.toString(), "CADRE_OTEL", "off",
                "JDK_JAVA_OPTIONS", "-XX:TieredStopAtLevel=1 -Xshare:auto"));
        builder.environment().putAll(env);
        String file = name + "-" + System.nanoTime();
        File out = dir.resolve(file + ".out").toFile();
        File err = dir.resolve(file + ".err").toFile();
        builder.redirectOutput(out).redirectError(err).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process p = builder.start();
        synchronized (started) {
            started.add(p);
        }
        return new Started(p, out.toPath(), err.toPath());
    }

    /** {@code cadre ARGS} in a child JVM. */
    Started cadre(String name, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("dev.cadre.cli.Main"));
        all.addAll(List.of(args));
        return java(all, name);
    }

    /** {@code cadre worker} on {@code queue} with {@code workspace} and {@code runs}, once it polls. */
    Started worker(String queue, Path workspace, Path runs, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("worker", "--temporal", target(), "--task-queue", queue, "--workspace",
                workspace.toString(), "--runs", runs.toString(), "--crew", "coder-reviewer", "--heartbeat-timeout", "2",
                // Temporal's Java test server never moves a task off a dead worker's sticky queue (a real cluster does after
                // the sticky timeout): a worker killed between two of a run's tasks would hold the run for ever
                "--sticky-timeout", "0"));
        args.addAll(List.of(more));
        Started w = cadre("worker", args.toArray(String[]::new));
        synchronized (workers) {
            workers.add(w);
        }
        return w;
    }

    /** Waits until {@code worker} says it polls its task queue. */
    static Started ready(Started worker) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!worker.err().contains("cadre worker: polling")) {
            if (!worker.process().isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("the worker did not start: " + worker.err());
            }
            Thread.sleep(20);
        }
        return worker;
    }

    static int exit(Started p, long seconds) throws Exception {
        if (!p.process().waitFor(seconds, TimeUnit.SECONDS)) {
            p.process().destroyForcibly();
            throw new AssertionError("cadre did not finish in " + seconds + " s: " + p.err());
        }
        return p.process().exitValue();
    }

    /** Like {@link #exit}, but a run that does not finish fails with the logs of every worker kept (copied to {@code keep}). */
    int exitOrKeepLogs(Started p, long seconds, Path keep) throws Exception {
        try {
            return exit(p, seconds);
        } catch (AssertionError stuck) {
            Files.createDirectories(keep);
            StringBuilder tails = new StringBuilder(stuck.getMessage());
            synchronized (workers) {
                for (Started w : workers) {
                    Path copy = keep.resolve(w.stderr().getFileName());
                    Files.copy(w.stderr(), copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    String err = w.err();
                    tails.append("\n--- ").append(copy).append(w.process().isAlive() ? " (alive)" : " (ended)").append(", last lines:\n")
                            .append(err.substring(Math.max(0, err.length() - 3000)));
                }
            }
            tails.append("\n--- the workflows on the server: ").append(describeAll(keep));
            throw new AssertionError(tails.toString(), stuck);
        }
    }

    /** What the server holds of every open workflow: its pending activities and workflow task, its history in {@code keep}. */
    private String describeAll(Path keep) {
        StringBuilder out = new StringBuilder();
        io.temporal.serviceclient.WorkflowServiceStubs service = io.temporal.serviceclient.WorkflowServiceStubs.newServiceStubs(
                io.temporal.serviceclient.WorkflowServiceStubsOptions.newBuilder().setTarget(target()).build());
        try {
            io.temporal.client.WorkflowClient client = io.temporal.client.WorkflowClient.newInstance(service);
            var open = service.blockingStub().listOpenWorkflowExecutions(io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest
                    .newBuilder().setNamespace("default").setMaximumPageSize(100).build());
            for (var info : open.getExecutionsList()) {
                var execution = info.getExecution();
                var described = service.blockingStub().describeWorkflowExecution(io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest
                        .newBuilder().setNamespace("default").setExecution(execution).build());
                out.append("\n").append(execution.getWorkflowId()).append(" pending activities ")
                        .append(described.getPendingActivitiesList()).append(" pending workflow task ")
                        .append(described.hasPendingWorkflowTask() ? described.getPendingWorkflowTask() : "none");
                Files.writeString(keep.resolve(execution.getWorkflowId() + "-history.json"),
                        client.fetchHistory(execution.getWorkflowId(), execution.getRunId()).toJson(true));
            }
        } catch (Exception e) {
            out.append("(could not describe: ").append(e).append(')');
        } finally {
            service.shutdownNow();
        }
        return out.toString();
    }

    @Override
    public void close() {
        synchronized (started) {
            for (Process p : started) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
            for (Process p : started) {
                try {
                    p.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
