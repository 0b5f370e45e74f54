package dev.cadre.orchestrator.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cadre.api.Agent;
import dev.cadre.api.CadreJson;
import dev.cadre.api.Checkpoint;
import dev.cadre.api.ModelCallAttributes;
import dev.cadre.api.ModelRef;
import dev.cadre.api.Persona;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.RunEvent;
import dev.cadre.api.Task;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolContext;
import dev.cadre.api.ToolResult;
import dev.cadre.api.Usage;
import dev.cadre.api.crew.RetryPolicy;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * One agent working on one task: persona as system message, task and named context as user message, then model
 * calls and tool calls until the agent answers or reaches its bounds. Everything it does becomes a RunEvent.
 *
 * <p>Bounds: {@link Persona#maxToolRounds()} rounds of tool calls (after which the agent must answer without
 * tools), {@code maxOutputRetries} re-asks for an empty answer, one cut off at the model's output limit (finish
 * reason {@code LENGTH}) or one that fails the output schema, the crew's
 * budgets (checked before each model call) and its guard against repeated identical tool calls. Unknown tools,
 * arguments that fail a tool's schema and tool failures are told to the model, which can recover. Blocking model
 * clients and tools run on the blocking scheduler, never on a parallel thread. On resume, recorded model answers
 * and tool results are reused instead of being made again.
 *
 * <p>Over 300 lines because it still holds every stage of the turn (model call, tool dispatch, approvals, ask_human,
 * answer checks); issue 14 splits them into the deterministic core's small stages, and this class goes then.
 */
public final class AgentTurn {

    private static final Logger log = LoggerFactory.getLogger(AgentTurn.class);

    /**
     * What to run: an agent, its task (variables filled), the context outputs the task names, the step's path, the
     * name its output goes by (for task budgets), tools the pattern adds (delegate, finish), and where a finish
     * tool leaves the answer.
     */
    public record Spec(Agent agent, Task task, Map<String, String> context, String stepPath, String outputName,
                       List<Tool> extraTools, AtomicReference<String> finished) {
        public Spec(Agent agent, Task task, Map<String, String> context, String stepPath) {
            this(agent, task, context, stepPath, task.id(), List.of(), null);
        }
    }

    private final RunContext run;
    private final RunRecorder recorder;
    private final ObjectMapper mapper = CadreJson.mapper();

    public AgentTurn(RunContext run) {
        this.run = run;
        this.recorder = run.recorder;
    }

    /** Runs the step; the Mono gives the agent's output or fails with a {@link StepFailedException}. */
    public Mono<String> run(Spec spec) {
        return Mono.defer(() -> {
            Persona persona = spec.agent().persona();
            String path = spec.stepPath();
            recorder.emit((id, seq, at) -> new RunEvent.StepStarted(id, path, seq, at, persona.id(), "agent",
                    spec.task().renderedDescription()));
            State state;
            try {
                state = prepare(spec);
            } catch (StepFailedException e) {
                fail(spec, e.getMessage(), Usage.ZERO);
                return Mono.error(e);
            }
            return loop(state)
                    .onErrorMap(e -> !(e instanceof StepFailedException) && !(e instanceof RunAbortedException),
                            e -> unexpected(spec, e))
                    .doOnSuccess(output -> finish(spec, output, state.usage()))
                    .doOnError(e -> fail(spec, e.getMessage(), state.usage()));
        });
    }

    /** A step that cannot start (its context is missing): journaled as started and failed, with the reason. */
    public Mono<String> failBeforeStart(Spec spec, String reason) {
        return Mono.defer(() -> {
            recorder.emit((id, seq, at) -> new RunEvent.StepStarted(id, spec.stepPath(), seq, at, spec.agent().id(), "agent",
                    spec.task().renderedDescription()));
            fail(spec, reason, Usage.ZERO);
            return Mono.error(new StepFailedException(reason));
        });
    }

    private State prepare(Spec spec) {
        Persona persona = spec.agent().persona();
        ModelRef ref;
        try {
            ref = run.services.models().modelFor(persona);
            run.services.models().chatModel(ref);
        } catch (IllegalArgumentException e) {
            throw new StepFailedException(e.getMessage(), e);
        }
        Task task = spec.task();
        JsonNode schema = task.outputSchema() != null ? task.outputSchema()
                : persona.output().hasSchema() ? persona.output().schema() : null;
        Map<String, Tool> tools = new LinkedHashMap<>();
        spec.agent().tools().forEach(t -> tools.put(t.name(), t));
        spec.extraTools().forEach(t -> tools.put(t.name(), t));
        if (run.crew.policy().askHuman()) {
            Tool ask = askHumanTool(spec);
            tools.put(ask.name(), ask);
        }
        return new State(spec, ref, schema, tools, Prompts.initial(persona, task, spec.context(), schema),
                recorder.clock().instant());
    }

    /** Mutable state of one step; the loop touches it one model call at a time. */
    private static final class State {
        final Spec spec;
        final ModelRef ref;
        final JsonNode schema;
        final Map<String, Tool> tools;
        final List<ToolSpecification> specifications;
        final List<ChatMessage> messages;
        final Instant started;
        int journaledMessages;
        int turn;
        int toolRounds;
        int outputRetries;
        boolean toolsClosed;
        int anonymousCalls;
        private Usage usage = Usage.ZERO;

        State(Spec spec, ModelRef ref, JsonNode schema, Map<String, Tool> tools, List<ChatMessage> messages, Instant started) {
            this.spec = spec;
            this.ref = ref;
            this.schema = schema;
            this.tools = tools;
            this.specifications = tools.values().stream().map(Tool::specification).toList();
            this.messages = new ArrayList<>(messages);
            this.started = started;
        }

        String agentId() {
            return spec.agent().id();
        }

        synchronized void add(Usage more) {
            usage = usage.plus(more);
        }

        synchronized Usage usage() {
            return usage;
        }
    }

    private Mono<String> loop(State state) {
        return callModel(state).flatMap(response -> {
            AiMessage ai = response.aiMessage();
            state.messages.add(ai);
            if (ai.hasToolExecutionRequests()) {
                return onToolCalls(state, ai.toolExecutionRequests());
            }
            if (response.finishReason() == FinishReason.LENGTH && ai.text() != null && !ai.text().isBlank()) {
                // the provider stopped at its output limit: the text is a fragment, never the agent's output
                return retryOrFail(state, "Your answer was cut off at the output limit. Answer again, complete and shorter.",
                        "Agent '" + state.agentId() + "' gave an answer cut off at the model's output limit "
                                + (state.outputRetries + 1) + " times.");
            }
            return onAnswer(state, recorder.redactor().redact(ai.text()));
        });
    }

    private Mono<String> onToolCalls(State state, List<ToolExecutionRequest> requests) {
        Persona persona = state.spec.agent().persona();
        List<ToolExecutionRequest> calls = withIds(state, requests);
        if (state.toolsClosed) {
            return Mono.error(new StepFailedException("Agent '" + persona.id() + "' kept calling tools after its limit of "
                    + persona.maxToolRounds() + " tool rounds was reached, instead of answering."));
        }
        if (state.toolRounds >= persona.maxToolRounds()) {
            state.toolsClosed = true;
            String notice = "Not run: you have used all " + persona.maxToolRounds()
                    + " tool rounds. Give your final answer now, without calling tools.";
            for (ToolExecutionRequest call : calls) {
                state.messages.add(ToolExecutionResultMessage.from(call, notice));
            }
            return loop(state);
        }
        state.toolRounds++;
        int turn = state.turn;
        boolean concurrent = calls.size() > 1 && calls.stream().allMatch(c -> {
            Tool tool = state.tools.get(c.name());
            return tool == null || !(tool instanceof InternalTool) && tool.risk() == RiskLevel.READ_ONLY;
        });
        Flux<ToolExecutionResultMessage> results = concurrent
                ? Flux.fromIterable(calls).flatMapSequential(c -> execute(state, turn, c), run.services.maxConcurrentTools())
                : Flux.fromIterable(calls).concatMap(c -> execute(state, turn, c));
        return results.collectList().flatMap(messages -> {
            state.messages.addAll(messages);
            AtomicReference<String> finished = state.spec.finished();
            if (finished != null && finished.get() != null) {
                return Mono.just(finished.get());
            }
            return loop(state);
        });
    }

    private static List<ToolExecutionRequest> withIds(State state, List<ToolExecutionRequest> requests) {
        List<ToolExecutionRequest> calls = new ArrayList<>(requests.size());
        for (ToolExecutionRequest r : requests) {
            calls.add(r.id() != null && !r.id().isBlank() ? r : ToolExecutionRequest.builder()
                    .id(state.agentId() + "-" + state.turn + "-" + (++state.anonymousCalls)).name(r.name())
                    .arguments(r.arguments()).build());
        }
        return calls;
    }

    private Mono<String> onAnswer(State state, String text) {
        Persona persona = state.spec.agent().persona();
        if (text == null || text.isBlank()) {
            return retryOrFail(state, "Your reply was empty. Answer the task.",
                    "Agent '" + persona.id() + "' gave an empty answer " + (state.outputRetries + 1) + " times.");
        }
        if (state.schema == null) {
            return Mono.just(text);
        }
        String json = unfence(text);
        List<String> problems;
        try {
            JsonNode value = mapper.readTree(json);
            problems = value == null ? List.of("$: the answer is empty") : run.services.schemas().validate(state.schema, value);
        } catch (JsonProcessingException e) {
            problems = List.of("the answer is not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (problems.isEmpty()) {
            return Mono.just(json);
        }
        String summary = JsonSchemas.summary(problems);
        return retryOrFail(state,
                "Your answer does not match the required JSON Schema: " + summary
                        + ". Reply again with only the corrected JSON.",
                "Agent '" + persona.id() + "' gave output that does not match the task's JSON Schema after "
                        + (state.outputRetries + 1) + " attempts: " + summary + ".");
    }

    private Mono<String> retryOrFail(State state, String correction, String failure) {
        if (state.outputRetries >= run.maxOutputRetries) {
            return Mono.error(new StepFailedException(failure));
        }
        state.outputRetries++;
        state.messages.add(UserMessage.from(correction));
        return loop(state);
    }

    /** Strips a Markdown code fence around a JSON answer, which many models add. */
    static String unfence(String text) {
        String t = text.strip();
        if (t.startsWith("```")) {
            int firstNewline = t.indexOf('\n');
            int lastFence = t.lastIndexOf("```");
            if (firstNewline > 0 && lastFence > firstNewline) {
                return t.substring(firstNewline + 1, lastFence).strip();
            }
        }
        return t;
    }

    // ---- model calls ----

    private Mono<ChatResponse> callModel(State state) {
        return Mono.defer(() -> {
            state.turn++;
            int turn = state.turn;
            String path = state.spec.stepPath();
            boolean toolsOffered = !state.toolsClosed && !state.specifications.isEmpty();
            ChatRequest.Builder builder = ChatRequest.builder().messages(List.copyOf(state.messages));
            if (toolsOffered) {
                builder.toolSpecifications(state.specifications);
            }
            Persona persona = state.spec.agent().persona();
            if (persona.temperature() != null) {
                builder.temperature(persona.temperature());
            }
            if (state.schema != null) {
                builder.responseFormat(ResponseFormat.builder().type(ResponseFormatType.JSON)
                        .jsonSchema(JsonSchema.builder().name("output").rootElement(JsonRawSchema.from(state.schema.toString())).build())
                        .build());
            }
            ChatRequest request = builder.build();
            long estimate = estimateTokens(request);
            return run.budgets.beforeModelCall(path, state.agentId(), state.spec.outputName(), state.started,
                            new Budgets.Estimate(estimate, run.services.prices().cost(state.ref, estimate, 0)))
                    .then(Mono.defer(() -> {
                        ModelRef ref = run.budgets.override().orElse(state.ref);
                        List<RunEvent.PromptMessage> fresh = newPromptMessages(state);
                        List<String> toolNames = toolsOffered ? List.copyOf(state.tools.keySet()) : List.of();
                        recorder.emit((id, seq, at) -> new RunEvent.ModelRequested(id, path, seq, at,
                                state.agentId(), ref.toString(), turn, fresh, toolNames));
                        Optional<RunEvent.ModelResponded> recorded = recorder.recorded().modelResponse(path, turn);
                        if (recorded.isPresent()) {
                            return Mono.just(replayed(state, recorded.get()));
                        }
                        return answer(state, ref, turn, request);
                    }));
        });
    }

    private Mono<ChatResponse> answer(State state, ModelRef ref, int turn, ChatRequest request) {
        boolean cacheable = run.crew.policy().cache() && Double.valueOf(0.0).equals(request.temperature());
        RunContext.ModelCacheKey key = new RunContext.ModelCacheKey(ref.toString(), request);
        if (cacheable) {
            ChatResponse hit = run.services.modelCache().getIfPresent(key);
            if (hit != null) {
                record(state, ref, turn, hit, new Usage(0, 0, 0, 0, null, 1, 0), true);
                return Mono.just(hit);
            }
        }
        String path = state.spec.stepPath();
        ChatRequestOptions options = ChatRequestOptions.builder()
                .addListenerAttribute(ModelCallAttributes.RUN_ID, recorder.runId())
                .addListenerAttribute(ModelCallAttributes.STEP_PATH, path)
                .addListenerAttribute(ModelCallAttributes.AGENT, state.agentId())
                .addListenerAttribute(ModelCallAttributes.TURN, turn)
                .build();
        ChatModel model;
        Optional<StreamingChatModel> streaming;
        try {
            model = run.services.models().chatModel(ref);
            streaming = run.streaming ? run.services.models().streamingChatModel(ref) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Mono.error(new StepFailedException(e.getMessage(), e));
        }
        Mono<ChatResponse> once = streaming.isPresent()
                ? stream(state, streaming.get(), request, options)
                : Mono.fromCallable(() -> model.chat(request, options)).subscribeOn(run.services.blocking());
        RetryPolicy retry = run.crew.policy().retry();
        return once.retryWhen(retrySpec(state, ref, retry))
                .onErrorMap(e -> e instanceof Exception && !(e instanceof StepFailedException),
                        e -> new StepFailedException("Model '" + ref + "' failed for agent '" + state.agentId()
                                + "' at step '" + path + "'" + (Transient.isTransient(e) && retry.maxRetries() > 0
                                ? " after " + retry.maxRetries() + " retries" : "") + ": " + describe(e), e))
                .map(response -> {
                    if (cacheable) {
                        run.services.modelCache().put(key, response);
                    }
                    record(state, ref, turn, response, cacheable ? new Usage(0, 0, 0, 0, null, 0, 1) : Usage.ZERO, false);
                    return response;
                });
    }

    private Retry retrySpec(State state, ModelRef ref, RetryPolicy policy) {
        return Retry.from(signals -> signals.concatMap(signal -> {
            Throwable error = signal.failure();
            long attempt = signal.totalRetries();
            if (!Transient.isTransient(error) || attempt >= policy.maxRetries()) {
                return Mono.error(error);
            }
            long base = Math.min(policy.maxBackoff().toMillis(), policy.firstBackoff().toMillis() * (1L << Math.min(attempt, 20)));
            long jitter = (long) (base * policy.jitter() * ThreadLocalRandom.current().nextDouble());
            Duration wait = Duration.ofMillis(base + jitter);
            Duration asked = Transient.retryAfter(error).orElse(Duration.ZERO);
            if (asked.compareTo(wait) > 0) {
                wait = asked;
            }
            log.info("Model {} failed for agent {} in run {} ({}); retry {} of {} in {} ms", ref, state.agentId(),
                    recorder.runId(), describe(error), attempt + 1, policy.maxRetries(), wait.toMillis());
            return Mono.delay(wait);
        }));
    }

    private Mono<ChatResponse> stream(State state, StreamingChatModel model, ChatRequest request, ChatRequestOptions options) {
        String path = state.spec.stepPath();
        return Mono.create(sink -> model.chat(request, options, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String token) {
                recorder.emit((id, seq, at) -> new RunEvent.TokenStreamed(id, path, seq, at, state.agentId(), token));
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

    private void record(State state, ModelRef ref, int turn, ChatResponse response, Usage cacheCounts, boolean cached) {
        AiMessage ai = response.aiMessage();
        Usage usage;
        if (cached) {
            usage = cacheCounts;
        } else {
            TokenUsage tokens = response.tokenUsage();
            long in = tokens == null || tokens.inputTokenCount() == null ? 0 : tokens.inputTokenCount();
            long out = tokens == null || tokens.outputTokenCount() == null ? 0 : tokens.outputTokenCount();
            usage = Usage.ofModelCall(in, out, run.services.prices().cost(ref, in, out)).plus(cacheCounts);
        }
        account(state, usage);
        List<RunEvent.ToolCall> calls = ai.hasToolExecutionRequests()
                ? ai.toolExecutionRequests().stream().map(r -> new RunEvent.ToolCall(r.id(), r.name(), r.arguments())).toList()
                : List.of();
        String finish = response.finishReason() == null ? null : response.finishReason().name();
        recorder.emit((id, seq, at) -> new RunEvent.ModelResponded(id, state.spec.stepPath(), seq, at, state.agentId(),
                ref.toString(), turn, ai.text(), calls, finish, usage, cached));
    }

    /** A recorded answer, reused on resume: the model is not called, its usage still counts. */
    private ChatResponse replayed(State state, RunEvent.ModelResponded recorded) {
        account(state, recorded.usage());
        List<ToolExecutionRequest> calls = recorded.toolCalls() == null ? List.of() : recorded.toolCalls().stream()
                .map(c -> ToolExecutionRequest.builder().id(c.id()).name(c.name()).arguments(c.arguments()).build()).toList();
        AiMessage ai = calls.isEmpty() ? AiMessage.from(recorded.text() == null ? "" : recorded.text())
                : AiMessage.builder().text(recorded.text()).toolExecutionRequests(calls).build();
        return ChatResponse.builder().aiMessage(ai)
                .finishReason(recorded.finishReason() == null ? null : FinishReason.valueOf(recorded.finishReason()))
                .build();
    }

    private void account(State state, Usage usage) {
        state.add(usage);
        recorder.addUsage(usage);
        run.budgets.add(state.agentId(), state.spec.outputName(), usage);
    }

    private static long estimateTokens(ChatRequest request) {
        long chars = 0;
        for (ChatMessage m : request.messages()) {
            if (m instanceof SystemMessage s) chars += s.text().length();
            else if (m instanceof UserMessage u) chars += u.hasSingleText() ? u.singleText().length() : 0;
            else if (m instanceof AiMessage a) chars += a.text() == null ? 0 : a.text().length();
            else if (m instanceof ToolExecutionResultMessage t) chars += t.text().length();
        }
        return (chars + 3) / 4;
    }

    /**
     * The messages added since the agent's last call: the whole prompt (with few-shot examples) on the first call,
     * then only system and user messages, since model answers and tool results have events of their own.
     */
    private static List<RunEvent.PromptMessage> newPromptMessages(State state) {
        List<RunEvent.PromptMessage> fresh = new ArrayList<>();
        boolean first = state.journaledMessages == 0;
        for (int i = state.journaledMessages; i < state.messages.size(); i++) {
            ChatMessage m = state.messages.get(i);
            if (m instanceof SystemMessage s) {
                fresh.add(new RunEvent.PromptMessage("system", s.text()));
            } else if (m instanceof UserMessage u) {
                fresh.add(new RunEvent.PromptMessage("user", u.hasSingleText() ? u.singleText() : u.toString()));
            } else if (first && m instanceof AiMessage a) {
                fresh.add(new RunEvent.PromptMessage("assistant", a.text()));
            }
        }
        state.journaledMessages = state.messages.size();
        return fresh;
    }

    // ---- tool calls ----

    private Mono<ToolExecutionResultMessage> execute(State state, int turn, ToolExecutionRequest call) {
        return Mono.defer(() -> {
            String path = state.spec.stepPath();
            String arguments = call.arguments() == null || call.arguments().isBlank() ? "{}" : call.arguments();
            RecordedRun recorded = recorder.recorded();
            boolean interrupted = recorded.toolCalled(path, turn, call.id());
            recorder.emit((id, seq, at) -> new RunEvent.ToolCalled(id, path, seq, at, state.agentId(), turn, call.id(),
                    call.name(), arguments));
            String repeatKey = path + "\u0000" + state.agentId() + "\u0000" + call.name() + "\u0000" + canonical(arguments);
            int times = run.repeats.merge(repeatKey, 1, Integer::sum);
            int max = run.crew.policy().maxRepeatedToolCalls();
            if (times >= max) {
                return Mono.error(new StepFailedException("Agent '" + state.agentId() + "' called tool '" + call.name()
                        + "' with the same arguments " + times + " times; stopped to avoid a loop."));
            }
            Optional<RunEvent.ToolReturned> done = recorded.toolResult(path, turn, call.id())
                    .filter(r -> !(state.tools.get(call.name()) instanceof InternalTool internal && internal.replays()));
            Mono<Outcome> outcome = done.isPresent()
                    ? Mono.just(new Outcome(new ToolResult(done.get().result(), null, done.get().error()), done.get().cached()))
                    : run(state, turn, call, arguments, interrupted);
            return outcome.map(o -> {
                Usage usage = o.cached ? new Usage(0, 0, 0, 1, null, 1, 0) : Usage.ofToolCall();
                account(state, usage);
                // the model sees what the journal holds: secrets in a tool's output are masked for both
                String text = recorder.redactor().redact(o.result.text());
                recorder.emit((id, seq, at) -> new RunEvent.ToolReturned(id, path, seq, at, state.agentId(), turn,
                        call.id(), call.name(), text, o.result.error(), o.cached));
                return ToolExecutionResultMessage.from(call, o.result.error() ? "Error: " + text : text);
            });
        });
    }

    private record Outcome(ToolResult result, boolean cached) {}

    private Mono<Outcome> run(State state, int turn, ToolExecutionRequest call, String arguments, boolean interrupted) {
        Tool tool = state.tools.get(call.name());
        if (tool == null) {
            String available = state.tools.isEmpty() ? "none" : String.join(", ", state.tools.keySet());
            return fresh(ToolResult.error("There is no tool named '" + call.name() + "'. Available tools: " + available + "."));
        }
        Optional<ToolResult> invalid = validate(tool, arguments);
        if (invalid.isPresent()) {
            return fresh(invalid.get());
        }
        JsonNode args = parse(arguments);
        ToolContext context = new ToolContext(recorder.runId(), state.spec.stepPath(), state.agentId(), call.id());
        if (tool instanceof InternalTool) {
            return invoke(tool, args, context).map(r -> new Outcome(r, false));
        }
        RiskLevel threshold = run.crew.policy().approveToolsFrom();
        RiskLevel risk = callRisk(tool, args);
        Mono<JsonNode> approved = threshold == null || risk.compareTo(threshold) < 0
                ? Mono.just(args)
                : approval(state, turn, call, tool, arguments, risk, tool.riskReason(args).orElse(null));
        return approved.flatMap(finalArgs -> {
            String cacheKey = call.name() + "\u0000" + canonical(finalArgs.toString());
            if (run.crew.policy().cache() && tool.idempotent()) {
                ToolResult hit = run.toolCache.get(cacheKey);
                if (hit != null) {
                    return Mono.just(new Outcome(hit, true));
                }
            }
            Mono<ToolResult> recovered = interrupted
                    ? Mono.defer(() -> tool.recoverInterruptedCall(finalArgs, context)).subscribeOn(run.services.blocking())
                            .onErrorResume(Exception.class, e -> Mono.empty())
                    : Mono.empty();
            return recovered.switchIfEmpty(invoke(tool, finalArgs, context)).map(result -> {
                if (run.crew.policy().cache() && tool.idempotent() && !result.error()) {
                    run.toolCache.putIfAbsent(cacheKey, result);
                }
                return new Outcome(result, false);
            });
        }).onErrorResume(Rejected.class, r -> fresh(ToolResult.error(r.getMessage())));
    }

    private static Mono<Outcome> fresh(ToolResult result) {
        return Mono.just(new Outcome(result, false));
    }

    /** The user said no to a tool call: the model is told, the run goes on. */
    private static final class Rejected extends RuntimeException {
        Rejected(String message) {
            super(message, null, false, false);
        }
    }

    /** The call's own risk, never below the tool's (a tool that says less is not believed). */
    private static RiskLevel callRisk(Tool tool, JsonNode args) {
        RiskLevel risk = tool.risk(args);
        return risk == null || risk.compareTo(tool.risk()) < 0 ? tool.risk() : risk;
    }

    private Mono<JsonNode> approval(State state, int turn, ToolExecutionRequest call, Tool tool, String arguments,
                                    RiskLevel risk, String reason) {
        String id = state.spec.stepPath() + "#turn-" + turn + "-" + call.id() + "-approval";
        String question = "Agent '" + state.agentId() + "' wants to call " + call.name() + " (" + risk.name().toLowerCase()
                + (reason == null ? "" : ": " + reason) + "). Allow it?";
        return run.checkpoints.request(id, state.spec.stepPath(), Checkpoint.Kind.TOOL_APPROVAL, question,
                call.name() + " " + arguments, state.agentId(), risk).flatMap(decision -> switch (decision.kind()) {
            case APPROVE -> Mono.just(parse(arguments));
            case EDIT -> {
                Optional<ToolResult> invalid = validate(tool, decision.editedOutput());
                yield invalid.isPresent() ? Mono.error(new Rejected("The user edited the arguments but they are invalid: "
                        + invalid.get().text())) : Mono.just(parse(decision.editedOutput()));
            }
            case REJECT -> Mono.error(new Rejected("The user did not allow this call"
                    + (decision.feedback() == null ? "." : ": " + decision.feedback())));
            case ABORT -> Mono.error(Budgets.aborted(id, decision));
        });
    }

    private Optional<ToolResult> validate(Tool tool, String arguments) {
        JsonNode args;
        try {
            args = mapper.readTree(arguments == null || arguments.isBlank() ? "{}" : arguments);
        } catch (JsonProcessingException e) {
            return Optional.of(ToolResult.error("The arguments for tool '" + tool.name() + "' are not valid JSON ("
                    + e.getOriginalMessage() + "). Send a JSON object that matches the tool's parameters."));
        }
        List<String> problems = run.services.schemas().validate(run.services.schemas().parametersSchema(tool.specification()), args);
        if (!problems.isEmpty()) {
            return Optional.of(ToolResult.error("The arguments for tool '" + tool.name() + "' do not match its parameters: "
                    + JsonSchemas.summary(problems) + "."));
        }
        return Optional.empty();
    }

    private JsonNode parse(String arguments) {
        try {
            return mapper.readTree(arguments == null || arguments.isBlank() ? "{}" : arguments);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("arguments were validated", e);
        }
    }

    private String canonical(String json) {
        try {
            return mapper.writeValueAsString(mapper.treeToValue(mapper.readTree(json), Object.class));
        } catch (Exception e) {
            return json;
        }
    }

    private Mono<ToolResult> invoke(Tool tool, JsonNode args, ToolContext context) {
        return Mono.defer(() -> tool.invoke(args, context))
                .subscribeOn(run.services.blocking())
                .switchIfEmpty(Mono.fromSupplier(() -> ToolResult.error("Tool '" + tool.name() + "' returned no result.")))
                .onErrorResume(e -> e instanceof Exception && !(e instanceof StepFailedException) && !(e instanceof RunAbortedException), e -> {
                    log.debug("Tool {} failed in run {} at {}", tool.name(), recorder.runId(), context.stepPath(), e);
                    return Mono.just(ToolResult.error("Tool '" + tool.name() + "' failed: " + describe(e)));
                });
    }

    private Tool askHumanTool(Spec spec) {
        ToolSpecification specification = ToolSpecification.builder().name("ask_human")
                .description("Ask the human you work for a question and wait for the answer. Use it when you cannot go on without them.")
                .parameters(JsonObjectSchema.builder().addStringProperty("question", "The question, self-contained").required("question").build())
                .build();
        return new InternalTool(specification, (args, ctx) -> {
            String id = ctx.stepPath() + "#" + ctx.callId() + "-ask";
            return run.checkpoints.request(id, ctx.stepPath(), Checkpoint.Kind.ASK_HUMAN, args.get("question").asText(), null,
                    ctx.agent(), null).flatMap(decision -> switch (decision.kind()) {
                case APPROVE, EDIT -> Mono.just(ToolResult.ok(decision.editedOutput() != null ? decision.editedOutput()
                        : decision.feedback() != null ? decision.feedback() : "The human approved without comment."));
                case REJECT -> Mono.just(ToolResult.error("The human declined to answer"
                        + (decision.feedback() == null ? "." : ": " + decision.feedback())));
                case ABORT -> Mono.error(Budgets.aborted(id, decision));
            });
        });
    }

    // ---- step end ----

    private void finish(Spec spec, String output, Usage usage) {
        recorder.emit((id, seq, at) -> new RunEvent.StepFinished(id, spec.stepPath(), seq, at, output, usage, null));
    }

    private void fail(Spec spec, String reason, Usage usage) {
        recorder.emit((id, seq, at) -> new RunEvent.StepFailed(id, spec.stepPath(), seq, at, reason, usage));
    }

    private StepFailedException unexpected(Spec spec, Throwable e) {
        log.error("Step {} of run {} failed unexpectedly", spec.stepPath(), recorder.runId(), e);
        return new StepFailedException("Step '" + spec.stepPath() + "' failed unexpectedly: " + describe(e), e);
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        String name = e.getClass().getSimpleName();
        return message == null || message.isBlank() ? name : message.contains(name) ? message : name + ": " + message;
    }
}
