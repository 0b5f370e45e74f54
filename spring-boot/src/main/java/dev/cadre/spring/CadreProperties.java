package dev.cadre.spring;

import java.nio.file.Path;
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
 * @param models        model references (what personas and crew files name, e.g. {@code openai:gpt-4.1-mini}) to the
 *                      names of the application's LangChain4j {@code ChatModel} beans; every bean is also
 *                      {@code spring:<beanName>}
 * @param defaultModel  the model of personas that name none: a reference of {@code models} or a bean name (default:
 *                      the only ChatModel bean, or the primary one)
 * @param gate          who decides checkpoints when the application declares no {@code HumanGate} bean
 * @param recentRuns    how many recent runs the health contributor and {@link CadreRuns} keep
 */
@ConfigurationProperties("cadre")
public record CadreProperties(
        Path runsDirectory,
        @DefaultValue("classpath*:crews/*.yaml") List<String> crews,
        Path workspace,
        Map<String, String> models,
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

    public CadreProperties {
        models = models == null ? Map.of() : Map.copyOf(models);
        if (recentRuns < 1) {
            throw new IllegalArgumentException("cadre.recent-runs is " + recentRuns + ": it must be at least 1.");
        }
    }
}
