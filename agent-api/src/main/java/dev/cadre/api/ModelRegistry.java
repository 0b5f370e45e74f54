package dev.cadre.api;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Turns model references ({@code openai:gpt-4.1-mini}) into LangChain4j models, so every provider LangChain4j
 * supports works. Register ready-made models by reference, or providers that build a model from its name.
 */
public interface ModelRegistry {

    /** The chat model for {@code ref}; throws {@link UnknownModelException} naming what is registered when none is. */
    ChatModel chatModel(ModelRef ref);

    /** The streaming model for {@code ref}, when one is registered. */
    default Optional<StreamingChatModel> streamingChatModel(ModelRef ref) {
        return Optional.empty();
    }

    /** The model used by personas that name none. */
    default Optional<ModelRef> defaultModel() {
        return Optional.empty();
    }

    /** The model reference a persona uses: its own, else the default; a clear error when there is neither. */
    default ModelRef modelFor(Persona persona) {
        if (persona.model() != null) {
            return ModelRef.parse(persona.model());
        }
        return defaultModel().orElseThrow(() -> new UnknownModelException("Persona '" + persona.id()
                + "' names no model and no default model is configured: give the persona a 'model' such as"
                + " 'openai:gpt-4.1-mini', or set a default (ModelRegistry.Builder.defaultModel, or CADRE_MODEL for the CLI)."));
    }

    static Builder builder() {
        return new Builder();
    }

    /** A registry answering every reference with one model (handy with testkit's ScriptedModel). */
    static ModelRegistry of(String defaultReference, ChatModel model) {
        return builder().model(defaultReference, model).defaultModel(defaultReference).build();
    }

    /** Builds a map-backed {@link ModelRegistry}. Models made by providers are built once per reference. */
    final class Builder {
        private final Map<ModelRef, ChatModel> models = new LinkedHashMap<>();
        private final Map<ModelRef, StreamingChatModel> streamingModels = new LinkedHashMap<>();
        private final Map<String, Function<String, ChatModel>> providers = new LinkedHashMap<>();
        private final Map<String, Function<String, StreamingChatModel>> streamingProviders = new LinkedHashMap<>();
        private ModelRef defaultModel;

        private Builder() {}

        /** Registers a model under a reference; a model that also streams is registered for streaming too. */
        public Builder model(String reference, ChatModel model) {
            ModelRef ref = ModelRef.parse(reference);
            models.put(ref, Objects.requireNonNull(model, "model"));
            if (model instanceof StreamingChatModel streaming) {
                streamingModels.putIfAbsent(ref, streaming);
            }
            return this;
        }

        public Builder streamingModel(String reference, StreamingChatModel model) {
            streamingModels.put(ModelRef.parse(reference), Objects.requireNonNull(model, "model"));
            return this;
        }

        /** Registers a provider: {@code factory} builds the model for a name such as {@code gpt-4.1-mini}. */
        public Builder provider(String provider, Function<String, ChatModel> factory) {
            providers.put(provider, Objects.requireNonNull(factory, "factory"));
            return this;
        }

        public Builder streamingProvider(String provider, Function<String, StreamingChatModel> factory) {
            streamingProviders.put(provider, Objects.requireNonNull(factory, "factory"));
            return this;
        }

        public Builder defaultModel(String reference) {
            this.defaultModel = reference == null ? null : ModelRef.parse(reference);
            return this;
        }

        public ModelRegistry build() {
            return new MapRegistry(Map.copyOf(models), Map.copyOf(streamingModels), Map.copyOf(providers),
                    Map.copyOf(streamingProviders), defaultModel);
        }
    }

    /** The registry {@link Builder} builds. */
    final class MapRegistry implements ModelRegistry {
        private final Map<ModelRef, ChatModel> models;
        private final Map<ModelRef, StreamingChatModel> streamingModels;
        private final Map<String, Function<String, ChatModel>> providers;
        private final Map<String, Function<String, StreamingChatModel>> streamingProviders;
        private final ModelRef defaultModel;
        private final Map<ModelRef, ChatModel> built = new ConcurrentHashMap<>();
        private final Map<ModelRef, StreamingChatModel> builtStreaming = new ConcurrentHashMap<>();

        private MapRegistry(Map<ModelRef, ChatModel> models, Map<ModelRef, StreamingChatModel> streamingModels,
                            Map<String, Function<String, ChatModel>> providers,
                            Map<String, Function<String, StreamingChatModel>> streamingProviders, ModelRef defaultModel) {
            this.models = models;
            this.streamingModels = streamingModels;
            this.providers = providers;
            this.streamingProviders = streamingProviders;
            this.defaultModel = defaultModel;
        }

        @Override
        public ChatModel chatModel(ModelRef ref) {
            ChatModel model = models.get(ref);
            if (model != null) {
                return model;
            }
            Function<String, ChatModel> provider = providers.get(ref.provider());
            if (provider == null) {
                TreeSet<String> known = new TreeSet<>();
                models.keySet().forEach(r -> known.add(r.toString()));
                providers.keySet().forEach(p -> known.add(p + ":*"));
                throw new UnknownModelException("No model is registered for '" + ref + "'; registered: "
                        + (known.isEmpty() ? "none" : String.join(", ", known)) + ".");
            }
            return built.computeIfAbsent(ref, r -> provider.apply(r.name()));
        }

        @Override
        public Optional<StreamingChatModel> streamingChatModel(ModelRef ref) {
            StreamingChatModel model = streamingModels.get(ref);
            if (model != null) {
                return Optional.of(model);
            }
            Function<String, StreamingChatModel> provider = streamingProviders.get(ref.provider());
            return provider == null ? Optional.empty()
                    : Optional.of(builtStreaming.computeIfAbsent(ref, r -> provider.apply(r.name())));
        }

        @Override
        public Optional<ModelRef> defaultModel() {
            return Optional.ofNullable(defaultModel);
        }
    }
}
