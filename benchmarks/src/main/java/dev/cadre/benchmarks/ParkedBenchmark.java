package dev.cadre.benchmarks;

import dev.cadre.api.Agent;
import dev.cadre.api.Checkpoint;
import dev.cadre.api.Decision;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.Persona;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Task;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Review;
import dev.cadre.api.crew.Step;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.orchestrator.redaction.Redactor;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * P1: N runs parked at a human checkpoint (one agent step, reviewed after its work), with the default journal store.
 * Reports the heap retained per parked run (used heap after a full GC with all N waiting, less the same before they
 * started, over N), the live threads while they wait, then resolves every checkpoint and reports how long until all
 * have finished. Run it alone in its JVM: {@code java -Xmx2g -cp ... dev.cadre.benchmarks.ParkedBenchmark 10000}.
 */
public final class ParkedBenchmark {

    /** One measurement. */
    public record Result(int runs, long retainedBytesPerRun, long parkMillis, long resolveMillis, int threadsParked, int failed) {
        public String row() {
            return String.format(Locale.ROOT, "| cadre | %,d | %,d B | %,d ms | %,d ms | %d | %d |", runs, retainedBytesPerRun,
                    parkMillis, resolveMillis, threadsParked, failed);
        }
    }

    private ParkedBenchmark() {}

    public static Result measure(int runs) {
        BenchModel model = new BenchModel(Duration.ZERO, null);
        try (BenchStore store = new BenchStore("file")) {
            Orchestrator orchestrator = Orchestrator.builder()
                    .models(ModelRegistry.builder().model("bench:m", model).defaultModel("bench:m").build())
                    .journalStore(store).redactor(Redactor.none()).build();
            Agent writer = Agent.of(Persona.builder("writer").role("Writer").build());
            Crew crew = Crew.of("p1-parked", new Step.Work("draft", writer, null, Review.afterWork()));
            Task task = Task.of("bench", "Draft the text.");
            park(orchestrator, crew, task, 1).forEach(ParkedBenchmark::approve);   // warm the classes up
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            long before = usedAfterGc(memory);

            long start = System.nanoTime();
            List<RunHandle> parked = park(orchestrator, crew, task, runs);
            long parkMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            long retained = Math.max(0, usedAfterGc(memory) - before) / runs;
            int threads = ManagementFactory.getThreadMXBean().getThreadCount();

            start = System.nanoTime();
            parked.forEach(ParkedBenchmark::approve);
            int failed = 0;
            for (RunHandle run : parked) {
                RunResult result = run.result().block(Duration.ofMinutes(5));
                if (result == null || !result.succeeded()) {
                    failed++;
                }
            }
            long resolveMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            return new Result(runs, retained, parkMillis, resolveMillis, threads, failed);
        }
    }

    /** Starts {@code n} runs and returns them once every one waits at its checkpoint. */
    private static List<RunHandle> park(Orchestrator orchestrator, Crew crew, Task task, int n) {
        List<RunHandle> runs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            runs.add(orchestrator.run(crew, task));
        }
        for (RunHandle run : runs) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (run.status() != RunStatus.WAITING_FOR_HUMAN) {
                if (System.nanoTime() > deadline || run.status().isFinal()) {
                    throw new IllegalStateException("Run " + run.runId() + " did not park at its checkpoint: " + run.status());
                }
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
        return runs;
    }

    private static void approve(RunHandle run) {
        for (Checkpoint checkpoint : run.pendingCheckpoints()) {
            run.resolve(checkpoint.id(), Decision.approve("bench"));
        }
    }

    private static long usedAfterGc(MemoryMXBean memory) {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        System.out.println(measure(runs).row());
    }
}
