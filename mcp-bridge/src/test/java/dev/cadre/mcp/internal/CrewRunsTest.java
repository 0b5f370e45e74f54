package dev.cadre.mcp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Cache;
import dev.cadre.api.Checkpoint;
import dev.cadre.api.Decision;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** The server's runs map is bounded: finished runs leave it after a while, or when too many have finished. */
class CrewRunsTest {

    /** A run whose end the test decides. */
    static final class Run implements RunHandle {
        final String id;
        final Sinks.One<RunResult> result = Sinks.one();
        volatile RunStatus status = RunStatus.RUNNING;

        Run(String id) {
            this.id = id;
        }

        void end() {
            status = RunStatus.SUCCEEDED;
            result.tryEmitEmpty();
        }

        @Override
        public String runId() {
            return id;
        }

        @Override
        public Flux<RunEvent> events() {
            return Flux.empty();
        }

        @Override
        public Mono<RunResult> result() {
            return result.asMono();
        }

        @Override
        public RunStatus status() {
            return status;
        }

        @Override
        public List<Checkpoint> pendingCheckpoints() {
            return List.of();
        }

        @Override
        public void resolve(String checkpointId, Decision decision) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void cancel() {
            end();
        }
    }

    final AtomicLong now = new AtomicLong();

    @Test
    void aFinishedRunLeavesAfterTheRetentionAndARunningOneStays() {
        Cache<String, RunHandle> runs = CrewRuns.bounded(now::get, Duration.ofMinutes(10), 100);
        Run running = new Run("running");
        Run finished = new Run("finished");
        CrewRuns.track(runs, running);
        CrewRuns.track(runs, finished);
        now.addAndGet(Duration.ofHours(5).toNanos());
        finished.end();
        now.addAndGet(Duration.ofMinutes(9).toNanos());
        assertThat(runs.asMap()).containsOnlyKeys("running", "finished");
        now.addAndGet(Duration.ofMinutes(2).toNanos());
        runs.cleanUp();
        assertThat(runs.asMap()).containsOnlyKeys("running");
        now.addAndGet(Duration.ofDays(30).toNanos());
        runs.cleanUp();
        assertThat(runs.getIfPresent("running")).isSameAs(running);
    }

    @Test
    void beyondTheMostFinishedRunsTheOldEndedGoAndRunningOnesAllStay() {
        Cache<String, RunHandle> runs = CrewRuns.bounded(now::get, Duration.ofHours(1), 3);
        for (int i = 0; i < 50; i++) {
            CrewRuns.track(runs, new Run("live-" + i));
        }
        for (int i = 0; i < 10; i++) {
            Run run = new Run("done-" + i);
            CrewRuns.track(runs, run);
            run.end();
            now.addAndGet(1000);
        }
        runs.cleanUp();
        assertThat(runs.asMap().keySet().stream().filter(k -> k.startsWith("live-"))).hasSize(50);
        assertThat(runs.asMap().keySet().stream().filter(k -> k.startsWith("done-"))).hasSize(3);
    }
}
