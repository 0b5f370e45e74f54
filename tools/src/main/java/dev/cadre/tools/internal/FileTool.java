package dev.cadre.tools.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolContext;
import dev.cadre.api.ToolResult;
import dev.cadre.tools.WorkspaceException;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * A workspace tool: a specification and a blocking body that gets the call's context and a {@link Deadline} (its time
 * limit, and cancelled as soon as the call's Mono is disposed). Refusals ({@link WorkspaceException}) become error
 * results the model reads. A call whose {@code escalation} gives a reason is {@code EXECUTES}, with that reason.
 */
public final class FileTool implements Tool {

    /** The tool's work. */
    public interface Body {
        ToolResult apply(JsonNode arguments, ToolContext context, Deadline deadline);
    }

    private final ToolSpecification specification;
    private final RiskLevel risk;
    private final boolean idempotent;
    private final Duration timeout;
    private final Body body;
    private final BiFunction<JsonNode, ToolContext, ToolResult> recover;
    private final Function<JsonNode, Optional<String>> escalation;
    private final Object origin;

    /** {@code origin}: what made the tool (to make it again with other settings). */
    public FileTool(Object origin, String name, String description, JsonObjectSchema parameters, RiskLevel risk, boolean idempotent,
                    Duration timeout, Body body, BiFunction<JsonNode, ToolContext, ToolResult> recover,
                    Function<JsonNode, Optional<String>> escalation) {
        this.origin = origin;
        this.specification = ToolSpecification.builder().name(Tool.requireValidName(name)).description(description)
                .parameters(parameters).build();
        this.risk = risk;
        this.idempotent = idempotent;
        this.timeout = timeout;
        this.body = body;
        this.recover = recover;
        this.escalation = escalation;
    }

    public Object origin() {
        return origin;
    }

    @Override
    public ToolSpecification specification() {
        return specification;
    }

    @Override
    public Mono<ToolResult> invoke(JsonNode arguments, ToolContext context) {
        return Mono.create(sink -> {
            Deadline deadline = Deadline.after(name(), timeout);
            sink.onCancel(deadline::cancel);
            ToolResult result;
            try {
                result = body.apply(arguments, context, deadline);
            } catch (WorkspaceException e) {
                result = ToolResult.error(e.getMessage());
            } catch (RuntimeException | Error e) {
                sink.error(e);
                return;
            }
            sink.success(result);
        });
    }

    @Override
    public Mono<ToolResult> recoverInterruptedCall(JsonNode arguments, ToolContext context) {
        return SimpleTool.recover(recover, arguments, context);
    }

    @Override
    public RiskLevel risk() {
        return risk;
    }

    @Override
    public RiskLevel risk(JsonNode arguments) {
        return riskReason(arguments).isPresent() ? RiskLevel.EXECUTES : risk;
    }

    @Override
    public Optional<String> riskReason(JsonNode arguments) {
        if (escalation == null) {
            return Optional.empty();
        }
        try {
            return escalation.apply(arguments);
        } catch (RuntimeException e) {
            return Optional.of("its paths could not be checked (" + e.getMessage() + "), so it may write where code runs");
        }
    }

    @Override
    public boolean idempotent() {
        return idempotent;
    }
}
