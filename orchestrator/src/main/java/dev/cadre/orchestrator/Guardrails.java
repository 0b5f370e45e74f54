package dev.cadre.orchestrator;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.guardrail.ChatExecutor;
import dev.langchain4j.guardrail.GuardrailRequestParams;
import dev.langchain4j.guardrail.GuardrailResult;
import dev.langchain4j.guardrail.InputGuardrail;
import dev.langchain4j.guardrail.InputGuardrailRequest;
import dev.langchain4j.guardrail.InputGuardrailResult;
import dev.langchain4j.guardrail.OutputGuardrail;
import dev.langchain4j.guardrail.OutputGuardrailRequest;
import dev.langchain4j.guardrail.OutputGuardrailResult;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * LangChain4j's guardrails ({@code dev.langchain4j.guardrail}) as {@link TurnInterceptor}s, so guardrails written for
 * LangChain4j's AI services guard Cadre's agents too.
 *
 * <ul>
 *   <li>{@link #output}: each final answer goes through the guardrails in order. A success keeps it, a success with a
 *       rewritten text replaces it, a reprompt (or a retry) asks the model again with the reprompt (or the failure's
 *       message) as the correction, any other failure fails the step with its message.</li>
 *   <li>{@link #input}: before each model call the latest user message (the task, or a correction) goes through the
 *       guardrails. A success with a rewritten text replaces it, a failure refuses the call (the step fails).</li>
 * </ul>
 *
 * <p>The guardrails see only the message: no chat memory, no template variables, and they cannot call the model
 * themselves (their {@code chatExecutor} refuses); ask for a reprompt instead. Like every interceptor they must be
 * deterministic and do no I/O, since they run again when a run resumes.
 */
public final class Guardrails {

    private Guardrails() {}

    public static TurnInterceptor output(OutputGuardrail... guardrails) {
        List<OutputGuardrail> chain = List.of(guardrails);
        return new TurnInterceptor() {
            @Override
            public Answer afterModelAnswer(Turn turn, String answer) {
                String current = answer;
                boolean rewritten = false;
                for (OutputGuardrail g : chain) {
                    OutputGuardrailResult r = g.validate(OutputGuardrailRequest.builder()
                            .responseFromLLM(ChatResponse.builder().aiMessage(AiMessage.from(current)).build())
                            .chatExecutor(NO_MODEL).requestParams(PARAMS).build());
                    if (!r.isSuccess()) {
                        String message = message(r, g);
                        // LangChain4j marks a retry or reprompt as fatal too (it ends the chain): ask those first
                        if (r.isReprompt()) return Answer.retry(r.getReprompt().orElse(message));
                        if (r.isRetry()) return Answer.retry(message);
                        return Answer.fail(message);
                    }
                    if (r.hasRewrittenResult() && r.successfulText() != null) {
                        current = r.successfulText();
                        rewritten = true;
                    }
                }
                return rewritten ? Answer.replace(current) : Answer.accept();
            }

            @Override
            public String toString() {
                return "Guardrails.output" + chain;
            }
        };
    }

    public static TurnInterceptor input(InputGuardrail... guardrails) {
        List<InputGuardrail> chain = List.of(guardrails);
        return new TurnInterceptor() {
            @Override
            public Request beforeModelRequest(Turn turn, List<ChatMessage> messages) {
                int last = lastUserMessage(messages);
                if (last < 0) {
                    return Request.send(messages);
                }
                UserMessage current = (UserMessage) messages.get(last);
                for (InputGuardrail g : chain) {
                    InputGuardrailResult r = g.validate(InputGuardrailRequest.builder().userMessage(current).commonParams(PARAMS).build());
                    if (!r.isSuccess()) {
                        return Request.refuse(message(r, g));
                    }
                    if (r.hasRewrittenResult() && r.successfulText() != null) {
                        current = UserMessage.from(r.successfulText());
                    }
                }
                List<ChatMessage> changed = new ArrayList<>(messages);
                changed.set(last, current);
                return Request.send(changed);
            }

            @Override
            public String toString() {
                return "Guardrails.input" + chain;
            }
        };
    }

    private static final GuardrailRequestParams PARAMS = GuardrailRequestParams.builder().userMessageTemplate("")
            .variables(Map.of()).build();

    private static final ChatExecutor NO_MODEL = new ChatExecutor() {
        @Override
        public ChatResponse execute() {
            throw refused();
        }

        @Override
        public ChatResponse execute(List<ChatMessage> messages) {
            throw refused();
        }

        private UnsupportedOperationException refused() {
            return new UnsupportedOperationException("A guardrail cannot call the model inside a Cadre turn: return reprompt(...) instead.");
        }
    };

    private static int lastUserMessage(List<ChatMessage> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i) instanceof UserMessage u && u.hasSingleText()) {
                return i;
            }
        }
        return -1;
    }

    private static String message(GuardrailResult<?> result, Object guardrail) {
        List<? extends GuardrailResult.Failure> failures = result.failures();
        String message = failures.isEmpty() ? null : failures.get(0).message();
        return message == null || message.isBlank() ? "refused by guardrail " + guardrail.getClass().getName() : message;
    }
}
