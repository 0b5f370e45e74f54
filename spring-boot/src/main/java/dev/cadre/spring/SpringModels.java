package dev.cadre.spring;

import dev.cadre.api.ModelRef;
import dev.cadre.api.ModelRegistry;
import dev.cadre.models.ModelSettings;
import dev.cadre.models.ProviderModels;
import dev.langchain4j.model.chat.ChatModel;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.NoUniqueBeanDefinitionException;
import org.springframework.beans.factory.ObjectProvider;

/**
 * The models of a Spring application as a {@link ModelRegistry}: its ChatModel beans ({@code spring:<beanName>} and
 * references of {@code cadre.models} naming them), and the models {@code cadre.models} describes by their settings.
 */
final class SpringModels {

    private SpringModels() {}

    static ModelRegistry registry(Map<String, ChatModel> beans, ObjectProvider<ChatModel> primary, CadreProperties properties) {
        ModelRegistry.Builder registry = ModelRegistry.builder();
        beans.forEach((name, model) -> registry.model("spring:" + name, model));
        Map<String, String> made = new LinkedHashMap<>(); // key of cadre.models -> the reference it is registered as
        properties.models().forEach((key, model) -> {
            if (!model.made()) {
                registry.model(key, require(beans, model.bean(), "cadre.models[" + key + "]"));
                return;
            }
            ModelSettings settings = settings(key, model);
            String where = setting(key);
            String reference = settings.reference();
            made.forEach((other, ref) -> {
                if (ref.equals(reference)) {
                    throw new IllegalStateException(setting(other) + " and " + where + " are both " + reference
                            + ": give one of them another model name, or drop it.");
                }
            });
            made.put(key, reference);
            registry.model(reference, ProviderModels.chatModel(settings, where));
            registry.streamingModel(reference, ProviderModels.streamingChatModel(settings, where));
        });
        if (beans.isEmpty() && made.isEmpty()) {
            throw new IllegalStateException("Cadre needs a LangChain4j ChatModel bean: add a LangChain4j Spring Boot starter"
                    + " (e.g. langchain4j-open-ai-spring-boot-starter), declare a @Bean ChatModel, or describe a model with"
                    + " cadre.models.<name>.provider and .model-name (e.g. cadre.models.fast.provider=openai).");
        }
        registry.defaultModel(defaultReference(beans, primary, properties, made));
        return registry.build();
    }

    /** The settings of a made model; under a reference key, the provider and model name default to the key's. */
    static ModelSettings settings(String key, CadreProperties.Model model) {
        String provider = model.provider();
        String name = model.modelName();
        if (key.contains(":")) {
            ModelRef ref = ModelRef.parse(key);
            provider = provider == null ? ref.provider() : provider;
            name = name == null ? ref.name() : name;
        }
        ModelSettings settings = new ModelSettings(provider, name, model.baseUrl(), model.apiKey(), model.timeout());
        ProviderModels.check(settings, setting(key));
        return settings;
    }

    private static String setting(String key) {
        return key.contains(":") || key.contains(".") ? "cadre.models[" + key + "]" : "cadre.models." + key;
    }

    private static String defaultReference(Map<String, ChatModel> beans, ObjectProvider<ChatModel> primary, CadreProperties properties,
                                           Map<String, String> made) {
        String chosen = properties.defaultModel();
        if (chosen != null) {
            if (made.containsKey(chosen)) {
                return made.get(chosen);
            }
            if (properties.models().containsKey(chosen) || made.containsValue(chosen)) {
                return chosen;
            }
            require(beans, chosen, "cadre.default-model");
            return "spring:" + chosen;
        }
        if (beans.size() == 1) {
            return "spring:" + beans.keySet().iterator().next();
        }
        if (beans.isEmpty()) {
            if (made.size() == 1) {
                return made.values().iterator().next();
            }
            throw new IllegalStateException("cadre.models describes " + made.size() + " models (" + String.join(", ", new java.util.TreeSet<>(made.keySet()))
                    + "): set cadre.default-model to one of them.");
        }
        try {
            ChatModel model = primary.getIfAvailable();
            String name = beans.entrySet().stream().filter(e -> e.getValue() == model).map(Map.Entry::getKey).findFirst().orElseThrow();
            return "spring:" + name;
        } catch (NoUniqueBeanDefinitionException | java.util.NoSuchElementException e) {
            throw new IllegalStateException("Cadre found " + beans.size() + " ChatModel beans (" + String.join(", ", beans.keySet())
                    + "): set cadre.default-model to one of them, or mark one @Primary.");
        }
    }

    private static ChatModel require(Map<String, ChatModel> beans, String bean, String setting) {
        ChatModel model = beans.get(bean);
        if (model == null) {
            throw new IllegalStateException(setting + " names '" + bean + "', which is no ChatModel bean; ChatModel beans: "
                    + (beans.isEmpty() ? "none" : String.join(", ", beans.keySet())) + ".");
        }
        return model;
    }
}
