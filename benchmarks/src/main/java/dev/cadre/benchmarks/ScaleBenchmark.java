package dev.cadre.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * S1: N concurrent W2 runs (coder + reviewer, 3 iterations, 9 model calls each) with a model that answers after a
 * fixed non-blocking delay. Reports wall time against the ideal (9 x delay: every run latency-bound), the peak heap
 * used (the JVM's own peak of its heap pools) and the peak of live threads. Run one framework per JVM:
 * {@code java -Xmx2g -cp ... dev.cadre.benchmarks.ScaleBenchmark cadre 10000 200}.
 */
public final class ScaleBenchmark {

    /** One measurement. */
    public record Result(String framework, int runs, Duration delay, long wallMillis, long idealMillis,
                         long submitMillis, long peakHeapBytes, int threadsBefore, int peakThreads, int failed) {
        public double ratioToIdeal() {
            return (double) wallMillis / idealMillis;
        }

        public String row() {
            return String.format(Locale.ROOT, "| %s | %,d | %d ms | %,d ms | %,d ms | %.2fx | %,d ms | %,d MiB | %d -> %d | %d |",
                    framework, runs, delay.toMillis(), wallMillis, idealMillis, ratioToIdeal(), submitMillis,
                    peakHeapBytes / (1024 * 1024), threadsBefore, peakThreads, failed);
        }
    }

    private ScaleBenchmark() {}

    public static Result measure(String framework, int runs, Duration delay) {
        try (Workflows workflows = Frameworks.create(framework, delay)) {
            workflows.loopAsync().toCompletableFuture().join(); // warm the classes up: one run
            workflows.cleanUp();
            System.gc();
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            List<MemoryPoolMXBean> heap = new ArrayList<>();
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    pool.resetPeakUsage();
                    heap.add(pool);
                }
            }
            int before = threads.getThreadCount();
            threads.resetPeakThreadCount();
            long start = System.nanoTime();
            List<CompletableFuture<String>> all = new ArrayList<>(runs);
            for (int i = 0; i < runs; i++) {
                all.add(workflows.loopAsync().toCompletableFuture());
            }
            long submitted = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            int failed = 0;
            for (CompletableFuture<String> run : all) {
                try {
                    run.get(10, TimeUnit.MINUTES);
                } catch (Exception e) {
                    failed++;
                }
            }
            long wall = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            long peakHeap = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
            int peakThreads = threads.getPeakThreadCount();
            workflows.cleanUp();
            return new Result(framework, runs, delay, wall, Workflows.LOOP_CALLS * delay.toMillis(), submitted, peakHeap, before,
                    peakThreads, failed);
        }
    }

    public static void main(String[] args) {
        String framework = args.length > 0 ? args[0] : "cadre";
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        Duration delay = Duration.ofMillis(args.length > 2 ? Long.parseLong(args[2]) : 200);
        Result result = measure(framework, runs, delay);
        System.out.println(result.row());
    }
}
