package dev.cadre.api.crew;

import dev.cadre.api.Budget;
import dev.cadre.api.Decision;
import dev.cadre.api.ModelRef;
import dev.cadre.api.RiskLevel;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * How a crew runs: budgets and what happens when one is used up, retries, caching, which tool calls need a human's
 * approval, whether agents may ask a human, checkpoint timeouts and loop guards.
 *
 * @param runBudget            limits for the whole run
 * @param agentBudgets         limits per agent (persona id); wall time is not tracked per agent
 * @param taskBudgets          limits per work step (its output name)
 * @param onBudgetExceeded     what to do when a limit is reached
 * @param cheaperModel         the model reference used after a budget runs out, with {@link BudgetPolicy#CHEAPER_MODEL}
 * @param retry                retries of transient model errors
 * @param cache                serve identical model requests at temperature 0 from a cache, and reuse idempotent tools'
 *                             results within a run
 * @param approveToolsFrom     tool calls of this risk or higher wait for a human's approval; {@code null} for none
 * @param askHuman             give every agent an {@code ask_human(question)} tool
 * @param checkpointTimeout    how long a checkpoint waits before {@code onCheckpointTimeout} applies; {@code null} forever
 * @param onCheckpointTimeout  the decision taken when a checkpoint times out
 * @param maxRepeatedToolCalls the same agent calling the same tool with the same arguments this many times stops the step
 */
public record CrewPolicy(Budget runBudget, Map<String, Budget> agentBudgets, Map<String, Budget> taskBudgets,
                         BudgetPolicy onBudgetExceeded, String cheaperModel, RetryPolicy retry, boolean cache,
                         RiskLevel approveToolsFrom, boolean askHuman, Duration checkpointTimeout,
                         Decision onCheckpointTimeout, int maxRepeatedToolCalls) {

    /** No limits, default retries, no cache, approval for tools that write or run processes, three repeats allowed. */
    public static final CrewPolicy DEFAULT = new CrewPolicy(Budget.UNLIMITED, Map.of(), Map.of(), BudgetPolicy.FAIL,
            null, RetryPolicy.DEFAULT, false, RiskLevel.WRITES, false, null, null, 3);

    public CrewPolicy {
        runBudget = runBudget == null ? Budget.UNLIMITED : runBudget;
        agentBudgets = agentBudgets == null ? Map.of() : Map.copyOf(agentBudgets);
        taskBudgets = taskBudgets == null ? Map.of() : Map.copyOf(taskBudgets);
        onBudgetExceeded = onBudgetExceeded == null ? BudgetPolicy.FAIL : onBudgetExceeded;
        retry = retry == null ? RetryPolicy.DEFAULT : retry;
        if (onBudgetExceeded == BudgetPolicy.CHEAPER_MODEL && cheaperModel == null) {
            throw new IllegalArgumentException("The budget policy CHEAPER_MODEL needs a cheaperModel, e.g. 'openai:gpt-4.1-nano'.");
        }
        if (cheaperModel != null) {
            ModelRef.parse(cheaperModel);
        }
        if (checkpointTimeout != null && onCheckpointTimeout == null) {
            throw new IllegalArgumentException("A checkpoint timeout needs the decision to take when it passes (onCheckpointTimeout).");
        }
        if (maxRepeatedToolCalls < 2) {
            throw new IllegalArgumentException("maxRepeatedToolCalls is " + maxRepeatedToolCalls + ": it must be at least 2.");
        }
    }

    public CrewPolicy withRunBudget(Budget budget) {
        return new CrewPolicy(budget, agentBudgets, taskBudgets, onBudgetExceeded, cheaperModel, retry, cache,
                approveToolsFrom, askHuman, checkpointTimeout, onCheckpointTimeout, maxRepeatedToolCalls);
    }

    public CrewPolicy withAgentBudget(String agent, Budget budget) {
        Map<String, Budget> copy = new HashMap<>(agentBudgets);
        copy.put(agent, budget);
        return new CrewPolicy(runBudget, copy, taskBudgets, onBudgetExceeded, cheaperModel, retry, cache,
                approveToolsFrom, askHuman, checkpointTimeout, onCheckpointTimeout, maxRepeatedToolCalls);
    }

    public CrewPolicy withTaskBudget(String task, Budget budget) {
        Map<String, Budget> copy = new HashMap<>(taskBudgets);
        copy.put(task, budget);
        return new CrewPolicy(runBudget, agentBudgets, copy, onBudgetExceeded, cheaperModel, retry, cache,
                approveToolsFrom, askHuman, checkpointTimeout, onCheckpointTimeout, maxRepeatedToolCalls);
    }

    public CrewPolicy onBudgetExceeded(BudgetPolicy policy, String cheaperModelReference) {
        return new CrewPolicy(runBudget, agentBudgets, taskBudgets, policy, cheaperModelReference, retry, cache,
                approveToolsFrom, askHuman, checkpointTimeout, onCheckpointTimeout, maxRepeatedToolCalls);
    }

    public CrewPolicy withRetry(RetryPolicy policy) {
        return new CrewPolicy(runBudget, agentBudgets, taskBudgets, onBudgetExceeded, cheaperModel, policy, cache,
                approveToolsFrom, askHuman, checkpointTimeout, onCheckpointTimeout, maxRepeatedToolCalls);
    }

    public CrewPolicy withCache(boolean on) {
        return new CrewPolicy(runBudget, agentBudgets, taskBudgets, onBudgetExceeded, cheaperModel, retry, on,
                approveToolsFrom, askHuman, checkpointTimeout, onCheckpointTimeout, maxRepeatedToolCalls);
    }

    /** Tool calls of {@code risk} or higher wait for approval; {@code null} approves every call without asking. */
    public CrewPolicy approveToolsFrom(RiskLevel risk) {
        return new CrewPolicy(runBudget, agentBudgets, taskBudgets, onBudgetExceeded, cheaperModel, retry, cache,
                risk, askHuman, checkpointTimeout, onCheckpointTimeout, maxRepeatedToolCalls);
    }

    public CrewPolicy withAskHuman(boolean on) {
        return new CrewPolicy(runBudget, agentBudgets, taskBudgets, onBudgetExceeded, cheaperModel, retry, cache,
                approveToolsFrom, on, checkpointTimeout, onCheckpointTimeout, maxRepeatedToolCalls);
    }

    public CrewPolicy withCheckpointTimeout(Duration timeout, Decision onTimeout) {
        return new CrewPolicy(runBudget, agentBudgets, taskBudgets, onBudgetExceeded, cheaperModel, retry, cache,
                approveToolsFrom, askHuman, timeout, onTimeout, maxRepeatedToolCalls);
    }

    public CrewPolicy withMaxRepeatedToolCalls(int max) {
        return new CrewPolicy(runBudget, agentBudgets, taskBudgets, onBudgetExceeded, cheaperModel, retry, cache,
                approveToolsFrom, askHuman, checkpointTimeout, onCheckpointTimeout, max);
    }
}
