package dev.cadre.mcp.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.CadreJson;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolContext;
import dev.cadre.api.ToolResult;
import dev.cadre.mcp.McpServerConfig;
import dev.cadre.tools.Workspace;
import dev.cadre.tools.WorkspaceException;
import dev.cadre.tools.WorkspaceTools;
import dev.langchain4j.internal.JsonSchemaElementUtils;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Cadre's {@link Tool}s as MCP tools: the workspace tools (in the server's root, or else the client's first root, one
 * set per root) and the configured extra tools, each called on {@code boundedElastic} with its result redacted.
 */
public final class ToolCalls {

    /** A tool's body: its arguments (never null) in, its result out; {@code exchange} is null on 2026-07-28. */
    @FunctionalInterface
    public interface Body {
        Mono<McpSchema.CallToolResult> call(McpAsyncServerExchange exchange, Map<String, Object> arguments);
    }

    private final McpServerConfig config;
    private final Map<Path, Map<String, Tool>> workspaceTools = new ConcurrentHashMap<>();

    public ToolCalls(McpServerConfig config) {
        this.config = config;
    }

    /** The workspace tools and the extra tools, as the server offers them. */
    public List<McpServerFeatures.AsyncToolSpecification> specifications() {
        List<McpServerFeatures.AsyncToolSpecification> tools = new ArrayList<>();
        Map<String, Tool> probe = new LinkedHashMap<>();
        WorkspaceTools.create(Workspace.at(config.root() != null ? config.root() : Path.of("."))).forEach(t -> probe.put(t.name(), t));
        for (Tool tool : probe.values()) {
            String name = tool.name();
            tools.add(spec(tool, (exchange, args) -> workspaceTool(exchange, name).flatMap(t -> invoke(t, args, exchange))));
        }
        for (Tool tool : config.extraTools()) {
            tools.add(spec(tool, (exchange, args) -> invoke(tool, args, exchange)));
        }
        return tools;
    }

    /** A tool of Cadre's own, described by {@code schema}. */
    public static McpServerFeatures.AsyncToolSpecification simple(String name, String description, Map<String, Object> schema, Body body) {
        return specification(McpSchema.Tool.builder().name(name).description(description).inputSchema(schema).build(), body);
    }

    private static McpServerFeatures.AsyncToolSpecification specification(McpSchema.Tool tool, Body body) {
        return McpServerFeatures.AsyncToolSpecification.builder().tool(tool)
                .callHandler((exchange, request) -> body.call(exchange, request.arguments() == null ? Map.of() : request.arguments()))
                .build();
    }

    private McpServerFeatures.AsyncToolSpecification spec(Tool tool, Body body) {
        Map<String, Object> schema = tool.specification().parameters() == null ? Map.of("type", "object")
                : JsonSchemaElementUtils.toMap(tool.specification().parameters());
        return specification(McpSchema.Tool.builder().name(tool.name()).description(tool.specification().description())
                .inputSchema(schema)
                .annotations(new McpSchema.ToolAnnotations(null, tool.risk() == RiskLevel.READ_ONLY,
                        tool.risk() != RiskLevel.READ_ONLY, tool.idempotent(), tool.risk() == RiskLevel.EXTERNAL, null))
                .build(), body);
    }

    private Mono<Tool> workspaceTool(McpAsyncServerExchange exchange, String name) {
        if (config.root() != null) {
            return Mono.just(tools(config.root()).get(name));
        }
        return ClientRoots.first(exchange).map(root -> tools(root).get(name));
    }

    private Map<String, Tool> tools(Path root) {
        return workspaceTools.computeIfAbsent(root.toAbsolutePath().normalize(), r -> {
            Map<String, Tool> byName = new LinkedHashMap<>();
            WorkspaceTools.create(Workspace.at(r)).forEach(t -> byName.put(t.name(), t));
            return byName;
        });
    }

    private Mono<McpSchema.CallToolResult> invoke(Tool tool, Map<String, Object> arguments, McpAsyncServerExchange exchange) {
        JsonNode args = CadreJson.mapper().valueToTree(arguments);
        ToolContext context = new ToolContext("mcp-" + (exchange == null ? "stateless" : exchange.sessionId()), "mcp/" + tool.name(),
                "mcp-client", null);
        return Mono.defer(() -> tool.invoke(args, context)).subscribeOn(Schedulers.boundedElastic())
                .onErrorResume(e -> e instanceof WorkspaceException || e instanceof IllegalArgumentException,
                        e -> Mono.just(ToolResult.error(e.getMessage())))
                .map(this::toResult);
    }

    private McpSchema.CallToolResult toResult(ToolResult result) {
        McpSchema.CallToolResult.Builder builder = McpSchema.CallToolResult.builder()
                .addTextContent(config.redactor().redact(result.text())).isError(result.error());
        if (result.structured() != null && result.structured().isObject()) {
            JsonNode structured = result.structured().deepCopy();
            config.redactor().redactInPlace(structured);
            builder.structuredContent(CadreJson.mapper().convertValue(structured, Map.class));
        }
        return builder.build();
    }
}
