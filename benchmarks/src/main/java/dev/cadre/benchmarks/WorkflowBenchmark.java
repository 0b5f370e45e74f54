package dev.cadre.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * W1-W4, each framework in turn, with the instant model: the time of one whole workflow. Divide by the workflow's
 * model calls ({@link Workflows#SEQUENTIAL_CALLS} and so on) for the overhead per agent step; run with
 * {@code -prof gc} for the allocation per step.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
public class WorkflowBenchmark {

    @Param({"cadre", "cadre-streaming", "agentic", "adk", "handwritten", "handwritten-journaled"})
    public String framework;

    /** Cadre's journal store: {@code file} (the local segment store, the default), {@code memory}, {@code runfiles}. */
    @Param({"file", "memory"})
    public String store;

    /**
     * The journal's durability for {@code store=file} and {@code handwritten-journaled}: {@code process} (the default:
     * in the operating system before published) or {@code fsync} (on disk before published, group commit).
     */
    @Param({"process", "fsync"})
    public String durability;

    private Workflows workflows;

    @Setup(Level.Trial)
    public void setUp() {
        workflows = Frameworks.create(framework, java.time.Duration.ZERO, store, durability);
    }

    @TearDown(Level.Iteration)
    public void cleanUp() {
        workflows.cleanUp();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        workflows.close();
    }

    @Benchmark
    public String w1Sequential() {
        return workflows.sequential();
    }

    @Benchmark
    public String w2Loop() {
        return workflows.loop();
    }

    @Benchmark
    public String w3Parallel() {
        return workflows.parallel();
    }

    @Benchmark
    public String w4Debate() {
        return workflows.debate();
    }
}
