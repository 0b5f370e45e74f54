package dev.cadre.orchestrator.internal.core;

import dev.cadre.orchestrator.pattern.Promise;
import dev.cadre.orchestrator.pattern.Failure;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cadre.api.CadreJson;
import dev.cadre.api.Checkpoint;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.RunEvent;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolContext;
import dev.cadre.api.ToolResult;
import dev.cadre.api.Usage;
import dev.cadre.orchestrator.TurnInterceptor;
import dev.cadre.orchestrator.internal.JsonSchemas;
import dev.cadre.orchestrator.redaction.Redactor;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The turn's tool dispatch, for one model answer's calls: each call is journaled, checked (known tool, arguments
 * matching its schema, the repeat guard), approved when its risk reaches the crew's threshold, answered from the run's
 * cache for idempotent tools, and handed to the driver; the core answers its own tools (delegate, finish, ask_human).
 * Calls run one at a time unless all are read-only tools of the workspace. On resume a recorded result is used, and a
 * call journaled without a result is recovered through {@link Tool#recoverInterruptedCall}. The users' interceptors
 * may refuse a call (before any approval) and change a result's text; a result longer than the crew's limit is cut.
 */
final class ToolStage {

    private record Outcome(ToolResult result, boolean cached) {}

    /** Whether a call may go ahead: with these (possibly edited) arguments, or refused with the reason the model gets. */
    private record Approval(JsonNode arguments, String refusal) {}

    private final Core core;
    private final ObjectMapper mapper = CadreJson.mapper();

    ToolStage(Core core) {
        this.core = core;
    }

    Promise<List<ToolExecutionResultMessage>> round(TurnState state, List<ToolExecutionRequest> calls) {
        int turn = state.turn;
        boolean concurrent = calls.size() > 1 && calls.stream().allMatch(c -> {
            if (state.coreTools.containsKey(c.name())) return false;
            Tool tool = state.tools.get(c.name());
            return tool == null || tool.risk() == RiskLevel.READ_ONLY;
        });
        List<Supplier<Promise<ToolExecutionResultMessage>>> work = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            ToolExecutionRequest call = calls.get(i);
            int position = i;
            work.add(() -> execute(state, turn, call, position));
        }
        return Promise.all(core.trampoline, work, concurrent ? core.setup.maxConcurrentTools() : 1);
    }

    private Promise<ToolExecutionResultMessage> execute(TurnState state, int turn, ToolExecutionRequest call, int position) {
        String path = state.path();
        String arguments = call.arguments() == null || call.arguments().isBlank() ? "{}" : call.arguments();
        var facts = core.setup.facts();
        boolean interrupted = facts.toolCalled(path, turn, call.id());
        core.emit((id, seq, at) -> new RunEvent.ToolCalled(id, path, seq, at, state.agentId(), turn, call.id(), call.name(), arguments));
        String repeatKey = path + "\u0000" + state.agentId() + "\u0000" + call.name() + "\u0000" + canonical(arguments);
        int times = core.repeats.merge(repeatKey, 1, Integer::sum);
        int max = core.setup.crew().policy().maxRepeatedToolCalls();
        if (times >= max) {
            return core.trampoline.failed(Failure.of("Agent '" + state.agentId() + "' called tool '" + call.name()
                    + "' with the same arguments " + times + " times; stopped to avoid a loop."));
        }
        // the core's own tools are answered again on resume: what they do (a delegation, a checkpoint) replays itself
        Optional<RunEvent.ToolReturned> done = state.coreTools.containsKey(call.name()) ? Optional.empty()
                : facts.toolResult(path, turn, call.id());
        if (done.isPresent()) {
            remember(state.tools.get(call.name()), arguments, done.get());
        }
        Promise<Outcome> outcome = done.isPresent()
                ? core.trampoline.done(new Outcome(new ToolResult(done.get().result(), null, done.get().error()), done.get().cached()))
                : run(state, turn, call, arguments, interrupted, position);
        return outcome.map(o -> {
            if (state.over) {
                // a call of the same round failed the turn while this one ran: its step has ended, nothing reads this
                return ToolExecutionResultMessage.from(call, o.result().text());
            }
            Usage usage = o.cached() ? new Usage(0, 0, 0, 1, null, 1, 0) : Usage.ofToolCall();
            state.usage = state.usage.plus(usage);
            core.budgets.add(state.agentId(), state.spec.outputName(), usage);
            // the model sees what the journal holds: secrets in a tool's output are masked for both
            String text = core.setup.redactor().redact(o.result().text());
            boolean error = o.result().error();
            core.emit((id, seq, at) -> new RunEvent.ToolReturned(id, path, seq, at, state.agentId(), turn, call.id(), call.name(),
                    text, error, o.cached()));
            state.journaledToolTexts.put(call.id(), error ? "Error: " + text : text);
            // then the users' interceptors and the crew's limit: a changed or cut result shows in the next model_requested
            String seen = ContextWindow.cut(core.interceptors.afterToolResult(core.interceptors.at(state), call, text, error),
                    core.setup.crew().policy().context().maxToolResultChars());
            return ToolExecutionResultMessage.from(call, error ? "Error: " + seen : seen);
        });
    }

    private Promise<Outcome> run(TurnState state, int turn, ToolExecutionRequest call, String arguments, boolean interrupted,
                                 int position) {
        TurnSpec.CoreTool own = state.coreTools.get(call.name());
        Tool tool = state.tools.get(call.name());
        if (own == null && tool == null) {
            String available = state.toolNames.isEmpty() ? "none" : String.join(", ", state.toolNames);
            return fresh(ToolResult.error("There is no tool named '" + call.name() + "'. Available tools: " + available + "."));
        }
        ToolSpecification specification = own != null ? own.specification() : tool.specification();
        Optional<ToolResult> invalid = validate(specification, arguments);
        if (invalid.isPresent()) {
            return fresh(invalid.get());
        }
        if (own == null && arguments.contains(Redactor.MASK) && core.setup.facts().modelResponse(state.path(), turn).isPresent()) {
            return fresh(ToolResult.error("This call was not made again after the run resumed: its arguments held a secret, which"
                    + " the journal keeps masked as " + Redactor.MASK + ". Call the tool again with the full arguments."));
        }
        TurnInterceptor.ToolCall verdict;
        try {
            verdict = core.interceptors.beforeToolCall(core.interceptors.at(state), call);
        } catch (Raised raised) {
            return core.trampoline.failed(raised.failure());
        }
        if (verdict.refused()) {
            return fresh(ToolResult.error(verdict.refusal()));
        }
        JsonNode args = parse(arguments);
        ToolContext context = new ToolContext(core.setup.runId(), state.path(), state.agentId(), call.id());
        if (own != null) {
            return own.body().call(args, context).map(r -> new Outcome(r, false));
        }
        RiskLevel threshold = core.setup.crew().policy().approveToolsFrom();
        RiskLevel risk = callRisk(tool, args);
        Promise<Approval> approved = threshold == null || risk.compareTo(threshold) < 0
                ? core.trampoline.done(new Approval(args, null))
                : approval(state, turn, call, tool, arguments, risk, tool.riskReason(args).orElse(null));
        return approved.then(approval -> {
            if (approval.refusal() != null) {
                return fresh(ToolResult.error(approval.refusal()));
            }
            JsonNode finalArgs = approval.arguments();
            boolean cacheable = core.setup.crew().policy().cache() && tool.idempotent();
            String cacheKey = cacheKey(call.name(), finalArgs.toString());
            if (cacheable) {
                ToolResult hit = core.toolCache.get(cacheKey);
                if (hit != null) {
                    return core.trampoline.done(new Outcome(hit, true));
                }
            }
            String key = state.path() + "|" + turn + "|" + call.id() + "|" + position;
            return core.ask(key, new Command.CallTool(key, tool, finalArgs, context, interrupted)).map(input -> {
                ToolResult result = ((Input.ToolDone) input).result();
                if (cacheable && !result.error()) {
                    core.toolCache.putIfAbsent(cacheKey, result);
                }
                return new Outcome(result, false);
            });
        });
    }

    /**
     * A journaled result of an idempotent call goes into the run's cache, as it did when the call was made, so a resumed
     * run answers the same call again from the cache instead of making it. Only for calls that needed no approval:
     * an approval may have edited the arguments the result belongs to.
     */
    private void remember(Tool tool, String arguments, RunEvent.ToolReturned recorded) {
        if (tool == null || recorded.error() || !core.setup.crew().policy().cache() || !tool.idempotent()) {
            return;
        }
        Optional<ToolResult> invalid = validate(tool.specification(), arguments);
        RiskLevel threshold = core.setup.crew().policy().approveToolsFrom();
        if (invalid.isEmpty() && (threshold == null || callRisk(tool, parse(arguments)).compareTo(threshold) < 0)) {
            core.toolCache.putIfAbsent(cacheKey(tool.name(), arguments), new ToolResult(recorded.result(), null, false));
        }
    }

    private String cacheKey(String tool, String arguments) {
        return tool + "\u0000" + canonical(arguments);
    }

    private Promise<Outcome> fresh(ToolResult result) {
        return core.trampoline.done(new Outcome(result, false));
    }

    /** The call's own risk, never below the tool's (a tool that says less is not believed). */
    private static RiskLevel callRisk(Tool tool, JsonNode args) {
        RiskLevel risk = tool.risk(args);
        return risk == null || risk.compareTo(tool.risk()) < 0 ? tool.risk() : risk;
    }

    private Promise<Approval> approval(TurnState state, int turn, ToolExecutionRequest call, Tool tool, String arguments,
                                       RiskLevel risk, String reason) {
        String id = state.path() + "#turn-" + turn + "-" + call.id() + "-approval";
        String question = "Agent '" + state.agentId() + "' wants to call " + call.name() + " (" + risk.name().toLowerCase()
                + (reason == null ? "" : ": " + reason) + "). Allow it?";
        return core.checkpoints.request(id, state.path(), Checkpoint.Kind.TOOL_APPROVAL, question,
                call.name() + " " + arguments, state.agentId(), risk).then(decision -> switch (decision.kind()) {
            case APPROVE -> core.trampoline.done(new Approval(parse(arguments), null));
            case EDIT -> {
                Optional<ToolResult> invalid = validate(tool.specification(), decision.editedOutput());
                yield core.trampoline.done(invalid.isPresent()
                        ? new Approval(null, "The user edited the arguments but they are invalid: " + invalid.get().text())
                        : new Approval(parse(decision.editedOutput()), null));
            }
            case REJECT -> core.trampoline.done(new Approval(null, "The user did not allow this call"
                    + (decision.feedback() == null ? "." : ": " + decision.feedback())));
            case ABORT -> core.trampoline.failed(Checkpointing.aborted(id, decision));
        });
    }

    private Optional<ToolResult> validate(ToolSpecification specification, String arguments) {
        JsonNode args;
        try {
            args = mapper.readTree(arguments == null || arguments.isBlank() ? "{}" : arguments);
        } catch (JsonProcessingException e) {
            return Optional.of(ToolResult.error("The arguments for tool '" + specification.name() + "' are not valid JSON ("
                    + e.getOriginalMessage() + "). Send a JSON object that matches the tool's parameters."));
        }
        JsonSchemas schemas = core.setup.schemas();
        List<String> problems = schemas.validate(schemas.parametersSchema(specification), args);
        if (!problems.isEmpty()) {
            return Optional.of(ToolResult.error("The arguments for tool '" + specification.name() + "' do not match its parameters: "
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

    /** {@code ask_human}: a checkpoint whose answer is the tool's result. */
    static TurnSpec.CoreTool askHuman(Core core) {
        ToolSpecification specification = ToolSpecification.builder().name("ask_human")
                .description("Ask the human you work for a question and wait for the answer. Use it when you cannot go on without them.")
                .parameters(JsonObjectSchema.builder().addStringProperty("question", "The question, self-contained").required("question").build())
                .build();
        return new TurnSpec.CoreTool(specification, (args, ctx) -> {
            String id = core.checkpoints.unique(ctx.stepPath() + "#" + ctx.callId() + "-ask");
            return core.checkpoints.request(id, ctx.stepPath(), Checkpoint.Kind.ASK_HUMAN, args.get("question").asText(), null,
                    ctx.agent(), null).then(decision -> switch (decision.kind()) {
                case APPROVE, EDIT -> core.trampoline.done(ToolResult.ok(decision.editedOutput() != null ? decision.editedOutput()
                        : decision.feedback() != null ? decision.feedback() : "The human approved without comment."));
                case REJECT -> core.trampoline.done(ToolResult.error("The human declined to answer"
                        + (decision.feedback() == null ? "." : ": " + decision.feedback())));
                case ABORT -> core.trampoline.failed(Checkpointing.aborted(id, decision));
            });
        });
    }
}
