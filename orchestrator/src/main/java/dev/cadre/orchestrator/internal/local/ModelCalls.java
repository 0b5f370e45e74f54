package dev.cadre.orchestrator.internal.local;

import com.github.benmanes.caffeine.cache.Cache;
import dev.cadre.api.ModelCallAttributes;
import dev.cadre.api.ModelRef;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RunEvent;
import dev.cadre.api.Usage;
import dev.cadre.api.crew.RetryPolicy;
import dev.cadre.orchestrator.internal.RunRecorder;
import dev.cadre.orchestrator.internal.core.Command;
import dev.cadre.orchestrator.internal.core.Input;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The local driver's model calls: the crew's model cache (answers of temperature-0 requests), blocking clients on the
 * blocking scheduler, streamed tokens published as they come (live events), and transport retries (timeouts, 429
 * with Retry-After, 5xx) with backoff and jitter. Re-asking after a bad answer is the core's business, not this.
 */
final class ModelCalls {

    private static final Logger log = LoggerFactory.getLogger(ModelCalls.class);

    private final ModelRegistry models;
    private final Scheduler blocking;
    private final Cache<LocalDriver.ModelCacheKey, ChatResponse> cache;
    private final RunRecorder recorder;
    private final boolean cacheOn;
    private final RetryPolicy retry;
    private final boolean streaming;

    ModelCalls(ModelRegistry models, Scheduler blocking, Cache<LocalDriver.ModelCacheKey, ChatResponse> cache, RunRecorder recorder,
               boolean cacheOn, RetryPolicy retry, boolean streaming) {
        this.models = models;
        this.blocking = blocking;
        this.cache = cache;
        this.recorder = recorder;
        this.cacheOn = cacheOn;
        this.retry = retry;
        this.streaming = streaming;
    }

    Mono<Input> call(Command.CallModel c) {
        ChatRequest request = c.request();
        ModelRef ref = c.model();
        boolean cacheable = cacheOn && Double.valueOf(0.0).equals(request.temperature());
        LocalDriver.ModelCacheKey key = new LocalDriver.ModelCacheKey(ref.toString(), request);
        if (cacheable) {
            ChatResponse hit = cache.getIfPresent(key);
            if (hit != null) {
                return Mono.just(new Input.ModelAnswered(c.key(), hit, true, new Usage(0, 0, 0, 0, null, 1, 0)));
            }
        }
        ChatRequestOptions options = ChatRequestOptions.builder()
                .addListenerAttribute(ModelCallAttributes.RUN_ID, recorder.runId())
                .addListenerAttribute(ModelCallAttributes.STEP_PATH, c.stepPath())
                .addListenerAttribute(ModelCallAttributes.AGENT, c.agent())
                .addListenerAttribute(ModelCallAttributes.TURN, c.turn())
                .build();
        ChatModel model;
        Optional<StreamingChatModel> stream;
        try {
            model = models.chatModel(ref);
            stream = streaming ? models.streamingChatModel(ref) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Mono.just(new Input.ModelFailed(c.key(), e.getMessage()));
        }
        Mono<ChatResponse> once = stream.isPresent()
                ? stream(c, stream.get(), request, options)
                : Mono.fromCallable(() -> model.chat(request, options)).subscribeOn(blocking);
        return once.retryWhen(Backoff.of(retry, (error, attempt, wait) -> log.info(
                        "Model {} failed for agent {} in run {} ({}); retry {} of {} in {} ms", ref, c.agent(), recorder.runId(),
                        Backoff.describe(error), attempt + 1, retry.maxRetries(), wait.toMillis())))
                .<Input>map(response -> {
                    if (cacheable) {
                        cache.put(key, response);
                    }
                    return new Input.ModelAnswered(c.key(), response, false,
                            cacheable ? new Usage(0, 0, 0, 0, null, 0, 1) : Usage.ZERO);
                })
                .onErrorResume(e -> e instanceof Exception, e -> Mono.just(new Input.ModelFailed(c.key(),
                        "Model '" + ref + "' failed for agent '" + c.agent() + "' at step '" + c.stepPath() + "'"
                                + (Transient.isTransient(e) && retry.maxRetries() > 0 ? " after " + retry.maxRetries() + " retries" : "")
                                + ": " + Backoff.describe(e))));
    }

    private Mono<ChatResponse> stream(Command.CallModel c, StreamingChatModel model, ChatRequest request, ChatRequestOptions options) {
        return Mono.create(sink -> model.chat(request, options, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String token) {
                recorder.publishLive((id, seq, at) -> new RunEvent.TokenStreamed(id, c.stepPath(), seq, at, c.agent(), token));
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                sink.success(response);
            }

            @Override
            public void onError(Throwable error) {
                sink.error(error);
            }
        }));
    }
}
