package dev.cadre.tools.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program without a shell, in a directory, with exactly the given environment, for at most a given time;
 * keeps the head and tail of its combined output. A program past its time is killed with its whole process tree.
 */
public final class ProcessExec {

    /** How a run ended: exit code ({@code -1} when killed), whether it timed out, its output (head and tail). */
    public record Outcome(int exitCode, boolean timedOut, String output, long outputBytes, Duration took) {}

    private ProcessExec() {}

    public static Outcome run(List<String> argv, Path dir, Map<String, String> env, Duration timeout, int keepBytes) {
        return new Run(argv, dir, env, timeout, keepBytes).call();
    }

    /**
     * One run that can be cancelled from another thread: {@link #call()} starts the program and waits for it;
     * {@link #cancel()} kills its process tree (or keeps it from starting) and makes {@code call} return.
     */
    public static final class Run {
        private final ProcessBuilder builder;
        private final String program;
        private final Duration timeout;
        private final int keepBytes;
        private Process process;
        private boolean cancelled;

        public Run(List<String> argv, Path dir, Map<String, String> env, Duration timeout, int keepBytes) {
            this.builder = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true);
            builder.environment().clear();
            builder.environment().putAll(env);
            builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            this.program = argv.get(0);
            this.timeout = timeout;
            this.keepBytes = keepBytes;
        }

        /** Starts the program and waits for it to end, for at most the timeout; a cancelled run ends as timed out. */
        public Outcome call() {
            long started = System.nanoTime();
            Process p;
            synchronized (this) {
                if (cancelled) {
                    return new Outcome(-1, true, "", 0, Duration.ZERO);
                }
                try {
                    p = builder.start();
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot start '" + program + "': " + e.getMessage(), e);
                }
                process = p;
            }
            HeadTail output = new HeadTail(keepBytes);
            Thread reader = new Thread(() -> output.drain(p.getInputStream()), "cadre-process-output-" + p.pid());
            reader.setDaemon(true);
            reader.start();
            boolean finished;
            try {
                finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                finished = false;
            }
            if (!finished) {
                killTree(p);
            }
            try {
                reader.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            boolean killed = !finished || isCancelled();
            int exit = killed ? -1 : p.exitValue();
            return new Outcome(exit, killed, output.text(), output.total(), Duration.ofNanos(System.nanoTime() - started));
        }

        /** Kills the program's whole process tree, or keeps it from starting. */
        public void cancel() {
            Process p;
            synchronized (this) {
                cancelled = true;
                p = process;
            }
            if (p != null) {
                killTree(p);
            }
        }

        private synchronized boolean isCancelled() {
            return cancelled;
        }
    }

    /** Kills a process and every process it started, children first. */
    public static void killTree(Process process) {
        process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Keeps the first and last {@code keep} bytes of a stream. */
    static final class HeadTail {
        private final int keep;
        private final ByteArrayOutputStream head = new ByteArrayOutputStream();
        private final byte[] tail;
        private int tailStart;
        private int tailLength;
        private long total;

        HeadTail(int keep) {
            this.keep = keep;
            this.tail = new byte[keep];
        }

        void drain(InputStream in) {
            byte[] buffer = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    add(buffer, n);
                }
            } catch (IOException e) {
                // the process was killed: keep what was read
            }
        }

        synchronized void add(byte[] b, int n) {
            for (int i = 0; i < n; i++) {
                total++;
                if (head.size() < keep) {
                    head.write(b[i]);
                } else {
                    tail[(tailStart + tailLength) % keep] = b[i];
                    if (tailLength < keep) {
                        tailLength++;
                    } else {
                        tailStart = (tailStart + 1) % keep;
                    }
                }
            }
        }

        synchronized long total() {
            return total;
        }

        synchronized String text() {
            String h = head.toString(StandardCharsets.UTF_8);
            if (tailLength == 0) {
                return h;
            }
            byte[] t = new byte[tailLength];
            for (int i = 0; i < tailLength; i++) {
                t[i] = tail[(tailStart + i) % keep];
            }
            long omitted = total - head.size() - tailLength;
            return h + (omitted > 0 ? "\n... " + omitted + " bytes omitted ...\n" : "") + new String(t, StandardCharsets.UTF_8);
        }
    }
}
