package dev.cadre.testkit;

import dev.cadre.api.ModelCallAttributes;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import java.net.SocketException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Wraps a LangChain4j {@link ChatModel} (and {@link StreamingChatModel}) and injects faults into a share of its
 * calls, for tests of how a crew copes with an unreliable provider: timeouts, 429 with a wait to honour, 500s,
 * connection resets, streams cut off mid-answer, answers cut at the output limit, tool calls whose arguments are not
 * JSON, calls to tools that do not exist, and empty answers (see {@link Fault}). Failures are the exceptions
 * LangChain4j's own providers throw ({@code RateLimitException}, {@code InternalServerException},
 * {@code TimeoutException}, each around an {@code HttpException} or the JDK's I/O exception), so a caller's retry
 * classification is tested for real.
 *
 * <p>Which calls fail is drawn from the seed, the call's step, agent and turn (the attributes Cadre's orchestrator
 * sets) and how often that turn was tried, so a run with the same seed meets the same faults even when its steps run
 * concurrently. A call that fails never consumes the wrapped model's answer: a retried call, or the agent's next turn
 * after a bad answer, gets the answer the faulty call would have had, and the wrapped model sees turns numbered as
 * if no bad answer had been given. A scripted crew therefore ends as it would without faults when it recovers.
 * {@link Builder#at} injects chosen faults at one step's turn instead, for regression tests of one case. Counters tell
 * what was injected. Thread-safe.
 *
 * <pre>{@code
 * FaultInjectingModel model = FaultInjectingModel.around(scripted).rate(0.2).seed(7).build();
 * ... run the crew with ModelRegistry.of("scripted:demo", model) ...
 * assertThat(model.injectedTotal()).isPositive();
 * log.info(model.summary());   // "40 calls, 9 faults injected (TIMEOUT 2, ...), 5 retries"
 * }</pre>
 */
public final class FaultInjectingModel extends TestChatModel {

    private static final Pattern WORD = Pattern.compile("\\S+\\s*|\\s+");

    private final ChatModel delegate;
    private final StreamingChatModel streamingDelegate;
    private final double rate;
    private final long seed;
    private final Map<Fault, Double> weights;
    private final Duration retryAfter;
    private final Duration timeoutAfter;
    private final Scheduler timer;
    private final Map<String, List<Fault>> planned;

    private final Map<String, Integer> attempts = new HashMap<>();
    private final Map<String, Integer> callsWithoutTurn = new HashMap<>();
    private final Map<String, Answer> held = new HashMap<>();
    private final Map<String, Integer> skippedTurns = new HashMap<>();
    private final Map<Fault, Long> injected = new EnumMap<>(Fault.class);
    private long calls;
    private long retries;
    private int maxAttempts;

    private FaultInjectingModel(Builder builder) {
        this.delegate = builder.delegate;
        this.streamingDelegate = builder.streamingDelegate;
        this.rate = builder.rate;
        this.seed = builder.seed;
        this.weights = Collections.unmodifiableMap(new EnumMap<>(builder.weights));
        this.retryAfter = builder.retryAfter;
        this.timeoutAfter = builder.timeoutAfter;
        this.timer = builder.timer;
        Map<String, List<Fault>> plannedCopy = new HashMap<>();
        builder.planned.forEach((k, v) -> plannedCopy.put(k, List.copyOf(v)));
        this.planned = plannedCopy;
        for (Fault fault : Fault.values()) {
            injected.put(fault, 0L);
        }
    }

    /** Starts a model that wraps {@code model}; when it is also a {@link StreamingChatModel}, streaming calls go to it too. */
    public static Builder around(ChatModel model) {
        Objects.requireNonNull(model, "model");
        return new Builder(model, model instanceof StreamingChatModel s ? s : null);
    }

    /** Starts a model that wraps a streaming-only model (blocking calls wait for its stream). */
    public static Builder aroundStreaming(StreamingChatModel model) {
        Objects.requireNonNull(model, "model");
        return new Builder(model instanceof ChatModel c ? c : null, model);
    }

    // ---- counters ----

    /** How many faults of each kind were injected so far (every kind, zero included). */
    public synchronized Map<Fault, Long> injected() {
        return Collections.unmodifiableMap(new EnumMap<>(injected));
    }

    /** How many faults were injected so far. */
    public synchronized long injectedTotal() {
        return injected.values().stream().mapToLong(Long::longValue).sum();
    }

    /** How many calls this model received. */
    public synchronized long calls() {
        return calls;
    }

    /** How many calls were retries: the same agent's same turn at the same step, asked again. */
    public synchronized long retries() {
        return retries;
    }

    /** The most calls received for one turn of one agent at one step (1 when nothing was retried). */
    public synchronized int maxAttempts() {
        return maxAttempts;
    }

    /** One line for test reports, e.g. {@code "40 calls, 9 faults injected (TIMEOUT 2, EMPTY_ANSWER 1), 5 retries"}. */
    public synchronized String summary() {
        String kinds = injected.entrySet().stream().filter(e -> e.getValue() > 0)
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
        return calls + " calls, " + injectedTotal() + " faults injected" + (kinds.isEmpty() ? "" : " (" + kinds + ")")
                + ", " + retries + " retries";
    }

    // ---- ChatModel ----

    @Override
    public ChatResponse chat(ChatRequest request, ChatRequestOptions options) {
        Plan plan = plan(request, options);
        if (plan.failsBeforeAnswer()) {
            if (plan.fault == Fault.TIMEOUT && !timeoutAfter.isZero()) {
                TestChatModel.pause(timeoutAfter, "FaultInjectingModel");
            }
            throw failure(plan.fault);
        }
        Answer real = plan.held != null ? plan.held : new Answer(blockingAnswer(request, plan.options), null);
        Outcome outcome = settle(plan, real, request);
        if (outcome.error != null) {
            throw outcome.error;
        }
        return outcome.answer.response;
    }

    // ---- StreamingChatModel ----

    @Override
    public void chat(ChatRequest request, ChatRequestOptions options, StreamingChatResponseHandler handler) {
        Plan plan;
        try {
            plan = plan(request, options);
        } catch (RuntimeException e) {
            handler.onError(e);
            return;
        }
        if (plan.failsBeforeAnswer()) {
            RuntimeException failure = failure(plan.fault);
            if (plan.fault == Fault.TIMEOUT && !timeoutAfter.isZero()) {
                timer.schedule(() -> handler.onError(failure), timeoutAfter.toNanos(), TimeUnit.NANOSECONDS);
            } else {
                handler.onError(failure);
            }
            return;
        }
        if (plan.held != null) {
            emit(settle(plan, plan.held, request), handler);
        } else if (streamingDelegate != null) {
            List<String> tokens = Collections.synchronizedList(new ArrayList<>());
            streamingDelegate.chat(request, plan.options, TestChatModel.handler(tokens::add, response -> {
                Outcome outcome;
                try {
                    outcome = settle(plan, new Answer(response, List.copyOf(tokens)), request);
                } catch (RuntimeException e) {
                    handler.onError(e);
                    return;
                }
                emit(outcome, handler);
            }, handler::onError));
        } else {
            Schedulers.boundedElastic().schedule(() -> {
                Outcome outcome;
                try {
                    outcome = settle(plan, new Answer(delegate.chat(request, plan.options), null), request);
                } catch (RuntimeException e) {
                    handler.onError(e);
                    return;
                }
                emit(outcome, handler);
            });
        }
    }

    private static void emit(Outcome outcome, StreamingChatResponseHandler handler) {
        for (String token : outcome.tokens) {
            handler.onPartialResponse(token);
        }
        if (outcome.error != null) {
            handler.onError(outcome.error);
        } else {
            handler.onCompleteResponse(outcome.answer.response);
        }
    }

    private ChatResponse blockingAnswer(ChatRequest request, ChatRequestOptions options) {
        if (delegate != null) {
            return delegate.chat(request, options);
        }
        CompletableFuture<ChatResponse> answer = new CompletableFuture<>();
        streamingDelegate.chat(request, options, TestChatModel.handler(token -> {}, answer::complete, answer::completeExceptionally));
        try {
            return answer.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("FaultInjectingModel was interrupted while waiting for the wrapped model", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new LangChain4jException(e.getCause());
        }
    }

    @Override
    public Set<Capability> supportedCapabilities() {
        return delegate != null ? delegate.supportedCapabilities() : streamingDelegate.supportedCapabilities();
    }

    // ---- deciding and injecting ----

    /** A wrapped model's answer, with the tokens it streamed ({@code null} when it answered in one piece). */
    private record Answer(ChatResponse response, List<String> tokens) {}

    /** What one call gets: the answer (maybe corrupted), tokens to stream first, and an error to end with instead. */
    private record Outcome(Answer answer, List<String> tokens, RuntimeException error) {}

    /** What was decided for one call before the wrapped model is asked. */
    private record Plan(String conversation, Fault fault, Answer held, ChatRequestOptions options, SplittableRandom random) {
        boolean failsBeforeAnswer() {
            return fault != null && fault.isTransient() && fault != Fault.STREAM_CUT;
        }
    }

    private synchronized Plan plan(ChatRequest request, ChatRequestOptions options) {
        calls++;
        Map<Object, Object> attributes = options == null || options.listenerAttributes() == null ? Map.of() : options.listenerAttributes();
        String run = String.valueOf(attributes.getOrDefault(ModelCallAttributes.RUN_ID, ""));
        String path = String.valueOf(attributes.getOrDefault(ModelCallAttributes.STEP_PATH, ""));
        String agent = String.valueOf(attributes.getOrDefault(ModelCallAttributes.AGENT, ""));
        Object turnAttribute = attributes.get(ModelCallAttributes.TURN);
        String conversation = run + "\u0000" + path + "\u0000" + agent;
        String turnKey;
        if (turnAttribute instanceof Integer turn) {
            turnKey = path + "\u0000" + agent + "\u0000" + turn;
        } else {
            turnKey = path + "\u0000" + agent + "\u0000#" + callsWithoutTurn.merge(conversation, 1, Integer::sum);
        }
        int attempt = attempts.merge(run + "\u0000" + turnKey, 1, Integer::sum);
        if (attempt > 1) {
            retries++;
        }
        maxAttempts = Math.max(maxAttempts, attempt);
        SplittableRandom random = new SplittableRandom(mix(seed, turnKey + "\u0000" + attempt));
        boolean toolsOffered = !offeredTools(request).isEmpty();
        Fault fault;
        List<Fault> targeted = turnAttribute instanceof Integer turn ? planned.get(path + "\u0000" + turn) : null;
        if (targeted != null && attempt <= targeted.size()) {
            fault = targeted.get(attempt - 1);
            fault = fault.needsTools() && !toolsOffered ? null : fault;
        } else {
            fault = random.nextDouble() < rate ? pick(random, toolsOffered) : null;
        }
        ChatRequestOptions forDelegate = options == null ? ChatRequestOptions.EMPTY : options;
        int skipped = skippedTurns.getOrDefault(conversation, 0);
        if (skipped > 0 && turnAttribute instanceof Integer turn) {
            Map<Object, Object> shifted = new LinkedHashMap<>(attributes);
            shifted.put(ModelCallAttributes.TURN, turn - skipped);
            forDelegate = ChatRequestOptions.builder().listenerAttributes(shifted).build();
        }
        Plan plan = new Plan(conversation, fault, held.get(conversation), forDelegate, random);
        if (plan.failsBeforeAnswer()) {
            injected.merge(fault, 1L, Long::sum);
        }
        return plan;
    }

    private Fault pick(SplittableRandom random, boolean toolsOffered) {
        double total = 0;
        for (Map.Entry<Fault, Double> e : weights.entrySet()) {
            if (toolsOffered || !e.getKey().needsTools()) {
                total += e.getValue();
            }
        }
        if (total <= 0) {
            return null;
        }
        double x = random.nextDouble() * total;
        Fault last = null;
        for (Map.Entry<Fault, Double> e : weights.entrySet()) {
            if (e.getValue() > 0 && (toolsOffered || !e.getKey().needsTools())) {
                last = e.getKey();
                x -= e.getValue();
                if (x < 0) {
                    return last;
                }
            }
        }
        return last;
    }

    /** Counts the plan's fault and decides what the caller gets, given the answer the wrapped model gave. */
    private synchronized Outcome settle(Plan plan, Answer real, ChatRequest request) {
        if (plan.fault == null) {
            held.remove(plan.conversation);
            return new Outcome(real, tokensOf(real), null);
        }
        injected.merge(plan.fault, 1L, Long::sum);
        held.put(plan.conversation, real);
        if (plan.fault == Fault.STREAM_CUT) {
            List<String> tokens = tokensOf(real);
            return new Outcome(real, tokens.subList(0, tokens.size() / 2), failure(Fault.STREAM_CUT));
        }
        // a bad answer takes a turn: the wrapped model's turns go on from where they were
        skippedTurns.merge(plan.conversation, 1, Integer::sum);
        Answer bad = corrupt(plan.fault, real, request, plan.random);
        return new Outcome(bad, tokensOf(bad), null);
    }

    private Answer corrupt(Fault fault, Answer real, ChatRequest request, SplittableRandom random) {
        AiMessage ai = real.response.aiMessage();
        ToolExecutionRequest realCall = ai.hasToolExecutionRequests() ? ai.toolExecutionRequests().get(0) : null;
        List<String> offered = offeredTools(request);
        String id = "fault_" + injectedTotal();
        return switch (fault) {
            case TRUNCATED_ANSWER -> {
                if (realCall != null) {
                    yield answer(real, AiMessage.from(List.of(call(id, realCall.name(), cut(realCall.arguments())))), FinishReason.LENGTH);
                }
                List<String> tokens = tokensOf(real);
                yield answer(real, AiMessage.from(String.join("", tokens.subList(0, tokens.size() / 2))), FinishReason.LENGTH);
            }
            case MALFORMED_TOOL_ARGUMENTS -> {
                String name = realCall != null ? realCall.name() : offered.get(random.nextInt(offered.size()));
                String arguments = realCall != null ? cut(realCall.arguments()) : "{\"" + name + "\": ";
                yield answer(real, AiMessage.from(List.of(call(id, name, arguments))), FinishReason.TOOL_EXECUTION);
            }
            case UNKNOWN_TOOL -> {
                String name = "functions_" + (realCall != null ? realCall.name() : offered.get(random.nextInt(offered.size())));
                while (offered.contains(name)) {
                    name = name + "_x";
                }
                String arguments = realCall != null ? realCall.arguments() : "{}";
                yield answer(real, AiMessage.from(List.of(call(id, name, arguments))), FinishReason.TOOL_EXECUTION);
            }
            case EMPTY_ANSWER -> answer(real, AiMessage.from(""), FinishReason.STOP);
            default -> throw new IllegalStateException("not an answer fault: " + fault);
        };
    }

    private static List<String> offeredTools(ChatRequest request) {
        List<ToolSpecification> tools = request.toolSpecifications();
        return tools == null ? List.of() : tools.stream().map(ToolSpecification::name).toList();
    }

    private static ToolExecutionRequest call(String id, String name, String arguments) {
        return ToolExecutionRequest.builder().id(id).name(name).arguments(arguments).build();
    }

    private static Answer answer(Answer real, AiMessage message, FinishReason finish) {
        return new Answer(ChatResponse.builder().aiMessage(message).tokenUsage(real.response.tokenUsage())
                .finishReason(finish).modelName(real.response.modelName()).build(), null);
    }

    /** A strict prefix of a JSON object (so never valid JSON): what a stream cut inside a tool call leaves. */
    static String cut(String arguments) {
        String json = arguments == null ? "" : arguments.strip();
        if (!json.startsWith("{")) {
            json = "{" + json;
        }
        return json.substring(0, Math.max(1, json.length() / 2));
    }

    private static List<String> tokensOf(Answer answer) {
        if (answer.tokens != null) {
            return answer.tokens;
        }
        String text = answer.response.aiMessage().text();
        List<String> tokens = new ArrayList<>();
        if (text != null) {
            Matcher m = WORD.matcher(text);
            while (m.find()) {
                tokens.add(m.group());
            }
        }
        return tokens;
    }

    private RuntimeException failure(Fault fault) {
        return switch (fault) {
            case TIMEOUT -> new TimeoutException(new HttpTimeoutException("request timed out"));
            case RATE_LIMITED -> new RateLimitException(new HttpException(429, "{\"error\":{\"message\":\"Rate limit reached for"
                    + " requests. Please try again in " + retryAfter.toMillis() + "ms.\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}"));
            case SERVER_ERROR -> new InternalServerException(new HttpException(500,
                    "{\"error\":{\"message\":\"The server had an error while processing your request.\",\"type\":\"server_error\"}}"));
            case CONNECTION_RESET, STREAM_CUT -> new LangChain4jException(new SocketException("Connection reset"));
            default -> throw new IllegalStateException("not a failure: " + fault);
        };
    }

    private static long mix(long seed, String key) {
        long h = 0xcbf29ce484222325L ^ seed;
        for (int i = 0; i < key.length(); i++) {
            h ^= key.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }


    /** Builds a {@link FaultInjectingModel}: by default every kind of fault is equally likely, at a rate of 0.2. */
    public static final class Builder {
        private final ChatModel delegate;
        private final StreamingChatModel streamingDelegate;
        private final Map<Fault, Double> weights = new EnumMap<>(Fault.class);
        private double rate = 0.2;
        private long seed;
        private Duration retryAfter = Duration.ofMillis(20);
        private Duration timeoutAfter = Duration.ZERO;
        private Scheduler timer = Schedulers.parallel();
        private final Map<String, List<Fault>> planned = new HashMap<>();

        private Builder(ChatModel delegate, StreamingChatModel streamingDelegate) {
            this.delegate = delegate;
            this.streamingDelegate = streamingDelegate;
            for (Fault fault : Fault.values()) {
                weights.put(fault, 1.0);
            }
        }

        /** The share of calls that get a fault, from 0 (none) to 1 (every call). */
        public Builder rate(double rate) {
            if (!(rate >= 0 && rate <= 1)) {
                throw new IllegalArgumentException("Fault rate " + rate + " is invalid: use a number from 0 to 1.");
            }
            this.rate = rate;
            return this;
        }

        /** The seed: the same seed gives the same faults at the same steps, agents and turns. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** How likely {@code fault} is relative to the others (default 1 each; 0 never injects it). */
        public Builder weight(Fault fault, double weight) {
            if (!(weight >= 0) || Double.isInfinite(weight)) {
                throw new IllegalArgumentException("Weight " + weight + " for fault " + fault + " is invalid: use a number of 0 or more.");
            }
            weights.put(Objects.requireNonNull(fault, "fault"), weight);
            return this;
        }

        /** Injects only these faults, equally likely. */
        public Builder only(Fault... faults) {
            weights.replaceAll((f, w) -> 0.0);
            for (Fault fault : faults) {
                weights.put(fault, 1.0);
            }
            return this;
        }

        /**
         * Injects {@code faults} at one turn of a step, whatever the rate: the turn's first call gets the first fault,
         * its retry the second, and so on; the call after the last fault goes through. The turn is the call's number
         * within the step as the orchestrator counts it ({@code ModelCallAttributes.TURN}), so a bad answer at turn 1
         * is followed by turn 2. Tool faults are skipped at a turn that offers no tools.
         */
        public Builder at(String stepPath, int turn, Fault... faults) {
            Objects.requireNonNull(stepPath, "stepPath");
            if (turn < 1) {
                throw new IllegalArgumentException("Turn " + turn + " is invalid: turns count from 1.");
            }
            planned.computeIfAbsent(stepPath + "\u0000" + turn, k -> new ArrayList<>()).addAll(List.of(faults));
            return this;
        }

        /** The wait a 429 asks for, in the provider's own words ("Please try again in 20ms."); default 20 ms. */
        public Builder retryAfter(Duration wait) {
            this.retryAfter = Objects.requireNonNull(wait, "wait");
            return this;
        }

        /** How long a timing-out call takes before it fails (default: it fails at once). */
        public Builder timeoutAfter(Duration wait) {
            this.timeoutAfter = Objects.requireNonNull(wait, "wait");
            return this;
        }

        /** The scheduler that times streaming timeouts (default: Reactor's parallel scheduler). */
        public Builder timer(Scheduler timer) {
            this.timer = Objects.requireNonNull(timer, "timer");
            return this;
        }

        public FaultInjectingModel build() {
            return new FaultInjectingModel(this);
        }
    }
}
