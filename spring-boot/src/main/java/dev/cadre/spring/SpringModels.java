package dev.cadre.spring;

import dev.cadre.api.ModelRegistry;
import dev.langchain4j.model.chat.ChatModel;
import java.util.Map;
import org.springframework.beans.factory.NoUniqueBeanDefinitionException;
import org.springframework.beans.factory.ObjectProvider;

/** The application's ChatModel beans as a {@link ModelRegistry}: {@code spring:<beanName>} and {@code cadre.models}. */
final class SpringModels {

    private SpringModels() {}

    static ModelRegistry registry(Map<String, ChatModel> beans, ObjectProvider<ChatModel> primary, CadreProperties properties) {
        if (beans.isEmpty()) {
            throw new IllegalStateException("Cadre needs a LangChain4j ChatModel bean: add a LangChain4j Spring Boot starter"
                    + " (e.g. langchain4j-open-ai-spring-boot-starter) or declare a @Bean ChatModel.");
        }
        ModelRegistry.Builder registry = ModelRegistry.builder();
        beans.forEach((name, model) -> registry.model("spring:" + name, model));
        properties.models().forEach((reference, bean) -> registry.model(reference, require(beans, bean, "cadre.models[" + reference + "]")));
        registry.defaultModel(defaultReference(beans, primary, properties));
        return registry.build();
    }

    private static String defaultReference(Map<String, ChatModel> beans, ObjectProvider<ChatModel> primary, CadreProperties properties) {
        String chosen = properties.defaultModel();
        if (chosen != null) {
            if (properties.models().containsKey(chosen)) {
                return chosen;
            }
            require(beans, chosen, "cadre.default-model");
            return "spring:" + chosen;
        }
        if (beans.size() == 1) {
            return "spring:" + beans.keySet().iterator().next();
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
                    + String.join(", ", beans.keySet()) + ".");
        }
        return model;
    }
}
