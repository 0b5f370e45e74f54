package dev.cadre.orchestrator.internal.core;

import dev.cadre.orchestrator.pattern.Promise;
import dev.cadre.orchestrator.pattern.Failure;
import dev.cadre.api.Budget;
import dev.cadre.api.Checkpoint;
import dev.cadre.api.ModelRef;
import dev.cadre.api.RunEvent;
import dev.cadre.api.Usage;
import dev.cadre.api.crew.CrewPolicy;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Budgets of one run, per run, per agent and per task, checked before each model call with the call's own prompt
 * counted in (a call that would pass a limit is not made). A warning event is emitted once per limit at 80%; at 100%
 * the crew's policy decides: fail the step, switch to the cheaper model, or ask a human for as much again.
 */
final class BudgetCheck {

    /** What a model call is about to consume. */
    record Estimate(long inputTokens, BigDecimal inputCost) {}

    private record Scope(String key, String label, Budget budget, Usage usage, Duration elapsed) {}

    private final Core core;
    private final CrewPolicy policy;
    /** Read by the driver's thread on cancel, hence volatile; written by the core only. */
    private volatile Usage run = Usage.ZERO;
    private final Map<String, Usage> byAgent = new HashMap<>();
    private final Map<String, Usage> byTask = new HashMap<>();
    private final Set<String> warned = new HashSet<>();
    private final Set<String> waived = new HashSet<>();
    private final Map<String, Integer> grants = new HashMap<>();
    private ModelRef cheaper;

    BudgetCheck(Core core) {
        this.core = core;
        this.policy = core.setup.crew().policy();
    }

    void add(String agent, String task, Usage usage) {
        run = run.plus(usage);
        if (!policy.agentBudgets().isEmpty()) {   // counted per agent and per task only for the budgets that read it
            byAgent.merge(agent, usage, Usage::plus);
        }
        if (task != null && !policy.taskBudgets().isEmpty()) {
            byTask.merge(task, usage, Usage::plus);
        }
    }

    Usage run() {
        return run;
    }

    /** The cheaper model, once a budget ran out under {@code cheaper_model}. */
    Optional<ModelRef> override() {
        return Optional.ofNullable(cheaper);
    }

    /**
     * Checks every budget that applies before a model call; settles when the call may go ahead (possibly on the cheaper
     * model), fails naming the limit when it may not. {@code journaled}: the journal already holds this call's request
     * (a resumed run), so it was allowed: recorded decisions are folded in, nothing is refused or asked anew.
     */
    Promise<Object> beforeModelCall(String path, String agent, String task, Instant stepStart, Estimate estimate,
                                    boolean journaled) {
        Budget agentBudget = policy.agentBudgets().get(agent);
        Budget taskBudget = task == null ? null : policy.taskBudgets().get(task);
        if (policy.runBudget().isUnlimited() && (agentBudget == null || agentBudget.isUnlimited())
                && (taskBudget == null || taskBudget.isUnlimited())) {
            return core.trampoline.done(Boolean.TRUE);   // the common case: no budget to check, nothing to build
        }
        Instant now = core.now();
        List<Scope> scopes = new ArrayList<>();
        Usage next = new Usage(estimate.inputTokens(), 0, 1, 0, estimate.inputCost(), 0, 0);
        scopes.add(new Scope("run", "the run", policy.runBudget(), run.plus(next), Duration.between(core.setup.startedAt(), now)));
        if (agentBudget != null) {
            Budget noTime = new Budget(agentBudget.maxTokens(), agentBudget.maxCost(), agentBudget.maxModelCalls(), null);
            scopes.add(new Scope("agent " + agent, "agent '" + agent + "'", noTime,
                    byAgent.getOrDefault(agent, Usage.ZERO).plus(next), Duration.ZERO));
        }
        if (taskBudget != null) {
            scopes.add(new Scope("task " + task, "task '" + task + "'", taskBudget,
                    byTask.getOrDefault(task, Usage.ZERO).plus(next), Duration.between(stepStart, now)));
        }
        Promise<Object> chain = core.trampoline.done(Boolean.TRUE);
        for (Scope scope : scopes) {
            if (scope.budget().isUnlimited()) {
                continue;
            }
            for (Budget.Consumption c : scope.budget().times(1 + grantsFor(scope.key())).consumption(scope.usage(), scope.elapsed())) {
                String limitKey = scope.key() + " " + c.limit();
                if (waived.contains(limitKey)) {
                    continue;
                }
                boolean exceeded = c.limit().startsWith("wall time") ? c.used() >= c.max() : c.used() > c.max();
                if (c.ratio() >= Budget.WARNING_RATIO && warned.add(limitKey + " x" + grantsFor(scope.key()))) {
                    String label = limitKey + (grantsFor(scope.key()) > 0 ? " (extended x" + (1 + grantsFor(scope.key())) + ")" : "");
                    core.emit((id, seq, at) -> new RunEvent.BudgetWarning(id, path, seq, at, label, c.used(), c.max()));
                }
                if (exceeded) {
                    chain = chain.then(x -> exceeded(path, agent, scope, c, limitKey, journaled));
                }
            }
        }
        return chain;
    }

    private Promise<Object> exceeded(String path, String agent, Scope scope, Budget.Consumption c, String limitKey,
                                     boolean journaled) {
        if (waived.contains(limitKey)) {
            return core.trampoline.done(Boolean.TRUE);
        }
        String what = "the limit of " + format(c.max(), c.limit()) + " " + unit(c.limit()) + " for " + scope.label();
        String reason = c.limit().startsWith("wall time")
                ? "Budget exceeded: " + what + " has passed (" + format(c.used(), c.limit()) + " ms)."
                : "Budget exceeded: " + what + " would be passed by the next model call (" + format(c.used(), c.limit())
                        + " with the call).";
        switch (policy.onBudgetExceeded()) {
            case CHEAPER_MODEL -> {
                waived.add(limitKey);
                cheaper = ModelRef.parse(policy.cheaperModel());
                return core.trampoline.done(Boolean.TRUE);
            }
            case ASK_HUMAN -> {
                int grant = grantsFor(scope.key()) + 1;
                String id = path + "#budget-" + scope.key().replace(' ', '-') + "-" + c.limit().replaceAll("[^a-z]+", "-") + "-" + grant;
                if (journaled && core.setup.facts().checkpointRequested(id).isEmpty()) {
                    return core.trampoline.done(Boolean.TRUE);
                }
                return core.checkpoints.request(id, path, Checkpoint.Kind.BUDGET, reason + " Approve to allow as much again.",
                        null, agent, null).then(decision -> switch (decision.kind()) {
                    case APPROVE, EDIT -> {
                        grants.merge(scope.key(), 1, Integer::sum);
                        yield core.trampoline.done(Boolean.TRUE);
                    }
                    case REJECT -> core.trampoline.failed(Failure.of(reason + " The budget was not extended"
                            + (decision.feedback() == null ? "." : ": " + decision.feedback())));
                    case ABORT -> core.trampoline.failed(Checkpointing.aborted(id, decision));
                });
            }
            default -> {
                if (journaled) {
                    return core.trampoline.done(Boolean.TRUE);
                }
                return core.trampoline.failed(Failure.of(reason));
            }
        }
    }

    private int grantsFor(String scope) {
        return grants.getOrDefault(scope, 0);
    }

    private static String unit(String limit) {
        return switch (limit) {
            case "tokens" -> "tokens";
            case "cost" -> "in cost";
            case "model calls" -> "model calls";
            default -> "ms of wall time";
        };
    }

    private static String format(double value, String limit) {
        return limit.equals("cost") ? BigDecimal.valueOf(value).stripTrailingZeros().toPlainString() : String.valueOf((long) value);
    }
}
