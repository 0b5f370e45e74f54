package dev.cadre.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.ToolSpecification;
import java.util.Objects;
import java.util.function.BiFunction;
import reactor.core.publisher.Mono;

/** What {@link Tool#of} and {@link Tool#nonBlocking} make: a tool from its specification, risk, idempotency and call. */
record FunctionTool(ToolSpecification specification, RiskLevel risk, boolean idempotent,
                    BiFunction<JsonNode, ToolContext, Mono<ToolResult>> call, boolean mayBlock) implements Tool {

    FunctionTool(ToolSpecification specification, RiskLevel risk, boolean idempotent,
                 BiFunction<JsonNode, ToolContext, Mono<ToolResult>> call) {
        this(specification, risk, idempotent, call, true);
    }

    FunctionTool {
        Objects.requireNonNull(specification, "specification");
        Tool.requireValidName(specification.name());
        Objects.requireNonNull(risk, "risk");
        Objects.requireNonNull(call, "call");
    }

    @Override
    public Mono<ToolResult> invoke(JsonNode arguments, ToolContext context) {
        return Mono.defer(() -> call.apply(arguments, context));
    }

    @Override
    public String toString() {
        return "Tool[" + specification.name() + ", " + risk + "]";
    }
}
