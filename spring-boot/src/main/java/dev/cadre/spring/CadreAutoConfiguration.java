package dev.cadre.spring;

import dev.cadre.api.CadreState;
import dev.cadre.api.HumanGate;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RunListener;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.tools.StandardTools;
import dev.cadre.tools.Workspace;
import dev.langchain4j.model.chat.ChatModel;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Cadre in a Spring Boot application: a {@link ModelRegistry} of the application's LangChain4j {@code ChatModel}
 * beans, an {@link Orchestrator} journaling to {@code cadre.runs-directory}, the crews of
 * {@code classpath*:crews/*.yaml} as beans ({@link CadreCrews} and one {@code Crew} bean per crew), the recent runs
 * ({@link CadreRuns}), Micrometer metrics when a {@code MeterRegistry} is there, and the actuator's {@code cadre}
 * health component when the actuator is. Every bean backs off when the application declares its own.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass(ChatModel.class)
@EnableConfigurationProperties(CadreProperties.class)
public class CadreAutoConfiguration {

    @Bean
    static CrewBeans cadreCrewBeans() {
        return new CrewBeans();
    }

    @Bean
    @ConditionalOnMissingBean
    ModelRegistry cadreModelRegistry(Map<String, ChatModel> chatModels, ObjectProvider<ChatModel> primary, CadreProperties properties) {
        return SpringModels.registry(chatModels, primary, properties);
    }

    @Bean
    @ConditionalOnMissingBean
    CadreRuns cadreRuns(CadreProperties properties) {
        return new CadreRuns(properties.recentRuns());
    }

    @Bean
    @ConditionalOnMissingBean
    Orchestrator cadreOrchestrator(ModelRegistry models, CadreProperties properties, ObjectProvider<RunListener> listeners,
                                   ObjectProvider<HumanGate> gate) {
        Orchestrator.Builder builder = Orchestrator.builder().models(models)
                .runsDirectory(properties.runsDirectory() != null ? properties.runsDirectory() : CadreState.runsDirectory())
                .gate(gate.getIfAvailable(() -> gate(properties.gate())));
        if (properties.workspace() != null) {
            builder.tools(StandardTools.forWorkspace(Workspace.at(properties.workspace())));
        }
        listeners.orderedStream().forEach(builder::listener);
        return builder.build();
    }

    static HumanGate gate(CadreProperties.Gate gate) {
        return switch (gate) {
            case APPROVE_READ_ONLY -> HumanGate.approveReadOnly();
            case PROGRAMMATIC -> HumanGate.programmatic();
            case AUTO_APPROVE -> HumanGate.autoApprove();
        };
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class Metrics {
        @Bean
        @ConditionalOnMissingBean
        CadreMetrics cadreMetrics(ObjectProvider<MeterRegistry> registry, CadreRuns runs) {
            MeterRegistry meters = registry.getIfAvailable(io.micrometer.core.instrument.simple.SimpleMeterRegistry::new);
            return new CadreMetrics(meters, runs);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
    static class HealthContributor {
        @Bean
        @ConditionalOnMissingBean(name = "cadreHealthIndicator")
        CadreHealthIndicator cadreHealthIndicator(CadreRuns runs) {
            return new CadreHealthIndicator(runs);
        }
    }
}
