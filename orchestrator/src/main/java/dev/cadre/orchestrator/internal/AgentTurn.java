package dev.cadre.orchestrator.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cadre.api.Agent;
import dev.cadre.api.CadreJson;
import dev.cadre.api.ModelCallAttributes;
import dev.cadre.api.ModelRef;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.Persona;
import dev.cadre.api.PriceTable;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.RunEvent;
import dev.cadre.api.Task;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolContext;
import dev.cadre.api.ToolResult;
import dev.cadre.api.Usage;
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
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.TokenUsage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * One agent working on one task: persona as system message, task and named context as user message, then model
 * calls and tool calls until the agent answers or reaches its bounds. Everything it does becomes a RunEvent.
 *
 * <p>Bounds: {@link Persona#maxToolRounds()} rounds of tool calls (after which the agent must answer without
 * tools), and {@code maxOutputRetries} re-asks for an empty answer or one that fails the output schema. Unknown
 * tools, arguments that fail a tool's schema and tool failures are told to the model, which can recover. Blocking
 * model clients and tools run on the blocking scheduler, never on a parallel thread.
 */
public final class AgentTurn {

    private static final Logger log = LoggerFactory.getLogger(AgentTurn.class);

    /** What to run: an agent, its task, the context outputs the task names, and the step's path. */
    public record Spec(Agent agent, Task task, Map<String, String> context, String stepPath) {}

    /** Settings shared by all turns of a run. */
    public record Settings(ModelRegistry models, PriceTable prices, Scheduler blocking, JsonSchemas schemas,
                           int maxOutputRetries, boolean streaming, int maxConcurrentTools) {}

    private final RunRecorder recorder;
    private final Settings settings;
    private final ObjectMapper mapper = CadreJson.mapper();

    public AgentTurn(RunRecorder recorder, Settings settings) {
        this.recorder = recorder;
        this.settings = settings;
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
                    .onErrorMap(e -> !(e instanceof StepFailedException), e -> unexpected(spec, e))
                    .doOnSuccess(output -> finish(spec, output, state.usage()))
                    .doOnError(e -> fail(spec, e.getMessage(), state.usage()));
        });
    }

    private State prepare(Spec spec) {
        Persona persona = spec.agent().persona();
        Task task = spec.task();
        List<String> missing = task.context().stream().filter(name -> !spec.context().containsKey(name)).toList();
        if (!missing.isEmpty()) {
            throw new StepFailedException("Task '" + task.id() + "' takes context " + missing
                    + ", but no earlier output has that name; available outputs: "
                    + (spec.context().isEmpty() ? "none" : String.join(", ", spec.context().keySet())) + ".");
        }
        ModelRef ref;
        ChatModel model;
        try {
            ref = settings.models().modelFor(persona);
            model = settings.models().chatModel(ref);
        } catch (IllegalArgumentException e) {
            throw new StepFailedException(e.getMessage(), e);
        }
        Optional<StreamingChatModel> streaming = settings.streaming() ? settings.models().streamingChatModel(ref) : Optional.empty();
        JsonNode schema = task.outputSchema() != null ? task.outputSchema()
                : persona.output().hasSchema() ? persona.output().schema() : null;
        Map<String, Tool> tools = new LinkedHashMap<>();
        spec.agent().tools().forEach(t -> tools.put(t.name(), t));
        return new State(spec, ref, model, streaming.orElse(null), schema, tools,
                Prompts.initial(persona, task, spec.context(), schema));
    }

    /** Mutable state of one step; the loop touches it one model call at a time. */
    private static final class State {
        final Spec spec;
        final ModelRef ref;
        final ChatModel model;
        final StreamingChatModel streamingModel;
        final JsonNode schema;
        final Map<String, Tool> tools;
        final List<ToolSpecification> specifications;
        final List<ChatMessage> messages;
        int journaledMessages;
        int turn;
        int toolRounds;
        int outputRetries;
        boolean toolsClosed;
        int anonymousCalls;
        private Usage usage = Usage.ZERO;

        State(Spec spec, ModelRef ref, ChatModel model, StreamingChatModel streamingModel, JsonNode schema,
              Map<String, Tool> tools, List<ChatMessage> messages) {
            this.spec = spec;
            this.ref = ref;
            this.model = model;
            this.streamingModel = streamingModel;
            this.schema = schema;
            this.tools = tools;
            this.specifications = tools.values().stream().map(Tool::specification).toList();
            this.messages = new ArrayList<>(messages);
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
            return onAnswer(state, ai.text());
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
        boolean concurrent = calls.size() > 1 && calls.stream().allMatch(c -> {
            Tool tool = state.tools.get(c.name());
            return tool == null || tool.risk() == RiskLevel.READ_ONLY;
        });
        Flux<ToolExecutionResultMessage> results = concurrent
                ? Flux.fromIterable(calls).flatMapSequential(c -> execute(state, c), settings.maxConcurrentTools())
                : Flux.fromIterable(calls).concatMap(c -> execute(state, c));
        return results.collectList().flatMap(messages -> {
            state.messages.addAll(messages);
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
            problems = value == null ? List.of("$: the answer is empty") : settings.schemas().validate(state.schema, value);
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
        if (state.outputRetries >= settings.maxOutputRetries()) {
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
            ChatRequestOptions options = ChatRequestOptions.builder()
                    .addListenerAttribute(ModelCallAttributes.RUN_ID, recorder.runId())
                    .addListenerAttribute(ModelCallAttributes.STEP_PATH, state.spec.stepPath())
                    .addListenerAttribute(ModelCallAttributes.AGENT, state.agentId())
                    .addListenerAttribute(ModelCallAttributes.TURN, turn)
                    .build();
            List<RunEvent.PromptMessage> fresh = newPromptMessages(state);
            List<String> toolNames = toolsOffered ? List.copyOf(state.tools.keySet()) : List.of();
            recorder.emit((id, seq, at) -> new RunEvent.ModelRequested(id, state.spec.stepPath(), seq, at,
                    state.agentId(), state.ref.toString(), turn, fresh, toolNames));
            Mono<ChatResponse> call = state.streamingModel != null ? stream(state, request, options)
                    : Mono.fromCallable(() -> state.model.chat(request, options));
            return call.subscribeOn(settings.blocking())
                    .onErrorMap(e -> e instanceof Exception && !(e instanceof StepFailedException),
                            e -> new StepFailedException("Model '" + state.ref + "' failed for agent '" + state.agentId()
                                    + "' at step '" + state.spec.stepPath() + "': " + describe(e), e))
                    .map(response -> {
                        recordResponse(state, turn, response);
                        return response;
                    });
        });
    }

    private Mono<ChatResponse> stream(State state, ChatRequest request, ChatRequestOptions options) {
        String path = state.spec.stepPath();
        return Mono.create(sink -> state.streamingModel.chat(request, options, new StreamingChatResponseHandler() {
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

    private void recordResponse(State state, int turn, ChatResponse response) {
        AiMessage ai = response.aiMessage();
        TokenUsage tokens = response.tokenUsage();
        long in = tokens == null || tokens.inputTokenCount() == null ? 0 : tokens.inputTokenCount();
        long out = tokens == null || tokens.outputTokenCount() == null ? 0 : tokens.outputTokenCount();
        Usage usage = Usage.ofModelCall(in, out, settings.prices().cost(state.ref, in, out));
        state.add(usage);
        recorder.addUsage(usage);
        List<RunEvent.ToolCall> calls = ai.hasToolExecutionRequests()
                ? ai.toolExecutionRequests().stream().map(r -> new RunEvent.ToolCall(r.id(), r.name(), r.arguments())).toList()
                : List.of();
        String finish = response.finishReason() == null ? null : response.finishReason().name();
        recorder.emit((id, seq, at) -> new RunEvent.ModelResponded(id, state.spec.stepPath(), seq, at, state.agentId(),
                state.ref.toString(), turn, ai.text(), calls, finish, usage, false));
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

    private Mono<ToolExecutionResultMessage> execute(State state, ToolExecutionRequest call) {
        return Mono.defer(() -> {
            String path = state.spec.stepPath();
            String arguments = call.arguments() == null || call.arguments().isBlank() ? "{}" : call.arguments();
            recorder.emit((id, seq, at) -> new RunEvent.ToolCalled(id, path, seq, at, state.agentId(), call.id(),
                    call.name(), arguments));
            Usage one = Usage.ofToolCall();
            state.add(one);
            recorder.addUsage(one);
            return invoke(state, call, arguments).map(result -> {
                recorder.emit((id, seq, at) -> new RunEvent.ToolReturned(id, path, seq, at, state.agentId(), call.id(),
                        call.name(), result.text(), result.error()));
                return ToolExecutionResultMessage.from(call, result.error() ? "Error: " + result.text() : result.text());
            });
        });
    }

    private Mono<ToolResult> invoke(State state, ToolExecutionRequest call, String arguments) {
        Tool tool = state.tools.get(call.name());
        if (tool == null) {
            String available = state.tools.isEmpty() ? "none" : String.join(", ", state.tools.keySet());
            return Mono.just(ToolResult.error("There is no tool named '" + call.name() + "'. Available tools: " + available + "."));
        }
        JsonNode args;
        try {
            args = mapper.readTree(arguments);
        } catch (JsonProcessingException e) {
            return Mono.just(ToolResult.error("The arguments for tool '" + call.name() + "' are not valid JSON ("
                    + e.getOriginalMessage() + "). Send a JSON object that matches the tool's parameters."));
        }
        List<String> problems = settings.schemas().validate(settings.schemas().parametersSchema(tool.specification()), args);
        if (!problems.isEmpty()) {
            return Mono.just(ToolResult.error("The arguments for tool '" + call.name() + "' do not match its parameters: "
                    + JsonSchemas.summary(problems) + "."));
        }
        ToolContext context = new ToolContext(recorder.runId(), state.spec.stepPath(), state.agentId(), call.id());
        return Mono.defer(() -> tool.invoke(args, context))
                .subscribeOn(settings.blocking())
                .switchIfEmpty(Mono.fromSupplier(() -> ToolResult.error("Tool '" + call.name() + "' returned no result.")))
                .onErrorResume(Exception.class, e -> {
                    log.debug("Tool {} failed in run {} at {}", call.name(), recorder.runId(), state.spec.stepPath(), e);
                    return Mono.just(ToolResult.error("Tool '" + call.name() + "' failed: " + describe(e)));
                });
    }

    // ---- step end ----

    private void finish(Spec spec, String output, Usage usage) {
        recorder.emit((id, seq, at) -> new RunEvent.StepFinished(id, spec.stepPath(), seq, at, output, usage));
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
