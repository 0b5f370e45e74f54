package dev.cadre.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** The JMH harness itself runs: every workflow of every framework for one short iteration, in this JVM. */
class JmhSmokeTest {

    @Test
    void everyWorkflowBenchmarkRunsOnce() throws Exception {
        Collection<RunResult> results = runOnce(WorkflowBenchmark.class, "durability", "process");
        assertThat(results).hasSize(4 * Frameworks.NAMES.size() * 2); // store: file, memory
        assertThat(results).allSatisfy(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
    }

    @Test
    void theJournaledWorkflowsRunWithFsyncDurability() throws Exception {
        Options options = options(WorkflowBenchmark.class.getSimpleName() + ".w2Loop")
                .param("durability", "fsync").param("store", "file")
                .param("framework", "cadre-streaming", "handwritten-journaled").build();
        Collection<RunResult> results = new Runner(options).run();
        assertThat(results).hasSize(2);
        assertThat(results).allSatisfy(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
    }

    @Test
    void theJournalAppendBenchmarksRunOnce() throws Exception {
        Collection<RunResult> results = new Runner(options(JournalAppendBenchmark.class.getSimpleName()).build()).run();
        List<String> local = results.stream().filter(r -> r.getParams().getBenchmark().endsWith(".local"))
                .map(r -> r.getParams().getParam("durability")).toList();
        assertThat(local).containsExactlyInAnyOrder("process", "fsync");
        assertThat(results).allSatisfy(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
    }

    private static Collection<RunResult> runOnce(Class<?> benchmark, String param, String value) throws Exception {
        return new Runner(options(benchmark.getSimpleName()).param(param, value).build()).run();
    }

    private static ChainedOptionsBuilder options(String include) {
        return new OptionsBuilder()
                .include(include)
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(100))
                .shouldFailOnError(true);
    }
}
