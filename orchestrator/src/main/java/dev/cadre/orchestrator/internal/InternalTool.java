package dev.cadre.orchestrator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolContext;
import dev.cadre.api.ToolResult;
import dev.langchain4j.agent.tool.ToolSpecification;
import java.util.function.BiFunction;
import reactor.core.publisher.Mono;

/**
 * A tool the orchestrator gives agents itself ({@code ask_human}, {@code delegate}, {@code finish}): it never asks
 * for approval, is never cached, and runs one call at a time.
 */
final class InternalTool implements Tool {
    private final ToolSpecification specification;
    private final BiFunction<JsonNode, ToolContext, Mono<ToolResult>> body;

    InternalTool(ToolSpecification specification, BiFunction<JsonNode, ToolContext, Mono<ToolResult>> body) {
        this.specification = specification;
        this.body = body;
    }

    @Override
    public ToolSpecification specification() {
        return specification;
    }

    @Override
    public Mono<ToolResult> invoke(JsonNode arguments, ToolContext context) {
        return body.apply(arguments, context);
    }

    @Override
    public RiskLevel risk() {
        return RiskLevel.EXECUTES;
    }

    @Override
    public boolean idempotent() {
        return false;
    }
}
