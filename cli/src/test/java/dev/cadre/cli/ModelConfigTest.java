package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.api.Agent;
import dev.cadre.api.ModelRef;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.Persona;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.Task;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.orchestrator.RunOptions;
import dev.cadre.testkit.Reply;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Models from the environment, against stub servers speaking the providers' HTTP APIs. */
class ModelConfigTest {

    @TempDir
    Path runs;

    @Test
    void aFallbackChainAnswersWithTheNextModelWhenOneFails() throws Exception {
        try (ModelStubServer broken = new ModelStubServer(List.of()).failFirst(500);
             ModelStubServer ollama = new ModelStubServer(List.of(Reply.text("from ollama")))) {
            ModelRegistry models = ModelConfig.registry(Map.of("OPENAI_BASE_URL", broken.openAiUrl(), "OLLAMA_BASE_URL", ollama.ollamaUrl(),
                    "CADRE_MODEL", "openai:gpt-4.1-mini, ollama:qwen2.5-coder"), null);
            assertThat(models.defaultModel()).contains(ModelRef.parse("fallback:openai:gpt-4.1-mini,ollama:qwen2.5-coder"));
            assertThat(models.chatModel(models.defaultModel().orElseThrow()).chat("hi")).isEqualTo("from ollama");
            assertThat(broken.requests).hasSize(1);
        }
    }

    @Test
    void tokensStreamFromTheOpenAiStreamingClient() throws Exception {
        try (ModelStubServer stub = new ModelStubServer(List.of(Reply.text("Streaming works token by token.").withUsage(12, 6)))) {
            ModelRegistry models = ModelConfig.registry(Map.of("OPENAI_BASE_URL", stub.openAiUrl(), "OPENAI_API_KEY", "k"), "openai:gpt-4.1-mini");
            List<RunEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
            Orchestrator orchestrator = Orchestrator.builder().models(models).runsDirectory(runs)
                    .listener(handle -> handle.events().subscribe(events::add)).build();
            RunHandle run = orchestrator.run(Agent.of(Persona.builder("writer").role("Writer").build()), Task.of("t", "Say it."),
                    RunOptions.DEFAULTS.withStreaming(true));
            assertThat(run.result().block(Duration.ofSeconds(30)).output()).isEqualTo("Streaming works token by token.");
            String streamed = events.stream().filter(RunEvent.TokenStreamed.class::isInstance)
                    .map(e -> ((RunEvent.TokenStreamed) e).token()).collect(Collectors.joining());
            assertThat(streamed).isEqualTo("Streaming works token by token.");
            assertThat(stub.requests.get(0).path("stream").asBoolean()).isTrue();
        }
    }

    @Test
    void missingKeysAndPricesAreOneSentence() {
        ModelRegistry models = ModelConfig.registry(Map.of(), "anthropic:claude-sonnet-4-5");
        assertThatThrownBy(() -> models.chatModel(ModelRef.parse("anthropic:claude-sonnet-4-5")))
                .hasMessage("ANTHROPIC_API_KEY is not set: export it to use anthropic:claude-sonnet-4-5.");
        assertThatThrownBy(() -> ModelConfig.prices(Map.of("CADRE_PRICES", "openai:gpt-4.1-mini=0.40")))
                .hasMessage("CADRE_PRICES entry 'openai:gpt-4.1-mini=0.40' must look like openai:gpt-4.1-mini=0.40/1.60.");
        assertThat(ModelConfig.prices(Map.of("CADRE_PRICES", "openai:gpt-4.1-mini=0.40/1.60")).cost(ModelRef.parse("openai:gpt-4.1-mini"),
                1_000_000, 1_000_000)).isEqualByComparingTo("2.0");
        assertThat(ModelConfig.registry(Map.of(), null).defaultModel()).isEmpty();
    }
}
