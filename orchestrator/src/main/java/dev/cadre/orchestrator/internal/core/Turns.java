package dev.cadre.orchestrator.internal.core;

import dev.cadre.orchestrator.pattern.Promise;
import dev.cadre.orchestrator.pattern.Failure;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.ModelRef;
import dev.cadre.api.Persona;
import dev.cadre.api.RunEvent;
import dev.cadre.api.Task;
import dev.cadre.api.Tool;
import dev.cadre.api.Usage;
import dev.cadre.orchestrator.TurnInterceptor;
import dev.cadre.orchestrator.internal.Prompts;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.output.FinishReason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One agent working on one task, as a short pipeline of stages: the prompt ({@link Prompts}), the model call
 * ({@link ModelStage}: budgets, the request, the answer's usage), tool dispatch ({@link ToolStage}: lookup, schema
 * check, repeat guard, approvals, cache, the core's own tools), and the answer check ({@link AnswerCheck}: empty, cut
 * off, output schema); the users' {@link TurnInterceptor}s around the model call, the answer and each tool call
 * ({@link Interceptors}), and what the model is shown of a long conversation ({@link ContextWindow}). The turn ends
 * with the agent's answer (or a manager's {@code finish}) or fails at its bounds: {@link Persona#maxToolRounds()}
 * rounds of tool calls, {@code maxOutputRetries} re-asks (schema failures and interceptors' re-asks together), the
 * crew's budgets.
 */
final class Turns {

    private final Core core;
    private final ModelStage model;
    private final ToolStage tools;
    private final AnswerCheck answers;

    Turns(Core core) {
        this.core = core;
        this.model = new ModelStage(core);
        this.tools = new ToolStage(core);
        this.answers = new AnswerCheck(core);
    }

    /** Runs the turn; the promise gives the agent's output or fails (the step's end is journaled either way). */
    Promise<String> run(TurnSpec spec) {
        Persona persona = spec.agent().persona();
        String path = spec.stepPath();
        String edited = core.editedOutput(path);
        if (edited != null) {
            core.emit((id, seq, at) -> new RunEvent.StepStarted(id, path, seq, at, persona.id(), "agent", spec.task().renderedDescription()));
            core.emit((id, seq, at) -> new RunEvent.StepFinished(id, path, seq, at, edited, Usage.ZERO, Steps.EDITED));
            return core.trampoline.done(edited);
        }
        core.emit((id, seq, at) -> new RunEvent.StepStarted(id, path, seq, at, persona.id(), "agent",
                spec.task().renderedDescription()));
        TurnState state;
        try {
            state = prepare(spec);
        } catch (IllegalArgumentException e) {
            fail(spec, e.getMessage(), Usage.ZERO);
            return core.trampoline.failed(Failure.of(e.getMessage()));
        }
        return loop(state).peek(output -> {
            state.over = true;
            finish(spec, output, state.usage);
        }, f -> {
            state.over = true;
            fail(spec, f.reason(), state.usage);
        });
    }

    /** A step that cannot start (its context is missing): journaled as started and failed, with the reason. */
    Promise<String> failBeforeStart(TurnSpec spec, String reason) {
        core.emit((id, seq, at) -> new RunEvent.StepStarted(id, spec.stepPath(), seq, at, spec.agent().id(), "agent",
                spec.task().renderedDescription()));
        fail(spec, reason, Usage.ZERO);
        return core.trampoline.failed(Failure.of(reason));
    }

    private TurnState prepare(TurnSpec spec) {
        Persona persona = spec.agent().persona();
        ModelRef ref = core.modelFor(persona.id(), core.setup.models().modelFor(persona));
        core.setup.models().chatModel(ref);
        Task task = spec.task();
        JsonNode schema = task.outputSchema() != null ? task.outputSchema()
                : persona.output().hasSchema() ? persona.output().schema() : null;
        Map<String, Tool> tools = new LinkedHashMap<>();
        Map<String, TurnSpec.CoreTool> coreTools = new LinkedHashMap<>();
        Map<String, ToolSpecification> offered = new LinkedHashMap<>();
        for (Tool t : spec.agent().tools()) {
            tools.put(t.name(), t);
            offered.put(t.name(), t.specification());
        }
        List<TurnSpec.CoreTool> own = new ArrayList<>(spec.coreTools());
        if (core.setup.crew().policy().askHuman()) {
            own.add(ToolStage.askHuman(core));
        }
        for (TurnSpec.CoreTool c : own) {
            tools.remove(c.name());
            offered.remove(c.name());
            coreTools.put(c.name(), c);
            offered.put(c.name(), c.specification());
        }
        return new TurnState(spec, ref, schema, tools, coreTools, List.copyOf(offered.values()), List.copyOf(offered.keySet()),
                Prompts.initial(persona, task, spec.context(), schema), startedAt(spec.stepPath()));
    }

    /** When the step started: as the journal recorded it on resume (a task's wall time does not restart), else now. */
    private Instant startedAt(String path) {
        RunEvent recorded = core.setup.facts().get("step_started|" + path);
        return recorded != null ? recorded.timestamp() : core.now();
    }

    private Promise<String> loop(TurnState state) {
        return model.call(state).then(response -> {
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
            String text = core.setup.redactor().redact(ai.text());
            TurnInterceptor.Answer intercepted = core.interceptors.afterModelAnswer(core.interceptors.at(state), text == null ? "" : text);
            switch (intercepted.kind()) {
                case FAIL -> {
                    return core.trampoline.failed(Failure.of("An interceptor refused the answer of agent '" + state.agentId()
                            + "' at step '" + state.path() + "': " + intercepted.text()));
                }
                case RETRY -> {
                    return retryOrFail(state, intercepted.text(), "Agent '" + state.agentId() + "' gave an answer an interceptor"
                            + " refused " + (state.outputRetries + 1) + " times: " + intercepted.text());
                }
                case REPLACE -> text = intercepted.text();
                case ACCEPT -> { }
            }
            AnswerCheck.Verdict verdict = answers.check(state, text);
            return verdict.accepted() ? core.trampoline.done(verdict.output())
                    : retryOrFail(state, verdict.correction(), verdict.failure());
        });
    }

    private Promise<String> onToolCalls(TurnState state, List<ToolExecutionRequest> requests) {
        Persona persona = state.spec.agent().persona();
        List<ToolExecutionRequest> calls = withIds(state, requests);
        if (state.toolsClosed) {
            return core.trampoline.failed(Failure.of("Agent '" + persona.id() + "' kept calling tools after its limit of "
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
        return tools.round(state, calls).then(messages -> {
            state.messages.addAll(messages);
            TurnSpec.FinalAnswer finished = state.spec.finished();
            if (finished != null && finished.value != null) {
                return core.trampoline.done(finished.value);
            }
            return loop(state);
        });
    }

    private static List<ToolExecutionRequest> withIds(TurnState state, List<ToolExecutionRequest> requests) {
        List<ToolExecutionRequest> calls = new ArrayList<>(requests.size());
        for (ToolExecutionRequest r : requests) {
            calls.add(r.id() != null && !r.id().isBlank() ? r : ToolExecutionRequest.builder()
                    .id(state.agentId() + "-" + state.turn + "-" + (++state.anonymousCalls)).name(r.name())
                    .arguments(r.arguments()).build());
        }
        return calls;
    }

    /** Re-asking after a bad answer is the core's decision (transport retries are the driver's). */
    private Promise<String> retryOrFail(TurnState state, String correction, String failure) {
        if (state.outputRetries >= core.setup.maxOutputRetries()) {
            return core.trampoline.failed(Failure.of(failure));
        }
        state.outputRetries++;
        state.messages.add(UserMessage.from(correction));
        return loop(state);
    }

    private void finish(TurnSpec spec, String output, Usage usage) {
        core.emit((id, seq, at) -> new RunEvent.StepFinished(id, spec.stepPath(), seq, at, output, usage, null));
    }

    private void fail(TurnSpec spec, String reason, Usage usage) {
        core.emit((id, seq, at) -> new RunEvent.StepFailed(id, spec.stepPath(), seq, at, reason, usage));
    }
}
