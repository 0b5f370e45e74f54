package dev.cadre.orchestrator;

import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Step;
import dev.cadre.api.crew.Until;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.Agent;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.Persona;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import dev.cadre.api.Task;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/** Many concurrent runs hold no thread each: with a non-blocking model they finish on a handful of threads. */
class ScaleTest {

    @TempDir
    Path runs;

    @Test
    void aThousandConcurrentLoopRunsFinishOnAHandfulOfThreads() {
        Duration delay = Duration.ofMillis(100);
        ScriptedModel model = ScriptedModel.builder()
                .atStep("loop/iteration-1/code", Reply.text("v1").after(delay))
                .atStep("loop/iteration-1/review", Reply.text("CHANGES: add a test").after(delay))
                .atStep("loop/iteration-2/code", Reply.text("v2").after(delay))
                .atStep("loop/iteration-2/review", Reply.text("APPROVED").after(delay))
                .build();
        Agent coder = Agent.of(Persona.builder("coder").role("Coder").build());
        Agent reviewer = Agent.of(Persona.builder("reviewer").role("Reviewer").build());
        Crew crew = Crew.of("loop", Step.loop("loop", Until.textContains("review", "APPROVED"), 3,
                Step.work(coder, Task.builder("code").description("Code.").context("review").build()),
                Step.work(reviewer, Task.builder("review").description("Review.").context("code").build())));
        Orchestrator orchestrator = Orchestrator.builder().models(ModelRegistry.of("scripted:m", model)).runsDirectory(runs).build();

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int before = threads.getThreadCount();
        threads.resetPeakThreadCount();
        List<RunHandle> handles = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            handles.add(orchestrator.run(crew, Task.of("t" + i, "Task " + i), RunOptions.DEFAULTS.withStreaming(true)));
        }
        List<RunResult> results = Flux.fromIterable(handles).flatMap(RunHandle::result, 1000).collectList()
                .block(Duration.ofSeconds(60));
        int peak = threads.getPeakThreadCount();
        org.slf4j.LoggerFactory.getLogger(ScaleTest.class).info("1,000 concurrent loop runs: {} threads before, peak {}", before, peak);

        assertThat(results).hasSize(1000).allSatisfy(r -> {
            assertThat(r.succeeded()).as(r.reason() == null ? "ok" : r.reason()).isTrue();
            assertThat(r.output()).isEqualTo("APPROVED");
            assertThat(r.usage().modelCalls()).isEqualTo(4);
        });
        assertThat(peak - before).as("threads added while 1,000 runs were in flight (before: %d, peak: %d)", before, peak)
                .isLessThanOrEqualTo(8);
    }
}
