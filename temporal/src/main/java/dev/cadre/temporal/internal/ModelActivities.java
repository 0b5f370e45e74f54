package dev.cadre.temporal.internal;

import dev.cadre.api.ModelCallAttributes;
import dev.cadre.api.ModelRegistry;
import dev.cadre.orchestrator.journal.LiveTokens;
import dev.cadre.orchestrator.redaction.Redactor;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.temporal.client.ActivityCompletionException;
import java.time.Clock;
import java.util.Optional;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.model.chat.request.ChatRequest;
import java.util.ArrayList;
import java.util.List;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.ChatRequestOptions;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;

/**
 * Model calls as an activity: the worker's model registry, the call's run, step, agent and turn as listener attributes
 * (as the local driver gives them). A failure worth retrying (a timeout, 429, 5xx) is thrown for Temporal to retry under
 * the crew's retry policy; an unknown model or a request the provider refuses is an answer with a failure, at once.
 * The request comes by reference from the {@link PayloadStore} (or inline, in histories from before), and the model
 * sees each large tool result whole again. A call of a streaming run whose model streams, on a worker whose journal store
 * has a live channel, is streamed ({@link StreamedAnswer}): its tokens go to that channel, its result is the whole answer.
 */
public final class ModelActivities implements RunActivities.Models {

    private final ModelRegistry models;
    private final PayloadStore payloads;
    private final Heartbeats beats;
    /** Where streamed tokens go, or {@code null}: the journal store has no live channel, so calls are not streamed. */
    private final LiveTokens live;
    private final Redactor redactor;

    public ModelActivities(ModelRegistry models, PayloadStore payloads, Heartbeats beats) {
        this(models, payloads, beats, null, Redactor.none());
    }

    public ModelActivities(ModelRegistry models, PayloadStore payloads, Heartbeats beats, LiveTokens live, Redactor redactor) {
        this.models = models;
        this.payloads = payloads;
        this.beats = beats;
        this.live = live;
        this.redactor = redactor;
    }

    @Override
    public RunActivities.ModelAnswer call(RunActivities.ModelCall c) {
        ChatModel model;
        Optional<StreamingChatModel> streaming;
        try {
            model = models.chatModel(c.model());
            streaming = c.stream() && live != null ? models.streamingChatModel(c.model()) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return new RunActivities.ModelAnswer(null, e.getMessage());
        }
        ChatRequestOptions options = ChatRequestOptions.builder()
                .addListenerAttribute(ModelCallAttributes.RUN_ID, c.runId())
                .addListenerAttribute(ModelCallAttributes.STEP_PATH, c.stepPath())
                .addListenerAttribute(ModelCallAttributes.AGENT, c.agent())
                .addListenerAttribute(ModelCallAttributes.TURN, c.turn())
                .build();
        java.util.concurrent.ScheduledFuture<?> beating = streaming.isPresent() ? null : beats.start();
        try {
            ChatResponse response = streaming.isPresent()
                    ? StreamedAnswer.chat(streaming.get(), request(c), options, c, live, redactor, Clock.systemUTC())
                    : model.chat(request(c), options);
            return new RunActivities.ModelAnswer(response, null);
        } catch (ActivityCompletionException e) {
            throw e;   // cancelled, or Temporal no longer waits: not a model failure
        } catch (NonRetriableException | IllegalArgumentException e) {
            return new RunActivities.ModelAnswer(null, "Model '" + c.model() + "' failed for agent '" + c.agent() + "' at step '"
                    + c.stepPath() + "': " + describe(e));
        } catch (RuntimeException e) {
            int attempt = Activity.getExecutionContext().getInfo().getAttempt();
            throw ApplicationFailure.newFailureWithCause(describe(e) + " (attempt " + attempt + ")", e.getClass().getSimpleName(), e);
        } finally {
            if (beating != null) {
                beating.cancel(false);
            }
        }
    }

    /** The call's request (from the payload store when passed by reference), each large tool result put back. */
    private ChatRequest request(RunActivities.ModelCall c) {
        ChatRequest request = c.requestRef() != null ? PayloadActivities.request(payloads, c.runId(), c.requestRef()) : c.request();
        boolean shrunk = false;
        List<ChatMessage> messages = new ArrayList<>(request.messages());
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i) instanceof ToolExecutionResultMessage t) {
                String text = payloads.expand(c.runId(), t.text());
                if (!text.equals(t.text())) {
                    messages.set(i, ToolExecutionResultMessage.from(t.id(), t.toolName(), text));
                    shrunk = true;
                }
            }
        }
        return shrunk ? request.toBuilder().messages(messages).build() : request;
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        String name = e.getClass().getSimpleName();
        return message == null || message.isBlank() ? name : message.contains(name) ? message : name + ": " + message;
    }
}
