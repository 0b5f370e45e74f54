package dev.cadre.temporal.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.langchain4j.model.chat.request.ChatRequest;

/**
 * Keeps a model call's chat request in the {@link PayloadStore} (a local activity whose argument stays out of the
 * history), so the model activity's argument is a reference, not the whole growing transcript.
 */
public final class PayloadActivities implements RunActivities.Payloads {

    private final PayloadStore store;

    public PayloadActivities(PayloadStore store) {
        this.store = store;
    }

    @Override
    public String putRequest(String runId, ChatRequest request) {
        try {
            return store.put(runId, ChatJson.mapper().writeValueAsString(request));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise a chat request of run '" + runId + "': " + e.getOriginalMessage(), e);
        }
    }

    /** The request {@code ref} names, its large tool results put back. */
    static ChatRequest request(PayloadStore store, String runId, String ref) {
        try {
            return ChatJson.mapper().readValue(store.get(runId, ref), ChatRequest.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The chat request " + ref + " of run '" + runId + "' is not readable: " + e.getOriginalMessage(), e);
        }
    }
}
