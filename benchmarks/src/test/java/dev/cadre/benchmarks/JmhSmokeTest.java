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
        Options options = new OptionsBuilder()
                .include(WorkflowBenchmark.class.getSimpleName())
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(100))
                .shouldFailOnError(true)
                .build();
        Collection<RunResult> results = new Runner(options).run();
        assertThat(results).hasSize(4 * Frameworks.NAMES.size() * 2); // store: file, memory
        assertThat(results).allSatisfy(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
    }

    @Test
    void theJournalAppendBenchmarksRunOnce() throws Exception {
        Options options = new OptionsBuilder()
                .include(JournalAppendBenchmark.class.getSimpleName())
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(100))
                .shouldFailOnError(true)
                .build();
        Collection<RunResult> results = new Runner(options).run();
        assertThat(results).extracting(r -> r.getParams().getBenchmark()).anyMatch(b -> b.endsWith(".local"));
        assertThat(results).allSatisfy(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
    }
}
