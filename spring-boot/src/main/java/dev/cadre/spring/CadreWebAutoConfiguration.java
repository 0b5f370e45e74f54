package dev.cadre.spring;

import dev.cadre.api.CadreState;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RunListener;
import dev.cadre.console.CadreConsole;
import dev.cadre.mcp.CadreMcpServer;
import dev.cadre.mcp.McpServerConfig;
import java.nio.file.Path;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.ServletContextInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The web console ({@code cadre.web.console.enabled=true}, needs {@code cadre-console}) and the MCP endpoint
 * ({@code cadre.web.mcp.enabled=true}, needs {@code cadre-mcp-bridge}) in the application's servlet container, on its
 * port, under the checks {@link CadreWebProperties} describes. The console shows the runs of the application's
 * orchestrator and of the MCP endpoint, and answers their checkpoints; the MCP endpoint serves the application's
 * crews ({@code crew_<name>} tools) on its models.
 */
@AutoConfiguration(after = CadreAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(CadreWebProperties.class)
public class CadreWebAutoConfiguration {

    static Path runsDirectory(CadreProperties properties) {
        return properties.runsDirectory() != null ? properties.runsDirectory() : CadreState.runsDirectory();
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "dev.cadre.console.CadreConsole")
    @ConditionalOnProperty(prefix = "cadre.web.console", name = "enabled", havingValue = "true")
    static class Console {
        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        CadreConsole cadreConsole(CadreProperties properties, CadreWebProperties web, CadreCrews crews) {
            CadreConsole.Builder builder = CadreConsole.builder().runsDirectory(runsDirectory(properties)).token(web.token());
            web.allowedOrigins().forEach(builder::allowedOrigin);
            crews.files().forEach(builder::crew);
            return builder.build();
        }

        @Bean
        ServletContextInitializer cadreConsoleMount(CadreConsole console, CadreWebProperties web) {
            return container -> console.mount(container, web.console().path());
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "dev.cadre.mcp.CadreMcpServer")
    @ConditionalOnProperty(prefix = "cadre.web.mcp", name = "enabled", havingValue = "true")
    static class Mcp {
        @Bean
        McpEndpoint cadreMcpEndpoint(CadreProperties properties, CadreWebProperties web, CadreCrews crews, ModelRegistry models,
                                     ObjectProvider<RunListener> listeners) {
            McpServerConfig.Builder config = McpServerConfig.builder().builtInCrews(false).models(models)
                    .runsDirectory(runsDirectory(properties)).root(properties.workspace());
            crews.files().values().forEach(config::crew);
            listeners.orderedStream().forEach(config::listener);
            return new McpEndpoint(config.build(), web);
        }
    }

    /** Mounts the MCP server when the container starts, and closes it with the application. */
    static final class McpEndpoint implements ServletContextInitializer, AutoCloseable {
        private final McpServerConfig config;
        private final CadreWebProperties web;
        private CadreMcpServer server;

        McpEndpoint(McpServerConfig config, CadreWebProperties web) {
            this.config = config;
            this.web = web;
        }

        @Override
        public void onStartup(jakarta.servlet.ServletContext container) {
            server = CadreMcpServer.mount(config, container, web.mcp().path(), web.token(), web.allowedOrigins());
        }

        @Override
        public void close() {
            if (server != null) {
                server.close();
            }
        }
    }
}
