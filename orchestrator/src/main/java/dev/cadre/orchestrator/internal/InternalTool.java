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
    private final boolean replays;

    InternalTool(ToolSpecification specification, BiFunction<JsonNode, ToolContext, Mono<ToolResult>> body) {
        this(specification, body, false);
    }

    /**
     * {@code replays}: a resumed run makes a call of this tool again even when the journal holds its result, because
     * the call keeps state for its step (a delegation's number, the manager's final answer, the worker's output and
     * usage) and everything it does is journaled, so making it again replays it from the journal without effects.
     */
    InternalTool(ToolSpecification specification, BiFunction<JsonNode, ToolContext, Mono<ToolResult>> body, boolean replays) {
        this.specification = specification;
        this.body = body;
        this.replays = replays;
    }

    /** Whether a resumed run makes this tool's journaled calls again (see the constructor). */
    boolean replays() {
        return replays;
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
