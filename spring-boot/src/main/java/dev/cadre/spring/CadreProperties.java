package dev.cadre.spring;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code cadre.*} settings of a Spring Boot application.
 *
 * @param runsDirectory where journals go (default: Cadre's state directory, outside every workspace)
 * @param crews         where crew files are, as Spring resource patterns
 * @param workspace     the directory agents' workspace tools and commands work in, or none (crews without tools)
 * @param models        the models personas and crew files name: a model reference (e.g. {@code openai:gpt-4.1-mini})
 *                      to the name of one of the application's LangChain4j {@code ChatModel} beans
 *                      ({@code cadre.models[openai:gpt-4.1-mini]=openAiChatModel}; every bean is also
 *                      {@code spring:<beanName>}), or a name to the settings of a model Cadre makes
 *                      ({@code cadre.models.fast.provider=openai}, {@code .model-name}, {@code .base-url},
 *                      {@code .api-key}, {@code .timeout}; see {@link Model})
 * @param defaultModel  the model of personas that name none: a key of {@code models} or a bean name (default: the only
 *                      ChatModel bean, or the primary one, or the only model of {@code models} when there is no bean)
 * @param gate          who decides checkpoints when the application declares no {@code HumanGate} bean
 * @param recentRuns    how many recent runs the health contributor and {@link CadreRuns} keep
 */
@ConfigurationProperties("cadre")
public record CadreProperties(
        Path runsDirectory,
        @DefaultValue("classpath*:crews/*.yaml") List<String> crews,
        Path workspace,
        Map<String, Model> models,
        String defaultModel,
        @DefaultValue("approve-read-only") Gate gate,
        @DefaultValue("100") int recentRuns) {

    /** The gates a property can name; for anything else declare a {@code HumanGate} bean. */
    public enum Gate {
        /** Read-only tool calls are approved; the rest waits for the application (the default). */
        APPROVE_READ_ONLY,
        /** Everything waits for the application ({@code RunHandle.checkpoints()} or {@code resolve}). */
        PROGRAMMATIC,
        /** Everything is approved: for CI and trusted sandboxes only. */
        AUTO_APPROVE
    }

    /**
     * One entry of {@code cadre.models}: either the name of a {@code ChatModel} bean, or the settings of a model made
     * by Cadre's providers ({@code cadre-models}: {@code openai} and every OpenAI-compatible server, {@code ollama},
     * {@code anthropic}). A made model is registered as {@code <provider>:<model-name>}, the reference crew files name;
     * under a key that is itself a reference ({@code cadre.models[openai:gpt-4.1-mini].api-key=...}) the provider and
     * the model name default to the key's.
     *
     * @param bean      the ChatModel bean's name ({@code cadre.models[openai:gpt-4.1-mini]=openAiChatModel})
     * @param provider  {@code openai}, {@code ollama} or {@code anthropic}
     * @param modelName the provider's name for the model
     * @param baseUrl   the server's address (default: the provider's)
     * @param apiKey    the key, best from the environment: {@code api-key=${OPENAI_API_KEY}}
     * @param timeout   how long one call may take (default 5 minutes)
     */
    public record Model(String bean, String provider, String modelName, String baseUrl, String apiKey, Duration timeout) {

        /** {@code cadre.models[<reference>]=<bean>}: the bean's name. */
        public static Model valueOf(String bean) {
            return new Model(bean, null, null, null, null, null);
        }

        /** Whether this is a model Cadre makes from settings rather than a bean. */
        public boolean made() {
            return bean == null;
        }

        @Override
        public String toString() { // never the key
            return made() ? "Model[" + provider + ":" + modelName + " at " + baseUrl + "]" : "Model[bean " + bean + "]";
        }
    }

    public CadreProperties {
        models = models == null ? Map.of() : Map.copyOf(models);
        if (recentRuns < 1) {
            throw new IllegalArgumentException("cadre.recent-runs is " + recentRuns + ": it must be at least 1.");
        }
    }
}
