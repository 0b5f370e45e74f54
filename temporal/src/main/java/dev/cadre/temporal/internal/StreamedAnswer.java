package dev.cadre.temporal.internal;

import dev.cadre.orchestrator.journal.LiveTokens;
import dev.cadre.orchestrator.redaction.Redactor;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One model call of the model activity, streamed: each piece of the answer goes (redacted) to the journal store's live
 * side channel ({@link LiveTokens}) as it comes, never to the activity's result or the history, which get the whole
 * answer once. The activity's thread waits heartbeating ({@link Heartbeats#await}); when the activity is cancelled the
 * stream is cancelled too (where the provider's client can) and nothing more is published.
 */
final class StreamedAnswer {

    private StreamedAnswer() {}

    static ChatResponse chat(StreamingChatModel model, ChatRequest request, ChatRequestOptions options, RunActivities.ModelCall call,
                             LiveTokens live, Redactor redactor, Clock clock) {
        CompletableFuture<ChatResponse> answer = new CompletableFuture<>();
        AtomicBoolean open = new AtomicBoolean(true);
        AtomicReference<StreamingHandle> handle = new AtomicReference<>();
        model.chat(request, options, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
                handle.compareAndSet(null, context.streamingHandle());
                onPartialResponse(partial.text());
            }

            @Override
            public void onPartialResponse(String token) {
                if (open.get() && token != null && !token.isEmpty()) {
                    publish(live, new LiveTokens.Chunk(call.runId(), call.stepPath(), call.agent(), call.turn(), redactor.redact(token),
                            clock.instant()));
                }
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                answer.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                answer.completeExceptionally(error);
            }
        });
        try {
            return Heartbeats.await(answer);
        } catch (io.temporal.client.ActivityCompletionException cancelled) {
            StreamingHandle h = handle.get();
            if (h != null && !h.isCancelled()) {
                h.cancel();
            }
            throw cancelled;
        } finally {
            open.set(false);
        }
    }

    /** A chunk that cannot be sent is dropped: subscribers get the whole answer from the journal all the same. */
    private static void publish(LiveTokens live, LiveTokens.Chunk chunk) {
        try {
            for (LiveTokens.Chunk part : LiveTokens.split(chunk, LiveTokens.MAX_CHUNK_CHARS)) {
                live.publish(part);
            }
        } catch (RuntimeException dropped) {
            // the live channel is best effort: the answer is journaled whole
        }
    }
}
