package dev.cadre.temporal.internal;

import dev.cadre.api.ModelCallAttributes;
import dev.cadre.api.ModelRegistry;
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
 * sees each large tool result whole again.
 */
public final class ModelActivities implements RunActivities.Models {

    private final ModelRegistry models;
    private final PayloadStore payloads;
    private final Heartbeats beats;

    public ModelActivities(ModelRegistry models, PayloadStore payloads, Heartbeats beats) {
        this.models = models;
        this.payloads = payloads;
        this.beats = beats;
    }

    @Override
    public RunActivities.ModelAnswer call(RunActivities.ModelCall c) {
        ChatModel model;
        try {
            model = models.chatModel(c.model());
        } catch (IllegalArgumentException e) {
            return new RunActivities.ModelAnswer(null, e.getMessage());
        }
        ChatRequestOptions options = ChatRequestOptions.builder()
                .addListenerAttribute(ModelCallAttributes.RUN_ID, c.runId())
                .addListenerAttribute(ModelCallAttributes.STEP_PATH, c.stepPath())
                .addListenerAttribute(ModelCallAttributes.AGENT, c.agent())
                .addListenerAttribute(ModelCallAttributes.TURN, c.turn())
                .build();
        java.util.concurrent.ScheduledFuture<?> beating = beats.start();
        try {
            return new RunActivities.ModelAnswer(model.chat(request(c), options), null);
        } catch (NonRetriableException | IllegalArgumentException e) {
            return new RunActivities.ModelAnswer(null, "Model '" + c.model() + "' failed for agent '" + c.agent() + "' at step '"
                    + c.stepPath() + "': " + describe(e));
        } catch (RuntimeException e) {
            int attempt = Activity.getExecutionContext().getInfo().getAttempt();
            throw ApplicationFailure.newFailureWithCause(describe(e) + " (attempt " + attempt + ")", e.getClass().getSimpleName(), e);
        } finally {
            beating.cancel(false);
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
