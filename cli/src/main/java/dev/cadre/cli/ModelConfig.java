package dev.cadre.cli;

import dev.cadre.api.ModelRef;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.PriceTable;
import dev.cadre.api.UnknownModelException;
import dev.cadre.models.ModelSettings;
import dev.cadre.models.ProviderModels;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Models from the environment, through LangChain4j's providers: {@code openai:<model>} ({@code OPENAI_API_KEY},
 * {@code OPENAI_BASE_URL} for any OpenAI-compatible server), {@code ollama:<model>} ({@code OLLAMA_BASE_URL}),
 * {@code anthropic:<model>} ({@code ANTHROPIC_API_KEY}). The default model is {@code --model} or
 * {@code CADRE_MODEL}; a comma-separated list is a fallback chain. Prices come from {@code CADRE_PRICES}
 * ({@code openai:gpt-4.1-mini=0.40/1.60;...}, per million input/output tokens).
 */
final class ModelConfig {

    static final String HOW = "set CADRE_MODEL, for example CADRE_MODEL=openai:gpt-4.1-mini with OPENAI_API_KEY (OPENAI_BASE_URL for"
            + " any OpenAI-compatible server), CADRE_MODEL=ollama:qwen2.5-coder with Ollama running (OLLAMA_BASE_URL, default"
            + " http://localhost:11434), or CADRE_MODEL=anthropic:claude-sonnet-4-5 with ANTHROPIC_API_KEY; or pass --model";

    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    /** The providers the CLI makes models for. */
    static final List<String> PROVIDERS = ProviderModels.PROVIDERS;

    /** The provider {@code typed} is most likely a typo of (at most two letters off). */
    static Optional<String> nearestProvider(String typed) {
        return ProviderModels.nearestProvider(typed);
    }

    private ModelConfig() {}

    /** The default model reference: {@code --model}, else {@code CADRE_MODEL}; empty when neither is set. */
    static Optional<String> defaultReference(Map<String, String> env, String override) {
        String ref = override != null && !override.isBlank() ? override : env.get("CADRE_MODEL");
        return ref == null || ref.isBlank() ? Optional.empty() : Optional.of(ref.strip());
    }

    static ModelRegistry registry(Map<String, String> env, String override) {
        ModelRegistry.Builder builder = ModelRegistry.builder()
                .provider("openai", name -> ProviderModels.chatModel(openAi(env, name), "OPENAI_BASE_URL/OPENAI_API_KEY"))
                .streamingProvider("openai", name -> ProviderModels.streamingChatModel(openAi(env, name), "OPENAI_BASE_URL/OPENAI_API_KEY"))
                .provider("ollama", name -> ProviderModels.chatModel(ollama(env, name), "OLLAMA_BASE_URL"))
                .streamingProvider("ollama", name -> ProviderModels.streamingChatModel(ollama(env, name), "OLLAMA_BASE_URL"))
                .provider("anthropic", name -> ProviderModels.chatModel(anthropic(env, name), "ANTHROPIC_API_KEY"))
                .streamingProvider("anthropic", name -> ProviderModels.streamingChatModel(anthropic(env, name), "ANTHROPIC_API_KEY"));
        Optional<String> ref = defaultReference(env, override);
        if (ref.isPresent()) {
            String value = ref.get();
            if (value.contains(",")) {
                ModelRegistry inner = builder.build();
                List<ModelRef> chain = new ArrayList<>();
                for (String part : value.split(",")) {
                    chain.add(ModelRef.parse(part.strip()));
                }
                builder.model("fallback:" + value.replace(" ", ""), new Fallback(inner, chain));
                builder.defaultModel("fallback:" + value.replace(" ", ""));
            } else {
                builder.defaultModel(value);
            }
        }
        builder.provider("fallback", name -> {
            throw new UnknownModelException("A fallback chain is written as CADRE_MODEL=openai:gpt-4.1-mini,ollama:qwen2.5-coder.");
        });
        return builder.build();
    }

    private static ModelSettings openAi(Map<String, String> env, String name) {
        return new ModelSettings("openai", name, openAiUrl(env), key(env, "OPENAI_API_KEY", "openai:" + name), TIMEOUT);
    }

    private static ModelSettings ollama(Map<String, String> env, String name) {
        return new ModelSettings("ollama", name, ollamaUrl(env), null, TIMEOUT);
    }

    private static ModelSettings anthropic(Map<String, String> env, String name) {
        return new ModelSettings("anthropic", name, null, key(env, "ANTHROPIC_API_KEY", "anthropic:" + name), TIMEOUT);
    }

    private static String openAiUrl(Map<String, String> env) {
        return env.getOrDefault("OPENAI_BASE_URL", "https://api.openai.com/v1");
    }

    private static String ollamaUrl(Map<String, String> env) {
        return env.getOrDefault("OLLAMA_BASE_URL", "http://localhost:11434");
    }

    private static String key(Map<String, String> env, String variable, String ref) {
        String key = env.get(variable);
        if (key == null || key.isBlank()) {
            if (variable.equals("OPENAI_API_KEY") && env.containsKey("OPENAI_BASE_URL")) {
                return "none"; // local OpenAI-compatible servers usually need no key
            }
            throw new UnknownModelException(variable + " is not set: export it to use " + ref + ".");
        }
        return key;
    }

    /** Prices from CADRE_PRICES: {@code ref=input/output;ref=input/output}, per million tokens. */
    static PriceTable prices(Map<String, String> env) {
        String spec = env.get("CADRE_PRICES");
        if (spec == null || spec.isBlank()) {
            return PriceTable.NONE;
        }
        Map<String, PriceTable.Price> prices = new HashMap<>();
        for (String entry : spec.split(";")) {
            String[] kv = entry.strip().split("=");
            String[] io = kv.length == 2 ? kv[1].split("/") : new String[0];
            if (io.length != 2) {
                throw new IllegalArgumentException("CADRE_PRICES entry '" + entry.strip() + "' must look like openai:gpt-4.1-mini=0.40/1.60.");
            }
            prices.put(ModelRef.parse(kv[0].strip()).toString(), new PriceTable.Price(new BigDecimal(io[0].strip()), new BigDecimal(io[1].strip())));
        }
        return new PriceTable(prices);
    }

    /** Tries each model in order; the next one answers when one fails. */
    private record Fallback(ModelRegistry registry, List<ModelRef> chain) implements ChatModel {
        @Override
        public ChatResponse doChat(ChatRequest request) {
            RuntimeException last = null;
            for (ModelRef ref : chain) {
                try {
                    return registry.chatModel(ref).chat(request);
                } catch (RuntimeException e) {
                    last = e;
                }
            }
            throw last;
        }
    }
}
