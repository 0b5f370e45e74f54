package dev.cadre.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.PendingCheckpoint;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Task;
import dev.cadre.api.crew.Crew;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import dev.langchain4j.model.chat.ChatModel;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(classes = CadreAutoConfigurationTest.App.class)
class CadreAutoConfigurationTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path runs;

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
        @Bean
        ChatModel scripted() {
            return ScriptedModel.builder().agent("poet", Reply.text("a haiku").withUsage(12, 3))
                    .agent("summarizer", Reply.text("short")).build();
        }

        @Bean
        MeterRegistry meters() {
            return new SimpleMeterRegistry();
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("cadre.runs-directory", () -> runs.toString());
    }

    @Autowired
    Orchestrator orchestrator;

    @Autowired
    CadreCrews crews;

    @Autowired
    @Qualifier("poem")
    Crew poem;

    @Autowired
    @Qualifier("summary")
    Crew summary;

    @Autowired
    CadreRuns recent;

    @Autowired
    MeterRegistry meters;

    @Autowired
    CadreHealthIndicator health;

    @Test
    void crewsFromTheClasspathAreBeansAndRunOnTheApplicationsChatModelJournalingToTheConfiguredDirectory() throws Exception {
        assertThat(crews.names()).containsExactlyInAnyOrder("poem", "summary");
        assertThat(poem).isSameAs(crews.get("poem"));

        RunResult result = orchestrator.run(summary, Task.of("go", "the minutes")).await(WAIT);

        assertThat(result.status()).as(result.reason()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(result.output()).isEqualTo("short");
        assertThat(dev.cadre.orchestrator.journal.LocalJournalStore.open(runs).contains(result.runId())).isTrue();
        assertThat(recent.find(result.runId())).isPresent();
        assertThat(meters.counter("cadre.runs.ended", "status", "succeeded").count()).isGreaterThanOrEqualTo(1);
        assertThat(meters.counter("cadre.model.calls", "model", "spring:scripted").count()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void theHealthContributorReportsAWaitingCheckpointAndMetricsCountIt() {
        RunHandle run = orchestrator.run(poem, Task.of("go", "the sea"));
        PendingCheckpoint checkpoint = run.nextCheckpoint(WAIT).orElseThrow();

        Health waiting = health.health();
        assertThat(waiting.getStatus()).isEqualTo(Status.UP);
        assertThat((int) waiting.getDetails().get("pendingCheckpoints")).isGreaterThanOrEqualTo(1);
        @SuppressWarnings("unchecked")
        List<Map<String, String>> list = (List<Map<String, String>>) waiting.getDetails().get("waiting");
        assertThat(list).anySatisfy(c -> {
            assertThat(c).containsEntry("run", run.runId()).containsEntry("kind", "REVIEW_AFTER");
            assertThat(c.get("question")).contains("poet");
        });
        assertThat(meters.get("cadre.checkpoints.pending").gauge().value()).isGreaterThanOrEqualTo(1);
        assertThat(meters.counter("cadre.checkpoints.requested", "kind", "REVIEW_AFTER").count()).isGreaterThanOrEqualTo(1);

        checkpoint.approve("ops");
        assertThat(run.await(WAIT).output()).isEqualTo("a haiku");
        assertThat(health.health().getDetails().get("waiting").toString()).doesNotContain(run.runId());
    }
}
