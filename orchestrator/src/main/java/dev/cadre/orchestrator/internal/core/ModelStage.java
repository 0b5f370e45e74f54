package dev.cadre.orchestrator.internal.core;

import dev.cadre.orchestrator.pattern.Promise;
import dev.cadre.orchestrator.pattern.Failure;
import dev.cadre.api.ModelRef;
import dev.cadre.api.Persona;
import dev.cadre.api.RunEvent;
import dev.cadre.api.Usage;
import dev.cadre.orchestrator.TurnInterceptor;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.util.List;
import java.util.Optional;

/**
 * The turn's model call: builds the request, checks the budgets (with the call's own prompt counted in), journals the
 * request, and gives the answer with its usage journaled. A recorded request is a fact: on resume it is not checked
 * again, and the model it named is used; a recorded answer is used instead of calling the model.
 */
final class ModelStage {

    private final Core core;

    ModelStage(Core core) {
        this.core = core;
    }

    Promise<ChatResponse> call(TurnState state) {
        state.turn++;
        int turn = state.turn;
        String path = state.path();
        boolean toolsOffered = !state.toolsClosed && !state.specifications.isEmpty();
        List<ChatMessage> sent;
        try {
            sent = prompt(state);
        } catch (Raised raised) {
            return core.trampoline.failed(raised.failure());
        }
        ChatRequest request = request(state, sent, toolsOffered);
        Optional<RunEvent.ModelRequested> intent = core.setup.facts().modelRequest(path, turn);
        long estimate = core.window.tokens(state.ref, sent);
        // a request journaled before a crash was allowed then: the check only folds what it decided (grants), never refuses it now
        Promise<Object> allowed = core.budgets.beforeModelCall(path, state.agentId(), state.spec.outputName(), state.started,
                new BudgetCheck.Estimate(estimate, core.setup.prices().cost(state.ref, estimate, 0)), intent.isPresent());
        return allowed.then(x -> {
            ModelRef ref = intent.map(i -> ModelRef.parse(i.model())).orElseGet(() -> core.budgets.override().orElse(state.ref));
            List<RunEvent.PromptMessage> fresh = JournaledPrompt.of(state, sent);
            List<String> toolNames = toolsOffered ? state.toolNames : List.of();
            core.emit((id, seq, at) -> new RunEvent.ModelRequested(id, path, seq, at, state.agentId(), ref.toString(), turn,
                    fresh, toolNames));
            Optional<RunEvent.ModelResponded> recorded = core.setup.facts().modelResponse(path, turn);
            if (recorded.isPresent()) {
                return core.trampoline.done(replayed(state, recorded.get()));
            }
            String key = path + "|" + turn;
            return core.ask(key, new Command.CallModel(key, path, state.agentId(), turn, ref, request)).then(input -> {
                if (input instanceof Input.ModelFailed failed) {
                    return core.trampoline.failed(Failure.of(failed.reason()));
                }
                Input.ModelAnswered answered = (Input.ModelAnswered) input;
                record(state, ref, turn, answered);
                return core.trampoline.done(answered.response());
            });
        });
    }

    /** The messages to send: the conversation, compacted if it nears the window, then through the interceptors. */
    private List<ChatMessage> prompt(TurnState state) {
        core.window.compact(state, state.ref, core.setup.crew().policy().context());
        TurnInterceptor.Request r = core.interceptors.beforeModelRequest(core.interceptors.at(state), List.copyOf(state.messages));
        if (r.refused()) {
            throw new Raised(Failure.of("The model call of agent '" + state.agentId() + "' at step '" + state.path()
                    + "' was refused by an interceptor: " + r.refusal()));
        }
        if (r.messages().isEmpty()) {
            throw new Raised(Failure.of("An interceptor left no messages to send for agent '" + state.agentId() + "' at step '"
                    + state.path() + "'."));
        }
        return r.messages();
    }

    private static ChatRequest request(TurnState state, List<ChatMessage> messages, boolean toolsOffered) {
        ChatRequest.Builder builder = ChatRequest.builder().messages(messages);
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
        return builder.build();
    }

    private void record(TurnState state, ModelRef ref, int turn, Input.ModelAnswered answered) {
        ChatResponse response = answered.response();
        AiMessage ai = response.aiMessage();
        Usage usage;
        if (answered.cached()) {
            usage = answered.cacheCounts();
        } else {
            TokenUsage tokens = response.tokenUsage();
            long in = tokens == null || tokens.inputTokenCount() == null ? 0 : tokens.inputTokenCount();
            long out = tokens == null || tokens.outputTokenCount() == null ? 0 : tokens.outputTokenCount();
            usage = Usage.ofModelCall(in, out, core.setup.prices().cost(ref, in, out)).plus(answered.cacheCounts());
        }
        account(state, usage);
        List<RunEvent.ToolCall> calls = ai.hasToolExecutionRequests()
                ? ai.toolExecutionRequests().stream().map(r -> new RunEvent.ToolCall(r.id(), r.name(), r.arguments())).toList()
                : List.of();
        String finish = response.finishReason() == null ? null : response.finishReason().name();
        Usage counted = usage;
        boolean cached = answered.cached();
        core.emit((id, seq, at) -> new RunEvent.ModelResponded(id, state.path(), seq, at, state.agentId(),
                ref.toString(), turn, ai.text(), calls, finish, counted, cached));
    }

    /** A recorded answer, reused on resume: the model is not called, its usage still counts. */
    private ChatResponse replayed(TurnState state, RunEvent.ModelResponded recorded) {
        account(state, recorded.usage());
        List<ToolExecutionRequest> calls = recorded.toolCalls() == null ? List.of() : recorded.toolCalls().stream()
                .map(c -> ToolExecutionRequest.builder().id(c.id()).name(c.name()).arguments(c.arguments()).build()).toList();
        AiMessage ai = calls.isEmpty() ? AiMessage.from(recorded.text() == null ? "" : recorded.text())
                : AiMessage.builder().text(recorded.text()).toolExecutionRequests(calls).build();
        return ChatResponse.builder().aiMessage(ai)
                .finishReason(recorded.finishReason() == null ? null : FinishReason.valueOf(recorded.finishReason()))
                .build();
    }

    void account(TurnState state, Usage usage) {
        state.usage = state.usage.plus(usage);
        core.budgets.add(state.agentId(), state.spec.outputName(), usage);
    }
}
