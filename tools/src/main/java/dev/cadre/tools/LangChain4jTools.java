package dev.cadre.tools;

import dev.cadre.api.RiskLevel;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolResult;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.agent.tool.ToolSpecifications;
import dev.langchain4j.service.tool.DefaultToolExecutor;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

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
                tools.add(adapted(object, method));
            }
        }
        return tools;
    }

    /** One {@code @Tool} method as a Cadre tool: its risk from {@link ToolRisk}, EXTERNAL when undeclared. */
    private static Tool adapted(Object object, Method method) {
        ToolSpecification specification = ToolSpecifications.toolSpecificationFrom(method);
        DefaultToolExecutor executor = new DefaultToolExecutor(object, method);
        ToolRisk declared = method.getAnnotation(ToolRisk.class);
        RiskLevel risk = declared == null ? RiskLevel.EXTERNAL : declared.value();
        return Tool.blocking(specification, risk, declared != null && declared.idempotent(), (arguments, context) -> {
            ToolExecutionRequest request = ToolExecutionRequest.builder().id(context.callId()).name(specification.name())
                    .arguments(arguments.toString()).build();
            String result = executor.execute(request, context.runId());
            return ToolResult.ok(result == null ? "" : result);
        });
    }
}
