package dev.cadre.tools.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolContext;
import dev.cadre.api.ToolResult;
import dev.cadre.tools.WorkspaceException;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.util.function.BiFunction;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * A tool made of a specification and a blocking body; refusals ({@link WorkspaceException}) become error results
 * the model reads. The orchestrator runs the body on its blocking scheduler.
 */
public final class SimpleTool implements Tool {
    private final ToolSpecification specification;
    private final RiskLevel risk;
    private final boolean idempotent;
    private final Function<JsonNode, ToolResult> body;
    private final BiFunction<JsonNode, ToolContext, ToolResult> recover;

    public SimpleTool(String name, String description, JsonObjectSchema parameters, RiskLevel risk, boolean idempotent,
                      Function<JsonNode, ToolResult> body, BiFunction<JsonNode, ToolContext, ToolResult> recover) {
        this.specification = ToolSpecification.builder().name(Tool.requireValidName(name)).description(description)
                .parameters(parameters).build();
        this.risk = risk;
        this.idempotent = idempotent;
        this.body = body;
        this.recover = recover;
    }

    @Override
    public ToolSpecification specification() {
        return specification;
    }

    @Override
    public Mono<ToolResult> invoke(JsonNode arguments, ToolContext context) {
        return Mono.fromCallable(() -> {
            try {
                return body.apply(arguments);
            } catch (WorkspaceException e) {
                return ToolResult.error(e.getMessage());
            }
        });
    }

    @Override
    public Mono<ToolResult> recoverInterruptedCall(JsonNode arguments, ToolContext context) {
        return recover(recover, arguments, context);
    }

    /** Runs {@code recover} (may be null: cannot check); a refusal means the effect is not there. */
    static Mono<ToolResult> recover(BiFunction<JsonNode, ToolContext, ToolResult> recover, JsonNode arguments, ToolContext context) {
        if (recover == null) {
            return Mono.empty();
        }
        return Mono.fromCallable(() -> {
            try {
                return recover.apply(arguments, context);
            } catch (WorkspaceException e) {
                return null;
            }
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

    public static String text(JsonNode args, String name) {
        JsonNode v = args.get(name);
        return v == null || v.isNull() ? null : v.asText();
    }

    public static Integer integer(JsonNode args, String name) {
        JsonNode v = args.get(name);
        return v == null || v.isNull() ? null : v.asInt();
    }
}
