package dev.cadre.orchestrator.internal.core;

import dev.cadre.orchestrator.pattern.Promise;
import dev.cadre.orchestrator.pattern.Failure;
import dev.cadre.api.ModelRef;
import dev.cadre.api.Persona;
import dev.cadre.api.RunEvent;
import dev.cadre.api.Usage;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.util.ArrayList;
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
        ChatRequest request = request(state, toolsOffered);
        Optional<RunEvent.ModelRequested> intent = core.setup.facts().modelRequest(path, turn);
        long estimate = estimateTokens(request);
        // a request journaled before a crash was allowed then: the check only folds what it decided (grants), never refuses it now
        Promise<Object> allowed = core.budgets.beforeModelCall(path, state.agentId(), state.spec.outputName(), state.started,
                new BudgetCheck.Estimate(estimate, core.setup.prices().cost(state.ref, estimate, 0)), intent.isPresent());
        return allowed.then(x -> {
            ModelRef ref = intent.map(i -> ModelRef.parse(i.model())).orElseGet(() -> core.budgets.override().orElse(state.ref));
            List<RunEvent.PromptMessage> fresh = newPromptMessages(state);
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

    private static ChatRequest request(TurnState state, boolean toolsOffered) {
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

    static long estimateTokens(ChatRequest request) {
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
    private static List<RunEvent.PromptMessage> newPromptMessages(TurnState state) {
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
}
