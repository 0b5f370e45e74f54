package dev.cadre.api;

import java.math.BigDecimal;

/**
 * What a run, step or model call consumed.
 *
 * @param inputTokens  prompt tokens, as the provider reported them
 * @param outputTokens completion tokens, as the provider reported them
 * @param modelCalls   model calls made (cache hits not included)
 * @param toolCalls    tool calls made
 * @param cost         money spent, from the configured price table (zero when no prices are configured)
 * @param cacheHits    model calls answered from the cache
 * @param cacheMisses  cacheable model calls that went to the model
 */
public record Usage(long inputTokens, long outputTokens, long modelCalls, long toolCalls, BigDecimal cost,
                    long cacheHits, long cacheMisses) {

    public static final Usage ZERO = new Usage(0, 0, 0, 0, BigDecimal.ZERO, 0, 0);

    public Usage {
        cost = cost == null ? BigDecimal.ZERO : cost;
    }

    public long totalTokens() {
        return inputTokens + outputTokens;
    }

    public Usage plus(Usage other) {
        return new Usage(inputTokens + other.inputTokens, outputTokens + other.outputTokens,
                modelCalls + other.modelCalls, toolCalls + other.toolCalls, cost.add(other.cost),
                cacheHits + other.cacheHits, cacheMisses + other.cacheMisses);
    }

    /** The usage of one model call. */
    public static Usage ofModelCall(long inputTokens, long outputTokens, BigDecimal cost) {
        return new Usage(inputTokens, outputTokens, 1, 0, cost, 0, 0);
    }

    /** The usage of one tool call. */
    public static Usage ofToolCall() {
        return new Usage(0, 0, 0, 1, BigDecimal.ZERO, 0, 0);
    }
}
