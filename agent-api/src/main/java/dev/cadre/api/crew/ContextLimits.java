package dev.cadre.api.crew;

/**
 * How much of an agent's conversation the model is shown (part of {@link CrewPolicy}, {@code policy.context} in a
 * crew file). Both rules are decided in the engine's core, so a resumed run makes the same cuts, and both are visible
 * in the journal's {@code model_requested} events.
 *
 * <ul>
 *   <li>A tool result longer than {@code maxToolResultChars} characters is cut: the model sees its first four fifths and
 *       its last fifth with a note in between saying how many characters were left out (the journal's
 *       {@code tool_returned} keeps the whole result).</li>
 *   <li>When a prompt's estimated size passes four fifths of {@code windowTokens}, the conversation is compacted: the
 *       system prompt, the examples and the task stay, so do the last {@code keepExchanges} exchanges (a model answer
 *       and the tool results that follow it), and each older tool result is replaced by a one-line note. Tokens are
 *       counted with the model's {@code TokenCountEstimator} when the orchestrator has one for it, else as characters
 *       divided by four.</li>
 * </ul>
 *
 * @param maxToolResultChars the longest tool result the model sees whole (at least 200)
 * @param windowTokens       the model's context window, in tokens (at least 1,000)
 * @param keepExchanges      how many of the latest exchanges compaction leaves whole (at least 1)
 */
public record ContextLimits(int maxToolResultChars, int windowTokens, int keepExchanges) {

    /** Tool results up to 20,000 characters, a window of 128,000 tokens, the last 4 exchanges kept whole. */
    public static final ContextLimits DEFAULT = new ContextLimits(20_000, 128_000, 4);

    public ContextLimits {
        if (maxToolResultChars < 200) {
            throw new IllegalArgumentException("maxToolResultChars is " + maxToolResultChars + ": it must be at least 200.");
        }
        if (windowTokens < 1_000) {
            throw new IllegalArgumentException("windowTokens is " + windowTokens + ": it must be at least 1000.");
        }
        if (keepExchanges < 1) {
            throw new IllegalArgumentException("keepExchanges is " + keepExchanges + ": it must be at least 1.");
        }
    }

    /** The prompt size, in tokens, above which the conversation is compacted: four fifths of the window. */
    public long compactAboveTokens() {
        return windowTokens * 4L / 5;
    }

    public ContextLimits withMaxToolResultChars(int chars) {
        return new ContextLimits(chars, windowTokens, keepExchanges);
    }

    public ContextLimits withWindowTokens(int tokens) {
        return new ContextLimits(maxToolResultChars, tokens, keepExchanges);
    }

    public ContextLimits withKeepExchanges(int exchanges) {
        return new ContextLimits(maxToolResultChars, windowTokens, exchanges);
    }
}
