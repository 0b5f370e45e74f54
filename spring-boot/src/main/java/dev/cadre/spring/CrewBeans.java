package dev.cadre.spring;

import dev.cadre.api.Tool;
import dev.cadre.api.crew.Crew;
import dev.cadre.personas.CrewLoader;
import dev.cadre.personas.PersonaLibrary;
import dev.cadre.tools.StandardTools;
import dev.cadre.tools.Workspace;
import java.util.List;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionBuilder;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.ResourceLoaderAware;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.io.support.ResourcePatternUtils;

/**
 * Loads the crew files before the beans are made, so that each crew is a bean of its own (named as the crew, e.g.
 * inject {@code @Qualifier("poem") Crew poem}) beside {@link CadreCrews}. A crew file with a mistake stops the
 * application's start with the file, line and column.
 */
final class CrewBeans implements BeanDefinitionRegistryPostProcessor, EnvironmentAware, ResourceLoaderAware {

    private Environment environment;
    private ResourceLoader resourceLoader;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void setResourceLoader(ResourceLoader resourceLoader) {
        this.resourceLoader = resourceLoader;
    }

    @Override
    public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
        CadreProperties properties = Binder.get(environment).bindOrCreate("cadre", CadreProperties.class);
        CadreCrews crews = CadreCrews.load(ResourcePatternUtils.getResourcePatternResolver(resourceLoader), properties.crews(),
                loader(properties));
        registry.registerBeanDefinition("cadreCrews",
                BeanDefinitionBuilder.genericBeanDefinition(CadreCrews.class, () -> crews).getBeanDefinition());
        for (String name : crews.names()) {
            if (registry.containsBeanDefinition(name)) {
                throw new IllegalStateException("The crew '" + name + "' has the name of another bean; rename the crew in its file.");
            }
            registry.registerBeanDefinition(name,
                    BeanDefinitionBuilder.genericBeanDefinition(Crew.class, () -> crews.get(name)).getBeanDefinition());
        }
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
    }

    /** Crew files resolve persona ids in the built-in library and tools in {@code cadre.workspace}, if set. */
    static CrewLoader loader(CadreProperties properties) {
        if (properties.workspace() == null) {
            return CrewLoader.of(PersonaLibrary.builtIn(), List.<Tool>of());
        }
        Workspace workspace = Workspace.at(properties.workspace());
        return CrewLoader.of(PersonaLibrary.builtIn(), StandardTools.forWorkspace(workspace))
                .withCommandTool(commands -> StandardTools.commandRunner(workspace, commands))
                .withExecutedFiles(StandardTools::withExecutedFiles);
    }
}
