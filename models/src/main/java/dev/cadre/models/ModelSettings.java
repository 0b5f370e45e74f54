package dev.cadre.models;

import java.time.Duration;

/**
 * How to make one chat model: which LangChain4j provider, the provider's name for the model, and where and how to
 * reach it.
 *
 * @param provider  {@code openai} (also any OpenAI-compatible server, with {@code baseUrl}), {@code ollama} or
 *                  {@code anthropic}
 * @param modelName the provider's name for the model, e.g. {@code gpt-4.1-mini}
 * @param baseUrl   the server's address; {@code null}: the provider's default (OpenAI's and Anthropic's hosted APIs,
 *                  Ollama on {@code http://localhost:11434})
 * @param apiKey    the key; {@code null} is allowed for Ollama and for an OpenAI-compatible server at {@code baseUrl}
 * @param timeout   how long one call may take; {@code null}: 5 minutes
 */
public record ModelSettings(String provider, String modelName, String baseUrl, String apiKey, Duration timeout) {

    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    public ModelSettings {
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
        baseUrl = baseUrl == null || baseUrl.isBlank() ? null : baseUrl;
    }

    /** {@code provider:modelName}, the reference personas and crew files name it by. */
    public String reference() {
        return provider + ":" + modelName;
    }

    /** Settings with this timeout. */
    public ModelSettings withTimeout(Duration timeout) {
        return new ModelSettings(provider, modelName, baseUrl, apiKey, timeout);
    }
}
