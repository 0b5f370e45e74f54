package dev.cadre.eval;

import java.math.BigDecimal;
import java.util.Map;

/**
 * What one crew did over all cases and repetitions of an eval.
 *
 * @param crew           the crew
 * @param runs           runs made
 * @param passed         runs that passed (succeeded and every check passed)
 * @param successRate    passed / runs
 * @param low            the 95% Wilson score interval's lower bound of the success rate
 * @param high           its upper bound
 * @param meanTokens     input plus output tokens per run
 * @param totalTokens    tokens of all runs
 * @param totalCost      cost of all runs (zero without a price table)
 * @param meanCost       cost per run
 * @param meanMillis     wall time per run
 * @param meanSteps      agents' steps per run
 * @param meanModelCalls model calls per run
 * @param failures       runs that did not pass, by failure kind
 */
public record CrewSummary(String crew, int runs, int passed, double successRate, double low, double high, double meanTokens,
                          long totalTokens, BigDecimal totalCost, BigDecimal meanCost, double meanMillis, double meanSteps,
                          double meanModelCalls, Map<String, Integer> failures) {
    public CrewSummary {
        failures = Map.copyOf(failures);
    }
}
