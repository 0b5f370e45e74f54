package dev.cadre.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.ollama.OllamaStreamingChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProviderModelsTest {

    @Test
    void eachProviderMakesItsLangChain4jModel() {
        assertThat(ProviderModels.chatModel(new ModelSettings("openai", "gpt-4.1-mini", null, "k", null), "here"))
                .isInstanceOf(OpenAiChatModel.class);
        assertThat(ProviderModels.chatModel(new ModelSettings("anthropic", "claude-sonnet-4-5", null, "k", null), "here"))
                .isInstanceOf(AnthropicChatModel.class);
        assertThat(ProviderModels.streamingChatModel(new ModelSettings("ollama", "qwen2.5-coder", null, null, Duration.ofSeconds(5)), "here"))
                .isInstanceOf(OllamaStreamingChatModel.class);
        // an OpenAI-compatible server at a base URL needs no key
        assertThat(ProviderModels.chatModel(new ModelSettings("openai", "local", "http://127.0.0.1:1/v1", " ", null), "here")).isNotNull();
    }

    @Test
    void settingsHaveDefaultsAndAReference() {
        ModelSettings settings = new ModelSettings("ollama", "qwen2.5-coder:7b", "", "", null);
        assertThat(settings.timeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(settings.baseUrl()).isNull();
        assertThat(settings.apiKey()).isNull();
        assertThat(settings.reference()).isEqualTo("ollama:qwen2.5-coder:7b");
        assertThat(settings.withTimeout(Duration.ofSeconds(3)).timeout()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void aMistakeIsOneSentenceNamingWhereTheSettingsCameFrom() {
        assertThatThrownBy(() -> ProviderModels.check(new ModelSettings("opnai", "m", null, "k", null), "cadre.models.fast"))
                .hasMessage("cadre.models.fast names the provider 'opnai', which is unknown — did you mean 'openai'? Providers: openai,"
                        + " ollama, anthropic.");
        assertThatThrownBy(() -> ProviderModels.check(new ModelSettings("bedrock", "m", null, "k", null), "X"))
                .hasMessage("X names the provider 'bedrock', which is unknown. Providers: openai, ollama, anthropic.");
        assertThatThrownBy(() -> ProviderModels.check(new ModelSettings(null, "m", null, null, null), "X"))
                .hasMessageStartingWith("X names no provider");
        assertThatThrownBy(() -> ProviderModels.check(new ModelSettings("ollama", " ", null, null, null), "X"))
                .hasMessageStartingWith("X names no model");
        assertThatThrownBy(() -> ProviderModels.check(new ModelSettings("anthropic", "c", null, null, null), "X"))
                .hasMessageStartingWith("X has no API key for anthropic:c");
        assertThatThrownBy(() -> ProviderModels.check(new ModelSettings("openai", "g", null, null, null), "X"))
                .hasMessageStartingWith("X has no API key for openai:g");
        assertThatThrownBy(() -> ProviderModels.check(new ModelSettings("ollama", "q", null, null, Duration.ZERO), "X"))
                .hasMessage("X has the timeout PT0S: it must be positive.");
    }

    @Test
    void theNearestProviderIsAtMostTwoLettersOff() {
        assertThat(ProviderModels.nearestProvider("olama")).contains("ollama");
        assertThat(ProviderModels.nearestProvider("antropic")).contains("anthropic");
        assertThat(ProviderModels.nearestProvider("bedrock")).isEmpty();
    }
}
