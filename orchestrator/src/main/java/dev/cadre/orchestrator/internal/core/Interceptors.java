package dev.cadre.orchestrator.internal.core;

import dev.cadre.orchestrator.pattern.Failure;
import dev.cadre.orchestrator.TurnInterceptor;
import dev.cadre.orchestrator.TurnInterceptor.Answer;
import dev.cadre.orchestrator.TurnInterceptor.Request;
import dev.cadre.orchestrator.TurnInterceptor.ToolCall;
import dev.cadre.orchestrator.TurnInterceptor.Turn;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.ChatMessage;
import java.util.List;
import java.util.function.Supplier;

/**
 * The users' {@link TurnInterceptor}s as one chain: each sees what the one before it made, the first refusal (or
 * re-ask, or failure) ends the chain. An interceptor that throws, or answers {@code null}, fails the step with a
 * sentence naming it (raised as a {@link Failure}, which the turn's promise turns into the step's failure).
 */
final class Interceptors {

    private final String runId;
    private final List<TurnInterceptor> chain;

    Interceptors(String runId, List<TurnInterceptor> chain) {
        this.runId = runId;
        this.chain = chain;
    }

    /** Where {@code state}'s turn is, for the interceptors. */
    Turn at(TurnState state) {
        return new Turn(runId, state.path(), state.agentId(), state.turn, state.ref.toString());
    }

    Request beforeModelRequest(Turn turn, List<ChatMessage> messages) {
        List<ChatMessage> current = messages;
        for (TurnInterceptor i : chain) {
            List<ChatMessage> now = current;
            Request r = guarded(i, turn, "beforeModelRequest", () -> i.beforeModelRequest(turn, List.copyOf(now)));
            if (r.refused()) {
                return r;
            }
            current = r.messages();
        }
        return Request.send(current);
    }

    /** The chain's verdict on a final answer: accept (with the text unchanged), replace, retry or fail. */
    Answer afterModelAnswer(Turn turn, String answer) {
        String current = answer;
        boolean replaced = false;
        for (TurnInterceptor i : chain) {
            String now = current;
            Answer a = guarded(i, turn, "afterModelAnswer", () -> i.afterModelAnswer(turn, now));
            switch (a.kind()) {
                case ACCEPT -> { }
                case REPLACE -> {
                    current = a.text();
                    replaced = true;
                }
                default -> {
                    return a;
                }
            }
        }
        return replaced ? Answer.replace(current) : Answer.accept();
    }

    ToolCall beforeToolCall(Turn turn, ToolExecutionRequest call) {
        for (TurnInterceptor i : chain) {
            ToolCall c = guarded(i, turn, "beforeToolCall", () -> i.beforeToolCall(turn, call));
            if (c.refused()) {
                return c;
            }
        }
        return ToolCall.allow();
    }

    String afterToolResult(Turn turn, ToolExecutionRequest call, String result, boolean error) {
        String current = result;
        for (TurnInterceptor i : chain) {
            String now = current;
            current = guarded(i, turn, "afterToolResult", () -> i.afterToolResult(turn, call, now, error));
        }
        return current;
    }

    private static <T> T guarded(TurnInterceptor interceptor, Turn turn, String stage, Supplier<T> call) {
        T result;
        try {
            result = call.get();
        } catch (RuntimeException e) {
            throw new Raised(Failure.of("Interceptor " + interceptor.getClass().getName() + " failed in " + stage + " at step '"
                    + turn.stepPath() + "': " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())));
        }
        if (result == null) {
            throw new Raised(Failure.of("Interceptor " + interceptor.getClass().getName() + " gave no answer in " + stage + " at step '"
                    + turn.stepPath() + "'."));
        }
        return result;
    }
}
