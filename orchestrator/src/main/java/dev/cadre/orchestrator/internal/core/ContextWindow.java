package dev.cadre.orchestrator.internal.core;

import dev.cadre.api.ModelRef;
import dev.cadre.api.crew.ContextLimits;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.TokenCountEstimator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the model is shown of a turn, by the crew's {@link ContextLimits}: long tool results are cut with a note, and a
 * conversation nearing the model's window is compacted (older tool results replaced by one-line notes). Tokens are
 * counted with the model's {@link TokenCountEstimator} when there is one, else as characters / 4. Pure functions of
 * the messages, so a resumed run makes the same cuts.
 */
final class ContextWindow {

    static final String COMPACTED = "[Removed to fit the context window: ";

    private final Map<String, TokenCountEstimator> estimators;

    ContextWindow(Map<String, TokenCountEstimator> estimators) {
        this.estimators = estimators;
    }

    /** The messages' size in tokens for {@code model}: its estimator's count, or characters / 4 (rounded up). */
    long tokens(ModelRef model, List<ChatMessage> messages) {
        TokenCountEstimator estimator = estimators.get(model.toString());
        if (estimator != null) {
            return estimator.estimateTokenCountInMessages(messages);
        }
        return (characters(messages) + 3) / 4;
    }

    static long characters(List<ChatMessage> messages) {
        long chars = 0;
        for (ChatMessage m : messages) {
            if (m instanceof SystemMessage s) chars += s.text().length();
            else if (m instanceof UserMessage u) chars += u.hasSingleText() ? u.singleText().length() : 0;
            else if (m instanceof AiMessage a) chars += a.text() == null ? 0 : a.text().length();
            else if (m instanceof ToolExecutionResultMessage t) chars += t.text().length();
        }
        return chars;
    }

    /**
     * {@code text} if it has at most {@code max} characters; else its first four fifths and last fifth of {@code max}
     * with a note between them saying how much was left out.
     */
    static String cut(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        int head = safe(text, max * 4 / 5);
        int tail = safe(text, text.length() - (max - max * 4 / 5));
        return text.substring(0, head) + "\n[... " + (tail - head) + " of " + text.length()
                + " characters cut here: a tool result is shown up to " + max + " characters ...]\n" + text.substring(tail);
    }

    /** {@code at}, moved back one if it would split a surrogate pair. */
    private static int safe(String text, int at) {
        return at > 0 && at < text.length() && Character.isLowSurrogate(text.charAt(at)) ? at - 1 : at;
    }

    /**
     * Compacts {@code state}'s conversation when its prompt is over {@link ContextLimits#compactAboveTokens()}: the
     * initial prompt and the last {@code keepExchanges} exchanges stay, each older tool result becomes a one-line note.
     * The change stays in the conversation (later requests build on it). Gives whether anything changed.
     */
    boolean compact(TurnState state, ModelRef model, ContextLimits limits) {
        List<ChatMessage> messages = state.messages;
        if (tokens(model, messages) <= limits.compactAboveTokens()) {
            return false;
        }
        List<Integer> exchanges = new ArrayList<>();
        for (int i = state.initialMessages; i < messages.size(); i++) {
            if (messages.get(i) instanceof AiMessage) {
                exchanges.add(i);
            }
        }
        if (exchanges.size() <= limits.keepExchanges()) {
            return false;
        }
        int keepFrom = exchanges.get(exchanges.size() - limits.keepExchanges());
        boolean changed = false;
        for (int i = state.initialMessages; i < keepFrom; i++) {
            if (messages.get(i) instanceof ToolExecutionResultMessage t && !t.text().startsWith(COMPACTED)) {
                messages.set(i, ToolExecutionResultMessage.from(t.id(), t.toolName(), COMPACTED + "an earlier result of tool '"
                        + t.toolName() + "' (" + t.text().length() + " characters).]"));
                changed = true;
            }
        }
        return changed;
    }
}
