package dev.cadre.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.ToolSpecification;
import java.util.Objects;
import java.util.function.BiFunction;
import reactor.core.publisher.Mono;

/** What {@link Tool#of} makes: a tool from its specification, risk, idempotency and call. */
record FunctionTool(ToolSpecification specification, RiskLevel risk, boolean idempotent,
                    BiFunction<JsonNode, ToolContext, Mono<ToolResult>> call) implements Tool {
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
