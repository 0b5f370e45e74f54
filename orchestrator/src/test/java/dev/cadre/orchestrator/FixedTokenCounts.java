package dev.cadre.orchestrator;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.TokenCountEstimator;

/** A token estimator for tests: every text and every message counts the same number of tokens, whatever it says. */
public final class FixedTokenCounts implements TokenCountEstimator {

    private final int perMessage;

    public FixedTokenCounts(int perMessage) {
        this.perMessage = perMessage;
    }

    @Override
    public int estimateTokenCountInText(String text) {
        return perMessage;
    }

    @Override
    public int estimateTokenCountInMessage(ChatMessage message) {
        return perMessage;
    }

    @Override
    public int estimateTokenCountInMessages(Iterable<ChatMessage> messages) {
        int n = 0;
        for (ChatMessage ignored : messages) {
            n += perMessage;
        }
        return n;
    }
}
