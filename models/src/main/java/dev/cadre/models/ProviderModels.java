package dev.cadre.models;

import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.anthropic.AnthropicStreamingChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.ollama.OllamaStreamingChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.util.List;
import java.util.Optional;

/**
 * LangChain4j chat models made from {@link ModelSettings}, for the providers Cadre ships: OpenAI (and every
 * OpenAI-compatible server), Ollama and Anthropic. A mistake in the settings is one sentence that names
 * {@code where} they came from (a setting's name, an environment variable), before any call is made.
 */
public final class ProviderModels {

    /** The providers models can be made for. */
    public static final List<String> PROVIDERS = List.of("openai", "ollama", "anthropic");

    static final String OPENAI_URL = "https://api.openai.com/v1";
    static final String OLLAMA_URL = "http://localhost:11434";

    private ProviderModels() {}

    /** The model {@code settings} describe; {@code where} names their source in an error. */
    public static ChatModel chatModel(ModelSettings settings, String where) {
        check(settings, where);
        return switch (settings.provider()) {
            case "openai" -> OpenAiChatModel.builder().baseUrl(openAiUrl(settings)).apiKey(openAiKey(settings))
                    .modelName(settings.modelName()).timeout(settings.timeout()).maxRetries(0).build(); // Cadre retries
            case "ollama" -> OllamaChatModel.builder().baseUrl(ollamaUrl(settings)).modelName(settings.modelName())
                    .timeout(settings.timeout()).build();
            default -> {
                AnthropicChatModel.AnthropicChatModelBuilder anthropic = AnthropicChatModel.builder().apiKey(settings.apiKey())
                        .modelName(settings.modelName()).timeout(settings.timeout());
                yield (settings.baseUrl() == null ? anthropic : anthropic.baseUrl(settings.baseUrl())).build();
            }
        };
    }

    /** The streaming model {@code settings} describe (tokens as they come); {@code where} names their source. */
    public static StreamingChatModel streamingChatModel(ModelSettings settings, String where) {
        check(settings, where);
        return switch (settings.provider()) {
            case "openai" -> OpenAiStreamingChatModel.builder().baseUrl(openAiUrl(settings)).apiKey(openAiKey(settings))
                    .modelName(settings.modelName()).timeout(settings.timeout()).build();
            case "ollama" -> OllamaStreamingChatModel.builder().baseUrl(ollamaUrl(settings)).modelName(settings.modelName())
                    .timeout(settings.timeout()).build();
            default -> {
                AnthropicStreamingChatModel.AnthropicStreamingChatModelBuilder anthropic = AnthropicStreamingChatModel.builder()
                        .apiKey(settings.apiKey()).modelName(settings.modelName()).timeout(settings.timeout());
                yield (settings.baseUrl() == null ? anthropic : anthropic.baseUrl(settings.baseUrl())).build();
            }
        };
    }

    /** Finds what is wrong with {@code settings} before a model is made; {@code where} names their source. */
    public static void check(ModelSettings settings, String where) {
        String provider = settings.provider();
        if (provider == null || provider.isBlank()) {
            throw new IllegalArgumentException(where + " names no provider: set it to one of " + String.join(", ", PROVIDERS) + ".");
        }
        if (!PROVIDERS.contains(provider)) {
            throw new IllegalArgumentException(where + " names the provider '" + provider + "', which is unknown"
                    + nearestProvider(provider).map(p -> " — did you mean '" + p + "'?").orElse(".")
                    + " Providers: " + String.join(", ", PROVIDERS) + ".");
        }
        if (settings.modelName() == null || settings.modelName().isBlank()) {
            throw new IllegalArgumentException(where + " names no model: set the provider's name for it, e.g. gpt-4.1-mini.");
        }
        if (settings.apiKey() == null && provider.equals("anthropic")
                || settings.apiKey() == null && provider.equals("openai") && settings.baseUrl() == null) {
            throw new IllegalArgumentException(where + " has no API key for " + settings.reference()
                    + " (an OpenAI-compatible server at a base URL may need none).");
        }
        if (settings.timeout().isNegative() || settings.timeout().isZero()) {
            throw new IllegalArgumentException(where + " has the timeout " + settings.timeout() + ": it must be positive.");
        }
    }

    /** The provider {@code typed} is most likely a typo of (at most two letters off). */
    public static Optional<String> nearestProvider(String typed) {
        String best = null;
        int bestDistance = 3;
        for (String p : PROVIDERS) {
            int[] row = new int[p.length() + 1];
            for (int j = 0; j <= p.length(); j++) row[j] = j;
            for (int i = 1; i <= typed.length(); i++) {
                int diagonal = row[0];
                row[0] = i;
                for (int j = 1; j <= p.length(); j++) {
                    int above = row[j];
                    row[j] = Math.min(Math.min(row[j] + 1, row[j - 1] + 1), diagonal + (typed.charAt(i - 1) == p.charAt(j - 1) ? 0 : 1));
                    diagonal = above;
                }
            }
            if (row[p.length()] < bestDistance) {
                best = p;
                bestDistance = row[p.length()];
            }
        }
        return Optional.ofNullable(best);
    }

    private static String openAiUrl(ModelSettings settings) {
        return settings.baseUrl() != null ? settings.baseUrl() : OPENAI_URL;
    }

    /** Local OpenAI-compatible servers usually need no key; the client needs one to send. */
    private static String openAiKey(ModelSettings settings) {
        return settings.apiKey() != null ? settings.apiKey() : "none";
    }

    private static String ollamaUrl(ModelSettings settings) {
        return settings.baseUrl() != null ? settings.baseUrl() : OLLAMA_URL;
    }
}
