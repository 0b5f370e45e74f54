package dev.cadre.mcp.internal;

import dev.cadre.api.Checkpoint;
import dev.cadre.api.Decision;
import dev.cadre.api.HumanGate;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * Asks the IDE's user through MCP elicitation: a form with the decision (approve, reject, edit, abort), feedback
 * and an edited output. Declining is a rejection; dismissing leaves the checkpoint to the run handle.
 */
public final class ElicitationGate implements HumanGate {

    private final McpAsyncServerExchange exchange;
    private final Duration timeout;

    public ElicitationGate(McpAsyncServerExchange exchange, Duration timeout) {
        this.exchange = exchange;
        this.timeout = timeout;
    }

    /** The form a checkpoint is asked with: decision, feedback, edited output. */
    public static Map<String, Object> form() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("decision", Map.of("type", "string", "title", "Decision", "enum", List.of("approve", "reject", "edit", "abort"),
                "description", "approve, reject (with feedback), edit (give the edited output) or abort the run"));
        properties.put("feedback", Map.of("type", "string", "title", "Feedback", "description", "Why, or what to change"));
        properties.put("edited_output", Map.of("type", "string", "title", "Edited output", "description", "For edit: the output to use"));
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        schema.put("required", List.of("decision"));
        return schema;
    }

    /** The question a checkpoint is asked with: its question and (the first 4,000 characters of) the proposed output. */
    public static String message(Checkpoint checkpoint) {
        return checkpoint.question() + (checkpoint.proposedOutput() == null ? ""
                : "\n\n" + (checkpoint.proposedOutput().length() > 4000 ? checkpoint.proposedOutput().substring(0, 4000) + "..."
                        : checkpoint.proposedOutput()));
    }

    @Override
    public Mono<Decision> decide(Checkpoint checkpoint) {
        McpSchema.ElicitFormRequest request = McpSchema.ElicitFormRequest.builder(message(checkpoint), form())
                .meta(Map.of("cadre/checkpoint", checkpoint.id(), "cadre/run", checkpoint.runId())).build();
        return exchange.createElicitation(request).timeout(timeout).flatMap(result -> {
            String by = exchange.getClientInfo() == null ? "mcp-client" : "mcp:" + exchange.getClientInfo().name();
            if (result.action() == McpSchema.ElicitResult.Action.DECLINE) {
                return Mono.just(Decision.reject("Declined in the IDE.", by));
            }
            if (result.action() != McpSchema.ElicitResult.Action.ACCEPT || result.content() == null) {
                return Mono.empty();
            }
            return Mono.justOrEmpty(toDecision(result.content(), by));
        });
    }

    /** The decision a form (elicitation content, or the resolve tool's arguments) describes. */
    public static Decision toDecision(Map<String, Object> content, String by) {
        String kind = String.valueOf(content.getOrDefault("decision", "")).toLowerCase();
        String feedback = content.get("feedback") == null ? null : String.valueOf(content.get("feedback"));
        String edited = content.get("edited_output") == null ? null : String.valueOf(content.get("edited_output"));
        return switch (kind) {
            case "approve" -> new Decision(Decision.Kind.APPROVE, feedback, null, by);
            case "reject" -> Decision.reject(feedback, by);
            case "edit" -> {
                if (edited == null) {
                    throw new IllegalArgumentException("The decision 'edit' needs edited_output.");
                }
                yield Decision.edit(edited, by);
            }
            case "abort" -> Decision.abort(feedback, by);
            default -> throw new IllegalArgumentException("Decision '" + kind + "' is not one of approve, reject, edit, abort.");
        };
    }
}
