package dev.cadre.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.HumanGate;
import dev.cadre.api.ModelRef;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Task;
import dev.cadre.api.crew.Crew;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import dev.langchain4j.model.chat.ChatModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.MapPropertySource;

/** The starter's settings and its errors, each in one sentence at start-up. */
class CadreStarterSettingsTest {

    @TempDir
    Path runs;

    ApplicationContextRunner runner() {
        return runner(runs);
    }

    /** The starter alone, journaling to {@code runs}. */
    static ApplicationContextRunner runner(Path runs) {
        return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(CadreAutoConfiguration.class))
                .withPropertyValues("cadre.runs-directory=" + runs);
    }

    @Test
    void withoutAChatModelTheApplicationDoesNotStartAndSaysWhatToAdd() {
        runner().run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                .hasMessageStartingWith("Cadre needs a LangChain4j ChatModel bean: add a LangChain4j Spring Boot starter"));
    }

    @Test
    void twoChatModelsNeedADefaultAndModelReferencesMapToBeans() {
        ApplicationContextRunner two = runner().withBean("fast", ChatModel.class, () -> ScriptedModel.builder().build())
                .withBean("smart", ChatModel.class, () -> ScriptedModel.builder().build());
        two.run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                .hasMessage("Cadre found 2 ChatModel beans (fast, smart): set cadre.default-model to one of them, or mark one @Primary."));
        two.withPropertyValues("cadre.default-model=smart")
                .withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(   // a key with ':' in it
                        new MapPropertySource("models", Map.of("cadre.models[openai:gpt-4.1-mini]", "fast"))))
                .run(context -> {
            ModelRegistry models = context.getBean(ModelRegistry.class);
            assertThat(models.defaultModel()).contains(ModelRef.parse("spring:smart"));
            assertThat(models.chatModel(ModelRef.parse("openai:gpt-4.1-mini"))).isSameAs(context.getBean("fast"));
        });
        two.withPropertyValues("cadre.default-model=nope").run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                .hasMessage("cadre.default-model names 'nope', which is no ChatModel bean; ChatModel beans: fast, smart."));
    }

    @Test
    void aCrewFileWithAMistakeStopsTheStartNamingTheFileAndLine() {
        runner().withBean(ChatModel.class, () -> ScriptedModel.builder().build())
                .withPropertyValues("cadre.crews=classpath*:bad-crews/*.yaml")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasMessage("broken.yaml:3:7: unknown key 'rol' in a persona — did you mean 'role'?"));
    }

    @Test
    void theHealthIsDownWhenTheLastRunsAllFailedAndAGateBeanDecides() {
        runner().withBean(ChatModel.class, () -> ScriptedModel.builder()
                        .anyAgent(Reply.fail(new IllegalStateException("bad key")), Reply.fail(new IllegalStateException("bad key")),
                                Reply.fail(new IllegalStateException("bad key"))).build())
                .withBean(HumanGate.class, HumanGate::autoApprove)
                .run(context -> {
                    Orchestrator orchestrator = context.getBean(Orchestrator.class);
                    Crew summary = context.getBean("summary", Crew.class);
                    for (int i = 0; i < CadreHealthIndicator.FAILURES_DOWN; i++) {
                        assertThat(orchestrator.run(summary, Task.of("go", "x")).await(Duration.ofSeconds(30)).status())
                                .isEqualTo(RunStatus.FAILED);
                    }
                    var health = context.getBean(CadreHealthIndicator.class).health();
                    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                    assertThat(health.getDetails()).containsEntry("failedRuns", 3);
                });
    }
}
