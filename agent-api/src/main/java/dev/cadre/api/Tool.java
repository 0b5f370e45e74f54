package dev.cadre.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.ToolSpecification;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;

/**
 * Something an agent can do besides talking: the Tool SPI.
 *
 * <p>The specification is LangChain4j's, so its name, description and JSON-schema parameters go to any provider
 * unchanged. {@link #invoke} may block: the orchestrator subscribes to it on a scheduler meant for blocking work,
 * never on a parallel (non-blocking) thread, unless the tool says it does not block ({@link #mayBlock()}). A tool that fails should return
 * {@link ToolResult#error(String)} or signal an error; either way the model sees a message and can recover.
 */
public interface Tool {

    /** Names that OpenAI and Anthropic accept in tool calls: letters, digits, {@code _} and {@code -}, 1 to 64. */
    Pattern VALID_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

    /** The name, description and parameter schema the model sees. */
    ToolSpecification specification();

    /** Runs the tool with arguments that already passed the specification's schema. */
    Mono<ToolResult> invoke(JsonNode arguments, ToolContext context);

    /** How much harm a call can do. */
    RiskLevel risk();

    /**
     * How much harm this call, with these arguments, can do: never less than {@link #risk()}. A file write is
     * {@code WRITES}, but a write into {@code .git/} can make git run code, so it is {@code EXECUTES}. Approval
     * policies decide on this level. The default is {@link #risk()}.
     */
    default RiskLevel risk(JsonNode arguments) {
        return risk();
    }

    /**
     * Why {@link #risk(JsonNode)} is higher than {@link #risk()} for these arguments, said in the approval question
     * (e.g. "writes into .git/, which git executes"); empty when it is not.
     */
    default Optional<String> riskReason(JsonNode arguments) {
        return Optional.empty();
    }

    /** Whether calling it twice with the same arguments has the same effect as calling it once. */
    boolean idempotent();

    /**
     * Called on resume for a call whose intent was journaled but whose result was not (the process died during the
     * call). If the call's effect is already present, return the result to report and the call is not made again;
     * return an empty Mono to make the call again. The default cannot check, so such tools are at-least-once.
     */
    default Mono<ToolResult> recoverInterruptedCall(JsonNode arguments, ToolContext context) {
        return Mono.empty();
    }

    /**
     * Whether subscribing to {@link #invoke} (or {@link #recoverInterruptedCall}) may block the thread. The default,
     * {@code true}, hops to the orchestrator's blocking scheduler; a tool that answers at once or through a
     * non-blocking client says {@code false} and runs inline on the thread that delivered the model's answer, with no
     * hand-off. A tool that says {@code false} and blocks stalls every run on that thread.
     */
    default boolean mayBlock() {
        return true;
    }

    default String name() {
        return specification().name();
    }

    /**
     * A tool from its parts. {@code call} may return a Mono that blocks when subscribed (the orchestrator subscribes on
     * its blocking scheduler); it is called anew for every subscription.
     */
    static Tool of(ToolSpecification specification, RiskLevel risk, boolean idempotent,
                   BiFunction<JsonNode, ToolContext, Mono<ToolResult>> call) {
        return new FunctionTool(specification, risk, idempotent, call);
    }

    /**
     * A tool whose {@code call} never blocks (it computes in memory, or returns a Mono of a non-blocking client): the
     * orchestrator runs it inline, on the thread that delivered the model's answer.
     */
    static Tool nonBlocking(ToolSpecification specification, RiskLevel risk, boolean idempotent,
                            BiFunction<JsonNode, ToolContext, Mono<ToolResult>> call) {
        return new FunctionTool(specification, risk, idempotent, call, false);
    }

    /** A tool whose call is a blocking body, run on the orchestrator's blocking scheduler. */
    static Tool blocking(ToolSpecification specification, RiskLevel risk, boolean idempotent,
                         BiFunction<JsonNode, ToolContext, ToolResult> body) {
        Objects.requireNonNull(body, "body");
        return of(specification, risk, idempotent, (arguments, context) -> Mono.fromCallable(() -> body.apply(arguments, context)));
    }

    /** Throws an {@link IllegalArgumentException} naming the problem when {@code name} is not a valid tool name. */
    static String requireValidName(String name) {
        if (name == null || !VALID_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Tool name '" + name + "' is invalid: use 1 to 64 letters, digits, '_' or '-'"
                    + " (model providers reject other names, dots included).");
        }
        return name;
    }
}
