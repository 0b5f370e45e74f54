package dev.cadre.mcp.internal;

import dev.cadre.api.Persona;
import dev.cadre.api.Templates;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** A persona as an MCP prompt: its {@code {variables}} as required arguments, {@code task} optional. */
public final class PersonaPrompts {

    private static final Pattern VARIABLE = Pattern.compile("\\{([a-zA-Z_][a-zA-Z0-9_.-]*)}");

    private PersonaPrompts() {}

    public static McpServerFeatures.AsyncPromptSpecification prompt(Persona persona) {
        Set<String> variables = new LinkedHashSet<>();
        Stream.of(persona.role(), persona.goal(), persona.backstory(), persona.instructions()).filter(s -> s != null).forEach(s -> {
            Matcher m = VARIABLE.matcher(s);
            while (m.find()) {
                variables.add(m.group(1));
            }
        });
        variables.remove("task");
        List<McpSchema.PromptArgument> arguments = new ArrayList<>();
        arguments.add(new McpSchema.PromptArgument("task", "What to do", false));
        variables.forEach(v -> arguments.add(new McpSchema.PromptArgument(v, "Fills {" + v + "}", true)));
        McpSchema.Prompt prompt = new McpSchema.Prompt(persona.id(), persona.role(), persona.goal(), arguments);
        return new McpServerFeatures.AsyncPromptSpecification(prompt, (exchange, request) -> {
            Map<String, String> values = new LinkedHashMap<>();
            if (request.arguments() != null) {
                request.arguments().forEach((k, v) -> values.put(k, String.valueOf(v)));
            }
            for (String v : variables) {
                if (!values.containsKey(v)) {
                    return reactor.core.publisher.Mono.error(new McpError(new McpSchema.JSONRPCResponse.JSONRPCError(
                            McpSchema.ErrorCodes.INVALID_PARAMS, "Prompt '" + persona.id() + "' needs the argument '" + v + "'.", null)));
                }
            }
            StringBuilder text = new StringBuilder("You are ").append(Templates.fill(persona.role(), values)).append('.');
            if (persona.goal() != null) text.append("\nYour goal: ").append(Templates.fill(persona.goal(), values));
            if (persona.backstory() != null) text.append("\n").append(Templates.fill(persona.backstory(), values));
            if (persona.instructions() != null) text.append("\n\n").append(Templates.fill(persona.instructions().strip(), values));
            if (values.containsKey("task")) text.append("\n\nTask: ").append(values.get("task"));
            return reactor.core.publisher.Mono.just(new McpSchema.GetPromptResult(persona.goal(),
                    List.of(new McpSchema.PromptMessage(McpSchema.Role.USER, new McpSchema.TextContent(text.toString())))));
        });
    }
}
