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
    private final RateLimits limits;

    ModelCalls(ModelRegistry models, Scheduler blocking, Cache<LocalDriver.ModelCacheKey, ChatResponse> cache, RunRecorder recorder,
               boolean cacheOn, RetryPolicy retry, boolean streaming, RateLimits limits) {
        this.models = models;
        this.blocking = blocking;
        this.cache = cache;
        this.recorder = recorder;
        this.cacheOn = cacheOn;
        this.retry = retry;
        this.streaming = streaming;
        this.limits = limits;
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
        return limited(c, once).retryWhen(Backoff.of(retry, limits.timer(), (error, attempt, wait) -> log.info(
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

    /**
     * {@code call} once its model's shared rate limit lets it go; its usage and the provider's headers true the limit
     * up, a 429 makes every call to the model wait (the wait the provider asked for, else the first backoff).
     */
    private Mono<ChatResponse> limited(Command.CallModel c, Mono<ChatResponse> call) {
        ModelLimiter limiter = limits.forModel(c.model().toString());
        long estimate = limiter.countsTokens() ? estimatedTokens(c.request()) : 0;
        Mono<ChatResponse> observed = call
                .doOnNext(response -> limiter.observe(ProviderLimits.from(limits.headers().of(response))))
                .doOnError(error -> {
                    if (Transient.isRateLimited(error)) {
                        limiter.pause(Transient.retryAfter(error).orElse(retry.firstBackoff()));
                    }
                });
        // decided anew on every attempt; the queued path is built only when the limiter is closed
        return Mono.defer(() -> limiter.open() ? observed : admitted(c, limiter, estimate, observed));
    }

    private Mono<ChatResponse> admitted(Command.CallModel c, ModelLimiter limiter, long estimate, Mono<ChatResponse> observed) {
        return limiter.admit(estimate, (reason, expected, ahead) -> recorder.publishLive((id, seq, at) ->
                        new RunEvent.RateLimitWait(id, c.stepPath(), seq, at, c.agent(), c.model().toString(), reason,
                                expected.toMillis(), ahead)))
                .flatMap(permit -> observed.doOnNext(response -> limiter.settle(permit,
                        response.tokenUsage() != null && response.tokenUsage().totalTokenCount() != null
                                ? response.tokenUsage().totalTokenCount() : permit.tokens())));
    }

    /** About a token per four characters of the request, and the answer's cap when it has one. */
    private static long estimatedTokens(ChatRequest request) {
        long chars = 0;
        for (var message : request.messages()) {
            chars += String.valueOf(message).length();
        }
        Integer answer = request.maxOutputTokens();
        return Math.max(1, chars / 4 + (answer == null ? 0 : answer));
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
