package dev.cadre.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** The JMH harness itself runs: every workflow of every framework for one short iteration, in this JVM. */
class JmhSmokeTest {

    @Test
    void everyWorkflowBenchmarkRunsOnce() throws Exception {
        Collection<RunResult> results = runOnce(WorkflowBenchmark.class);
        assertThat(results).hasSize(4 * Frameworks.NAMES.size() * 2); // store: file, memory
        assertThat(results).allSatisfy(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
    }

    @Test
    void theJournalAppendBenchmarksRunOnce() throws Exception {
        Collection<RunResult> results = runOnce(JournalAppendBenchmark.class);
        assertThat(results).extracting(r -> r.getParams().getBenchmark()).anyMatch(b -> b.endsWith(".local"));
        assertThat(results).allSatisfy(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
    }

    private static Collection<RunResult> runOnce(Class<?> benchmark) throws Exception {
        Options options = new OptionsBuilder()
                .include(benchmark.getSimpleName())
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(100))
                .shouldFailOnError(true)
                .build();
        return new Runner(options).run();
    }
}
