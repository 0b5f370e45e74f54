package dev.cadre.testkit;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.model.chat.request.ChatRequest;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * One scripted model answer: text, tool calls, or a failure, optionally with reported token usage and a delay.
 * Immutable; the {@code with*} methods return copies.
 */
public final class Reply {

    private final String text;
    private final List<ToolExecutionRequest> toolCalls;
    private final RuntimeException failure;
    private final Integer inputTokens;
    private final Integer outputTokens;
    private final Duration delay;
    private final Function<ChatRequest, Reply> dynamic;

    private Reply(String text, List<ToolExecutionRequest> toolCalls, RuntimeException failure, Integer inputTokens,
                  Integer outputTokens, Duration delay, Function<ChatRequest, Reply> dynamic) {
        this.text = text;
        this.toolCalls = List.copyOf(toolCalls);
        this.failure = failure;
        this.inputTokens = inputTokens;
        this.outputTokens = outputTokens;
        this.delay = delay == null ? Duration.ZERO : delay;
        this.dynamic = dynamic;
    }

    /** A plain text answer. */
    public static Reply text(String text) {
        return new Reply(Objects.requireNonNull(text, "text"), List.of(), null, null, null, null, null);
    }

    /** One tool call; the id is assigned by the model when it answers. */
    public static Reply toolCall(String toolName, String argumentsJson) {
        return toolCalls(ToolExecutionRequest.builder().name(toolName).arguments(argumentsJson).build());
    }

    /** Several tool calls in one answer; requests without an id get one. */
    public static Reply toolCalls(ToolExecutionRequest... calls) {
        return new Reply(null, List.of(calls), null, null, null, null, null);
    }

    /** The model call fails with {@code failure} (for timeouts, rate limits, provider errors). */
    public static Reply fail(RuntimeException failure) {
        return new Reply(null, List.of(), Objects.requireNonNull(failure, "failure"), null, null, null, null);
    }

    /** An answer computed from the request, e.g. to echo a tool result back. */
    public static Reply dynamic(Function<ChatRequest, Reply> answer) {
        return new Reply(null, List.of(), null, null, null, null, Objects.requireNonNull(answer, "answer"));
    }

    /** Reports this token usage instead of the estimate (about four characters per token). */
    public Reply withUsage(int inputTokens, int outputTokens) {
        return new Reply(text, toolCalls, failure, inputTokens, outputTokens, delay, dynamic);
    }

    /**
     * Answers after {@code delay}. The blocking {@code ChatModel} path sleeps (as a blocking HTTP client would);
     * the streaming path waits without holding a thread.
     */
    public Reply after(Duration delay) {
        return new Reply(text, toolCalls, failure, inputTokens, outputTokens, delay, dynamic);
    }

    /** Adds a text to a tool-call reply (some models say something while calling tools). */
    public Reply withText(String text) {
        return new Reply(text, toolCalls, failure, inputTokens, outputTokens, delay, dynamic);
    }

    public String text() { return text; }
    public List<ToolExecutionRequest> toolCalls() { return toolCalls; }
    public RuntimeException failure() { return failure; }
    public Integer inputTokens() { return inputTokens; }
    public Integer outputTokens() { return outputTokens; }
    public Duration delay() { return delay; }

    Reply resolve(ChatRequest request) {
        if (dynamic == null) {
            return this;
        }
        Reply answer = Objects.requireNonNull(dynamic.apply(request), "a dynamic reply returned null");
        return answer.delay.isZero() && !delay.isZero() ? answer.after(delay) : answer.resolve(request);
    }

    @Override
    public String toString() {
        if (failure != null) return "Reply.fail(" + failure + ")";
        if (dynamic != null) return "Reply.dynamic(...)";
        if (!toolCalls.isEmpty()) return "Reply.toolCalls(" + toolCalls.stream().map(ToolExecutionRequest::name).toList() + ")";
        return "Reply.text(" + text + ")";
    }
}
