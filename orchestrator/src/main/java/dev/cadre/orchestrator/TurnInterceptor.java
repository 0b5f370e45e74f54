package dev.cadre.orchestrator;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.ChatMessage;
import java.util.List;
import java.util.Objects;

/**
 * A stage of your own in every agent turn: input and output guardrails, redaction, prompt rewriting. Register it with
 * {@link Orchestrator.Builder#interceptor}; every method has a default that changes nothing, so implement only the
 * ones you need. Interceptors run in the order they were registered, each one seeing what the one before it made.
 *
 * <ul>
 *   <li>{@link #beforeModelRequest}: before each model call, with the messages about to be sent; may change them, or
 *       refuse the call, which fails the step with the reason.</li>
 *   <li>{@link #afterModelAnswer}: after each final answer (one without tool calls), before the output-schema check;
 *       may accept it, replace its text, ask the model again with a correction (counted against the run's
 *       {@code maxOutputRetries}, like a schema failure), or fail the step.</li>
 *   <li>{@link #beforeToolCall}: before each tool call (the core's own {@code delegate}, {@code finish} and
 *       {@code ask_human} included), after its arguments were checked and before any approval; may refuse it with a
 *       message the model sees as the call's error.</li>
 *   <li>{@link #afterToolResult}: after each tool result, before the model sees it; may change its text.</li>
 * </ul>
 *
 * <p><b>Deterministic, and run again on resume.</b> An interceptor is part of the run's decisions: when a run resumes
 * from its journal, the turn is rebuilt by running every stage again over the recorded model answers and tool
 * results, interceptors included (only {@code beforeToolCall} is not asked again for a call whose result is already
 * journaled). So an interceptor must give the same answer for the same input: it must not do I/O (no network, no
 * files, no moderation service), nor read the clock, random numbers or the environment, nor keep state between calls.
 * A log line is harmless, but it is written again on resume. It runs on the run's own thread, which may be a
 * non-blocking one: it must not block.
 *
 * <p>What an interceptor changes is what gets journaled: the {@code model_requested} event holds the prompt after
 * interceptors (and after the context window's cuts), {@code model_responded} holds what the model said and
 * {@code step_finished} the output after a replacement; {@code tool_returned} holds what the tool returned, and a
 * result the model saw changed appears in the next {@code model_requested}. An interceptor that throws fails the step
 * with its message.
 */
public interface TurnInterceptor {

    /**
     * Where a turn is: the run, the step's path, the agent (persona id), the model call's number within the step
     * (1, 2, ...), and the model reference the call goes to.
     */
    record Turn(String runId, String stepPath, String agent, int number, String model) {}

    /** What to do with a model request: send these messages, or refuse the call (the step fails with the reason). */
    record Request(List<ChatMessage> messages, String refusal) {
        public Request {
            if ((messages == null) == (refusal == null)) {
                throw new IllegalArgumentException("A request is either sent with its messages or refused with a reason, not both or neither.");
            }
            messages = messages == null ? null : List.copyOf(messages);
        }

        public static Request send(List<ChatMessage> messages) {
            return new Request(Objects.requireNonNull(messages, "messages"), null);
        }

        public static Request refuse(String reason) {
            return new Request(null, Objects.requireNonNull(reason, "reason"));
        }

        public boolean refused() {
            return refusal != null;
        }
    }

    /** What to do with a model's final answer. */
    record Answer(Kind kind, String text) {
        public enum Kind {
            /** Keep the answer as it is. */
            ACCEPT,
            /** Use {@code text} instead of the model's answer. */
            REPLACE,
            /** Ask the model again, telling it {@code text}; fails the step when no re-ask is left. */
            RETRY,
            /** Fail the step with {@code text} as the reason. */
            FAIL
        }

        public Answer {
            Objects.requireNonNull(kind, "kind");
            if (kind != Kind.ACCEPT && (text == null || text.isBlank())) {
                throw new IllegalArgumentException("An interceptor's " + kind + " answer needs a text.");
            }
        }

        public static Answer accept() {
            return new Answer(Kind.ACCEPT, null);
        }

        public static Answer replace(String text) {
            return new Answer(Kind.REPLACE, text);
        }

        public static Answer retry(String correction) {
            return new Answer(Kind.RETRY, correction);
        }

        public static Answer fail(String reason) {
            return new Answer(Kind.FAIL, reason);
        }
    }

    /** Whether a tool call may go ahead, or is refused with a message the model sees as the call's error. */
    record ToolCall(String refusal) {
        private static final ToolCall ALLOW = new ToolCall(null);

        public static ToolCall allow() {
            return ALLOW;
        }

        public static ToolCall refuse(String message) {
            return new ToolCall(Objects.requireNonNull(message, "message"));
        }

        public boolean refused() {
            return refusal != null;
        }
    }

    /** Before a model call: the messages about to be sent (system prompt first). */
    default Request beforeModelRequest(Turn turn, List<ChatMessage> messages) {
        return Request.send(messages);
    }

    /** After a final answer (secrets already masked), before the output-schema check. */
    default Answer afterModelAnswer(Turn turn, String answer) {
        return Answer.accept();
    }

    /** Before a tool call whose arguments match the tool's parameters. */
    default ToolCall beforeToolCall(Turn turn, ToolExecutionRequest call) {
        return ToolCall.allow();
    }

    /** After a tool call: the result's text (secrets already masked) as the model will see it; {@code error} if it failed. */
    default String afterToolResult(Turn turn, ToolExecutionRequest call, String result, boolean error) {
        return result;
    }
}
