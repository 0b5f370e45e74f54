package dev.cadre.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolContext;
import dev.cadre.api.ToolResult;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.agent.tool.ToolSpecifications;
import dev.langchain4j.service.tool.DefaultToolExecutor;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * Turns objects with LangChain4j {@code @Tool} methods into Cadre tools, reusing LangChain4j's own specification
 * builder ({@link ToolSpecifications}) and executor ({@link DefaultToolExecutor}, which converts arguments). A method
 * is {@link RiskLevel#EXTERNAL} and not idempotent unless it says otherwise with {@link ToolRisk}: an unknown method
 * is assumed to be risky.
 */
public final class LangChain4jTools {

    private LangChain4jTools() {}

    public static List<Tool> from(Object... objects) {
        List<Tool> tools = new ArrayList<>();
        for (Object object : objects) {
            List<Method> methods = new ArrayList<>();
            for (Method method : object.getClass().getDeclaredMethods()) {
                if (method.isAnnotationPresent(dev.langchain4j.agent.tool.Tool.class)) {
                    methods.add(method);
                }
            }
            if (methods.isEmpty()) {
                throw new IllegalArgumentException(object.getClass().getName() + " has no methods annotated with"
                        + " LangChain4j's @Tool.");
            }
            methods.sort(Comparator.comparing(Method::getName));
            for (Method method : methods) {
                tools.add(new Adapted(object, method));
            }
        }
        return tools;
    }

    private static final class Adapted implements Tool {
        private final ToolSpecification specification;
        private final DefaultToolExecutor executor;
        private final RiskLevel risk;
        private final boolean idempotent;

        Adapted(Object object, Method method) {
            this.specification = ToolSpecifications.toolSpecificationFrom(method);
            Tool.requireValidName(specification.name());
            this.executor = new DefaultToolExecutor(object, method);
            ToolRisk declared = method.getAnnotation(ToolRisk.class);
            this.risk = declared == null ? RiskLevel.EXTERNAL : declared.value();
            this.idempotent = declared != null && declared.idempotent();
        }

        @Override
        public ToolSpecification specification() {
            return specification;
        }

        @Override
        public Mono<ToolResult> invoke(JsonNode arguments, ToolContext context) {
            return Mono.fromCallable(() -> {
                ToolExecutionRequest request = ToolExecutionRequest.builder().id(context.callId()).name(specification.name())
                        .arguments(arguments.toString()).build();
                String result = executor.execute(request, context.runId());
                return ToolResult.ok(result == null ? "" : result);
            });
        }

        @Override
        public RiskLevel risk() {
            return risk;
        }

        @Override
        public boolean idempotent() {
            return idempotent;
        }
    }
}
