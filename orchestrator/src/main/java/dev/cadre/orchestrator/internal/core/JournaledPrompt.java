package dev.cadre.orchestrator.internal.core;

import dev.cadre.api.RunEvent;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a {@code model_requested} event holds of the prompt, as sent (after compaction and interceptors). When the
 * prompt is the last one sent plus new messages, only the new ones: system and user messages, and tool results that
 * the model saw otherwise than {@code tool_returned} holds them (cut, changed by an interceptor, or a notice of the
 * core's); model answers are left out, they have their own events. Otherwise (the first request, or a prompt whose
 * earlier messages changed: compacted, or rewritten by an interceptor) the whole prompt, every message, so such an
 * event begins with the system message.
 */
final class JournaledPrompt {

    private JournaledPrompt() {}

    static List<RunEvent.PromptMessage> of(TurnState state, List<ChatMessage> sent) {
        List<ChatMessage> last = state.lastSent;
        boolean extendsLast = last != null && sent.size() >= last.size() && sent.subList(0, last.size()).equals(last);
        int from = extendsLast ? last.size() : 0;
        List<RunEvent.PromptMessage> journaled = new ArrayList<>();
        for (int i = from; i < sent.size(); i++) {
            ChatMessage m = sent.get(i);
            if (m instanceof SystemMessage s) {
                journaled.add(new RunEvent.PromptMessage("system", s.text()));
            } else if (m instanceof UserMessage u) {
                journaled.add(new RunEvent.PromptMessage("user", u.hasSingleText() ? u.singleText() : u.toString()));
            } else if (m instanceof AiMessage a && !extendsLast) {
                journaled.add(new RunEvent.PromptMessage("assistant", text(a)));
            } else if (m instanceof ToolExecutionResultMessage t
                    && (!extendsLast || !t.text().equals(state.journaledToolTexts.get(t.id())))) {
                journaled.add(new RunEvent.PromptMessage("tool", t.text()));
            }
        }
        state.lastSent = List.copyOf(sent);
        return journaled;
    }

    private static String text(AiMessage a) {
        if (!a.hasToolExecutionRequests()) {
            return a.text();
        }
        String calls = a.toolExecutionRequests().stream().map(JournaledPrompt::call).collect(Collectors.joining(", "));
        return (a.text() == null || a.text().isBlank() ? "" : a.text() + "\n") + "[tool calls: " + calls + "]";
    }

    private static String call(ToolExecutionRequest r) {
        return r.name() + " " + (r.arguments() == null ? "{}" : r.arguments());
    }
}
