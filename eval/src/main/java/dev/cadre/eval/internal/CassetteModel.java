package dev.cadre.eval.internal;

import dev.cadre.api.ModelCallAttributes;
import dev.cadre.api.RunEvent;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A model that answers a replayed run with the answers of its recording, call by call (by step path and call number),
 * after checking that the request is the recorded one: the same system and user messages so far, and the same tools.
 * A request that differs fails with a {@link NonRetriableException} saying what changed and where.
 */
public final class CassetteModel implements ChatModel {

    private record Call(RunEvent.ModelRequested request, RunEvent.ModelResponded response, List<RunEvent.PromptMessage> prompt) {}

    private final String runId;
    private final Map<String, Call> calls = new LinkedHashMap<>();

    public CassetteModel(String runId, List<RunEvent> events) {
        this.runId = runId;
        Map<String, List<RunEvent.PromptMessage>> prompts = new LinkedHashMap<>();
        Map<String, RunEvent.ModelRequested> pending = new LinkedHashMap<>();
        for (RunEvent event : events) {
            if (event instanceof RunEvent.ModelRequested r) {
                List<RunEvent.PromptMessage> prompt = prompts.computeIfAbsent(r.stepPath() + "\u0000" + r.agent(), k -> new ArrayList<>());
                r.newMessages().stream().filter(m -> !m.role().equals("assistant")).forEach(prompt::add);
                pending.put(key(r.stepPath(), r.turn()), r);
                calls.put(key(r.stepPath(), r.turn()), new Call(r, null, List.copyOf(prompt)));
            } else if (event instanceof RunEvent.ModelResponded r && !r.cached()) {
                String key = key(r.stepPath(), r.turn());
                Call call = calls.get(key);
                if (call != null) {
                    calls.put(key, new Call(call.request(), r, call.prompt()));
                }
            }
        }
    }

    private static String key(String stepPath, int turn) {
        return stepPath + "#" + turn;
    }

    @Override
    public ChatResponse chat(ChatRequest request, ChatRequestOptions options) {
        Map<Object, Object> attributes = options == null || options.listenerAttributes() == null ? Map.of() : options.listenerAttributes();
        String path = String.valueOf(attributes.get(ModelCallAttributes.STEP_PATH));
        Object turnAttribute = attributes.get(ModelCallAttributes.TURN);
        int turn = turnAttribute instanceof Integer i ? i : 1;
        String agent = String.valueOf(attributes.get(ModelCallAttributes.AGENT));
        Call call = calls.get(key(path, turn));
        String where = "at step '" + path + "', model call " + turn + " of agent '" + agent + "'";
        if (call == null || call.response() == null) {
            TreeSet<String> steps = new TreeSet<>();
            calls.values().forEach(c -> steps.add(c.request().stepPath()));
            throw diverged(where + ": the recording has no such call (it has calls at " + (steps.isEmpty() ? "no step" : String.join(", ", steps)) + ")");
        }
        if (!call.request().agent().equals(agent)) {
            throw diverged(where + ": the recording's call there was made by agent '" + call.request().agent() + "'");
        }
        List<RunEvent.PromptMessage> now = prompt(request);
        String difference = difference(call.prompt(), now);
        if (difference != null) {
            throw diverged(where + ": " + difference);
        }
        List<String> tools = request.toolSpecifications() == null ? List.of()
                : request.toolSpecifications().stream().map(ToolSpecification::name).toList();
        List<String> recordedTools = call.request().tools() == null ? List.of() : call.request().tools();
        if (!new TreeSet<>(tools).equals(new TreeSet<>(recordedTools))) {
            throw diverged(where + ": the tools offered were " + recordedTools + " in the recording and are " + tools + " now");
        }
        return response(call.response());
    }

    private RuntimeException diverged(String what) {
        return new NonRetriableException("Replay of run '" + runId + "' " + CaseRunner.DIVERGED + " " + what
                + ". Record the eval again if the change is intended.");
    }

    private static List<RunEvent.PromptMessage> prompt(ChatRequest request) {
        List<RunEvent.PromptMessage> prompt = new ArrayList<>();
        for (ChatMessage m : request.messages()) {
            if (m instanceof SystemMessage s) {
                prompt.add(new RunEvent.PromptMessage("system", s.text()));
            } else if (m instanceof UserMessage u) {
                prompt.add(new RunEvent.PromptMessage("user", u.hasSingleText() ? u.singleText() : u.toString()));
            }
        }
        return prompt;
    }

    /** What differs between the recorded and the present prompt, in a sentence fragment; null when they agree. */
    static String difference(List<RunEvent.PromptMessage> recorded, List<RunEvent.PromptMessage> now) {
        for (int i = 0; i < Math.max(recorded.size(), now.size()); i++) {
            RunEvent.PromptMessage was = i < recorded.size() ? recorded.get(i) : null;
            RunEvent.PromptMessage is = i < now.size() ? now.get(i) : null;
            if (was == null) {
                return "the prompt has a message the recording does not: " + is.role() + " message " + (i + 1) + " '" + Checks.shorten(is.text()) + "'";
            }
            if (is == null) {
                return "the prompt lacks the recording's " + was.role() + " message " + (i + 1) + " '" + Checks.shorten(was.text()) + "'";
            }
            if (!was.role().equals(is.role()) || !was.text().equals(is.text())) {
                return was.role() + " message " + (i + 1) + " was '" + Checks.shorten(around(was.text(), is.text())) + "' in the recording and is '"
                        + Checks.shorten(around(is.text(), was.text())) + "' now";
            }
        }
        return null;
    }

    /** {@code text} from a little before where it first differs from {@code other}, so the change shows in a short line. */
    private static String around(String text, String other) {
        int i = 0;
        while (i < text.length() && i < other.length() && text.charAt(i) == other.charAt(i)) {
            i++;
        }
        int from = Math.max(0, i - 40);
        return (from > 0 ? "…" : "") + text.substring(from);
    }

    private static ChatResponse response(RunEvent.ModelResponded recorded) {
        List<ToolExecutionRequest> calls = recorded.toolCalls() == null ? List.of() : recorded.toolCalls().stream()
                .map(c -> ToolExecutionRequest.builder().id(c.id()).name(c.name()).arguments(c.arguments()).build()).toList();
        AiMessage message = calls.isEmpty() ? AiMessage.from(recorded.text() == null ? "" : recorded.text())
                : recorded.text() == null ? AiMessage.from(calls) : AiMessage.from(recorded.text(), calls);
        FinishReason finish = null;
        if (recorded.finishReason() != null) {
            try {
                finish = FinishReason.valueOf(recorded.finishReason());
            } catch (IllegalArgumentException unknown) {
                finish = null;
            }
        }
        return ChatResponse.builder().aiMessage(message)
                .tokenUsage(new TokenUsage((int) recorded.usage().inputTokens(), (int) recorded.usage().outputTokens()))
                .finishReason(finish).build();
    }

    @Override
    public Set<Capability> supportedCapabilities() {
        return Set.of(Capability.RESPONSE_FORMAT_JSON_SCHEMA);
    }
}
