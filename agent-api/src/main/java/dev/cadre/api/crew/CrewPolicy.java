package dev.cadre.api.crew;

import dev.cadre.api.Budget;
import dev.cadre.api.Decision;
import dev.cadre.api.ModelRef;
import dev.cadre.api.RateLimit;
import dev.cadre.api.RiskLevel;
import java.time.Duration;
import java.util.LinkedHashMap;
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
 * @param context              how long tool results may be and when a conversation is compacted to fit the window
 * @param rateLimits           shared rate limits by model reference ({@code openai:gpt-4.1-mini}): they apply to every run
 *                             of the orchestrator that runs this crew, the stricter one where it has its own
 */
public record CrewPolicy(Budget runBudget, Map<String, Budget> agentBudgets, Map<String, Budget> taskBudgets,
                         BudgetPolicy onBudgetExceeded, String cheaperModel, RetryPolicy retry, boolean cache,
                         RiskLevel approveToolsFrom, boolean askHuman, Duration checkpointTimeout,
                         Decision onCheckpointTimeout, int maxRepeatedToolCalls, ContextLimits context,
                         Map<String, RateLimit> rateLimits) {

    /** No limits, default retries, no cache, approval for tools that write or run processes, three repeats allowed. */
    public static final CrewPolicy DEFAULT = new CrewPolicy(Budget.UNLIMITED, Map.of(), Map.of(), BudgetPolicy.FAIL,
            null, RetryPolicy.DEFAULT, false, RiskLevel.WRITES, false, null, null, 3, ContextLimits.DEFAULT, Map.of());

    public CrewPolicy {
        runBudget = runBudget == null ? Budget.UNLIMITED : runBudget;
        agentBudgets = agentBudgets == null ? Map.of() : Map.copyOf(agentBudgets);
        taskBudgets = taskBudgets == null ? Map.of() : Map.copyOf(taskBudgets);
        onBudgetExceeded = onBudgetExceeded == null ? BudgetPolicy.FAIL : onBudgetExceeded;
        retry = retry == null ? RetryPolicy.DEFAULT : retry;
        context = context == null ? ContextLimits.DEFAULT : context;
        rateLimits = rateLimits == null ? Map.of() : Map.copyOf(rateLimits);
        for (String model : rateLimits.keySet()) {
            if (!ModelRef.parse(model).toString().equals(model)) {
                throw new IllegalArgumentException("The rate limit for '" + model + "' must name the model as "
                        + ModelRef.parse(model) + ".");
            }
        }
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

    /** A policy without rate limits of its own. */
    public CrewPolicy(Budget runBudget, Map<String, Budget> agentBudgets, Map<String, Budget> taskBudgets,
                      BudgetPolicy onBudgetExceeded, String cheaperModel, RetryPolicy retry, boolean cache,
                      RiskLevel approveToolsFrom, boolean askHuman, Duration checkpointTimeout,
                      Decision onCheckpointTimeout, int maxRepeatedToolCalls, ContextLimits context) {
        this(runBudget, agentBudgets, taskBudgets, onBudgetExceeded, cheaperModel, retry, cache, approveToolsFrom, askHuman,
                checkpointTimeout, onCheckpointTimeout, maxRepeatedToolCalls, context, Map.of());
    }

    /** A policy with the default {@link ContextLimits}. */
    public CrewPolicy(Budget runBudget, Map<String, Budget> agentBudgets, Map<String, Budget> taskBudgets,
                      BudgetPolicy onBudgetExceeded, String cheaperModel, RetryPolicy retry, boolean cache,
                      RiskLevel approveToolsFrom, boolean askHuman, Duration checkpointTimeout,
                      Decision onCheckpointTimeout, int maxRepeatedToolCalls) {
        this(runBudget, agentBudgets, taskBudgets, onBudgetExceeded, cheaperModel, retry, cache, approveToolsFrom, askHuman,
                checkpointTimeout, onCheckpointTimeout, maxRepeatedToolCalls, ContextLimits.DEFAULT);
    }

    /** A builder starting from {@link #DEFAULT}. */
    public static Builder builder() {
        return DEFAULT.toBuilder();
    }

    /** A builder starting from this policy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds a {@link CrewPolicy}; every setting starts from the policy it was made from. */
    public static final class Builder {
        private Budget runBudget;
        private final Map<String, Budget> agentBudgets;
        private final Map<String, Budget> taskBudgets;
        private BudgetPolicy onBudgetExceeded;
        private String cheaperModel;
        private RetryPolicy retry;
        private boolean cache;
        private RiskLevel approveToolsFrom;
        private boolean askHuman;
        private Duration checkpointTimeout;
        private Decision onCheckpointTimeout;
        private int maxRepeatedToolCalls;
        private ContextLimits context;
        private final Map<String, RateLimit> rateLimits;

        private Builder(CrewPolicy from) {
            runBudget = from.runBudget;
            agentBudgets = new LinkedHashMap<>(from.agentBudgets);
            taskBudgets = new LinkedHashMap<>(from.taskBudgets);
            onBudgetExceeded = from.onBudgetExceeded;
            cheaperModel = from.cheaperModel;
            retry = from.retry;
            cache = from.cache;
            approveToolsFrom = from.approveToolsFrom;
            askHuman = from.askHuman;
            checkpointTimeout = from.checkpointTimeout;
            onCheckpointTimeout = from.onCheckpointTimeout;
            maxRepeatedToolCalls = from.maxRepeatedToolCalls;
            context = from.context;
            rateLimits = new LinkedHashMap<>(from.rateLimits);
        }

        public Builder runBudget(Budget budget) {
            this.runBudget = budget;
            return this;
        }

        /** Limits for one agent (its id). */
        public Builder agentBudget(String agent, Budget budget) {
            agentBudgets.put(agent, budget);
            return this;
        }

        /** Limits for one work step (its output name). */
        public Builder taskBudget(String task, Budget budget) {
            taskBudgets.put(task, budget);
            return this;
        }

        public Builder onBudgetExceeded(BudgetPolicy policy) {
            return onBudgetExceeded(policy, cheaperModel);
        }

        /** What to do when a limit is reached; {@code cheaperModelReference} for {@link BudgetPolicy#CHEAPER_MODEL}. */
        public Builder onBudgetExceeded(BudgetPolicy policy, String cheaperModelReference) {
            this.onBudgetExceeded = policy;
            this.cheaperModel = cheaperModelReference;
            return this;
        }

        public Builder retry(RetryPolicy policy) {
            this.retry = policy;
            return this;
        }

        public Builder cache(boolean on) {
            this.cache = on;
            return this;
        }

        /** Tool calls of {@code risk} or higher wait for approval; {@code null} approves every call without asking. */
        public Builder approveToolsFrom(RiskLevel risk) {
            this.approveToolsFrom = risk;
            return this;
        }

        public Builder askHuman(boolean on) {
            this.askHuman = on;
            return this;
        }

        /** How long a checkpoint waits ({@code null}: forever) and the decision taken when it times out. */
        public Builder checkpointTimeout(Duration timeout, Decision onTimeout) {
            this.checkpointTimeout = timeout;
            this.onCheckpointTimeout = onTimeout;
            return this;
        }

        public Builder maxRepeatedToolCalls(int max) {
            this.maxRepeatedToolCalls = max;
            return this;
        }

        /** How long tool results may be and when a conversation is compacted ({@code null}: the defaults). */
        public Builder context(ContextLimits limits) {
            this.context = limits;
            return this;
        }

        /**
         * A shared rate limit for the model {@code model} ({@code openai:gpt-4.1-mini}): every run of the orchestrator
         * that runs this crew keeps to it, and to the orchestrator's own limit for the model where that is stricter.
         */
        public Builder rateLimit(String model, RateLimit limit) {
            rateLimits.put(ModelRef.parse(model).toString(), java.util.Objects.requireNonNull(limit, "limit"));
            return this;
        }

        public CrewPolicy build() {
            return new CrewPolicy(runBudget, agentBudgets, taskBudgets, onBudgetExceeded, cheaperModel, retry, cache,
                    approveToolsFrom, askHuman, checkpointTimeout, onCheckpointTimeout, maxRepeatedToolCalls, context, rateLimits);
        }
    }
}
