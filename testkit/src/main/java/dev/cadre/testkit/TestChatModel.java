package dev.cadre.testkit;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The testkit's models are both a {@link ChatModel} and a {@link StreamingChatModel}: this settles the defaults the
 * two interfaces share, and sends every entry point to the two methods that take {@link ChatRequestOptions}. A class
 * rather than an interface, so the public subclasses get public bridge methods (reflection on them works).
 */
abstract class TestChatModel implements ChatModel, StreamingChatModel {

    @Override
    public abstract ChatResponse chat(ChatRequest request, ChatRequestOptions options);

    @Override
    public abstract void chat(ChatRequest request, ChatRequestOptions options, StreamingChatResponseHandler handler);

    @Override
    public ChatResponse chat(ChatRequest request) {
        return chat(request, ChatRequestOptions.EMPTY);
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        return chat(request, ChatRequestOptions.EMPTY);
    }

    @Override
    public void chat(ChatRequest request, StreamingChatResponseHandler handler) {
        chat(request, ChatRequestOptions.EMPTY, handler);
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        chat(request, ChatRequestOptions.EMPTY, handler);
    }

    @Override
    public abstract Set<Capability> supportedCapabilities();

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return DefaultChatRequestParameters.EMPTY;
    }

    @Override
    public List<ChatModelListener> listeners() {
        return List.of();
    }

    @Override
    public ModelProvider provider() {
        return ModelProvider.OTHER;
    }

    /** A streaming handler made of three callbacks. */
    static StreamingChatResponseHandler handler(Consumer<String> token, Consumer<ChatResponse> done, Consumer<Throwable> failed) {
        return new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {
                token.accept(partial);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.accept(response);
            }

            @Override
            public void onError(Throwable error) {
                failed.accept(error);
            }
        };
    }

    /** Waits as a blocking HTTP client would; {@code who} names the model in the error if the wait is interrupted. */
    static void pause(Duration duration, String who) {
        try {
            TimeUnit.NANOSECONDS.sleep(duration.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(who + " was interrupted while waiting to answer", e);
        }
    }
}
