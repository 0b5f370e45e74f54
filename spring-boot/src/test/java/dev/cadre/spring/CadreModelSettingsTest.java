package dev.cadre.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.ModelRef;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Task;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.testkit.ScriptedModel;
import dev.langchain4j.model.chat.ChatModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.MapPropertySource;

/** Models made from cadre.models.<name>.* alone, against an OpenAI-compatible server on loopback. */
class CadreModelSettingsTest {

    @TempDir
    Path runs;

    ApplicationContextRunner runner() {
        return CadreStarterSettingsTest.runner(runs);
    }

    @Test
    void aModelFromPropertiesAloneRunsTheApplicationsCrewsAgainstItsServerWithItsKey() throws Exception {
        try (OpenAiStub stub = new OpenAiStub("from the stub")) {
            runner().withPropertyValues("cadre.models.fast.provider=openai", "cadre.models.fast.model-name=gpt-4.1-mini",
                            "cadre.models.fast.base-url=" + stub.baseUrl(), "cadre.models.fast.api-key=${test.openai-key}",
                            "cadre.models.fast.timeout=20s", "test.openai-key=sk-test-123")
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        ModelRegistry models = context.getBean(ModelRegistry.class);
                        assertThat(models.defaultModel()).contains(ModelRef.parse("openai:gpt-4.1-mini"));
                        RunResult result = context.getBean(Orchestrator.class)
                                .run(context.getBean(CadreCrews.class).get("summary"), Task.of("go", "the minutes")).await(Duration.ofSeconds(30));
                        assertThat(result.status()).as(result.reason()).isEqualTo(RunStatus.SUCCEEDED);
                        assertThat(result.output()).isEqualTo("from the stub");
                    });
            assertThat(stub.seen).isNotEmpty().allSatisfy(seen -> {
                assertThat(seen.authorization()).isEqualTo("Bearer sk-test-123");
                assertThat(seen.body()).contains("\"gpt-4.1-mini\"");
            });
        }
    }

    @Test
    void aReferenceKeyGivesTheProviderAndModelNameAndSitsBesideTheApplicationsBeans() throws Exception {
        try (OpenAiStub stub = new OpenAiStub("compatible")) {
            runner().withBean("scripted", ChatModel.class, () -> ScriptedModel.builder().build())
                    // withPropertyValues would split the key at its colon
                    .withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("models",
                            Map.of("cadre.models[openai:qwen2.5-coder].base-url", stub.baseUrl(), "cadre.default-model", "openai:qwen2.5-coder"))))
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        ModelRegistry models = context.getBean(ModelRegistry.class);
                        assertThat(models.defaultModel()).contains(ModelRef.parse("openai:qwen2.5-coder"));
                        assertThat(models.chatModel(ModelRef.parse("openai:qwen2.5-coder")).chat("hi")).isEqualTo("compatible");
                        assertThat(models.chatModel(ModelRef.parse("spring:scripted"))).isSameAs(context.getBean("scripted"));
                    });
            assertThat(stub.seen).singleElement().satisfies(seen -> assertThat(seen.body()).contains("\"qwen2.5-coder\""));
        }
    }

    @Test
    void aMistakeInTheSettingsStopsTheStartNamingTheSetting() {
        runner().withPropertyValues("cadre.models.fast.provider=opnai", "cadre.models.fast.model-name=gpt-4.1-mini")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause().hasMessage(
                        "cadre.models.fast names the provider 'opnai', which is unknown — did you mean 'openai'? Providers: openai,"
                                + " ollama, anthropic."));
        runner().withPropertyValues("cadre.models.fast.provider=openai", "cadre.models.fast.model-name=gpt-4.1-mini")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageStartingWith("cadre.models.fast has no API key for openai:gpt-4.1-mini"));
        runner().withPropertyValues("cadre.models.fast.provider=ollama")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageStartingWith("cadre.models.fast names no model"));
        runner().withPropertyValues("cadre.models.a.provider=ollama", "cadre.models.a.model-name=qwen",
                        "cadre.models.b.provider=ollama", "cadre.models.b.model-name=llama")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessage("cadre.models describes 2 models (a, b): set cadre.default-model to one of them."));
    }
}
