package dev.cadre.orchestrator.internal;

import dev.cadre.api.Budget;
import dev.cadre.api.Checkpoint;
import dev.cadre.api.Decision;
import dev.cadre.api.ModelRef;
import dev.cadre.api.RunEvent;
import dev.cadre.api.Usage;
import dev.cadre.api.crew.BudgetPolicy;
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
import reactor.core.publisher.Mono;

/**
 * Budgets of one run, per run, per agent and per task, checked before each model call with the call's own prompt
 * counted in (a call that would pass a limit is not made). A warning event is emitted once per limit at 80%; at
 * 100% the crew's policy decides.
 */
public final class Budgets {

    /** What a model call is about to consume. */
    public record Estimate(long inputTokens, BigDecimal inputCost) {}

    private record Scope(String key, String label, Budget budget, Usage usage, Duration elapsed) {}

    private final CrewPolicy policy;
    private final RunRecorder recorder;
    private final Checkpoints checkpoints;
    private final Instant runStart;
    private Usage run = Usage.ZERO;
    private final Map<String, Usage> byAgent = new HashMap<>();
    private final Map<String, Usage> byTask = new HashMap<>();
    private final Set<String> warned = new HashSet<>();
    private final Set<String> waived = new HashSet<>();
    private final Map<String, Integer> grants = new HashMap<>();
    private ModelRef cheaper;

    public Budgets(CrewPolicy policy, RunRecorder recorder, Checkpoints checkpoints, Instant runStart) {
        this.policy = policy;
        this.recorder = recorder;
        this.checkpoints = checkpoints;
        this.runStart = runStart;
    }

    public synchronized void add(String agent, String task, Usage usage) {
        run = run.plus(usage);
        byAgent.merge(agent, usage, Usage::plus);
        if (task != null) {
            byTask.merge(task, usage, Usage::plus);
        }
    }

    public synchronized Usage run() {
        return run;
    }

    /** The cheaper model, once a budget ran out under {@link BudgetPolicy#CHEAPER_MODEL}. */
    public synchronized Optional<ModelRef> override() {
        return Optional.ofNullable(cheaper);
    }

    /**
     * Checks every budget that applies before a model call. Completes when the call may go ahead (possibly on the
     * cheaper model, see {@link #override()}); fails with a {@link StepFailedException} naming the limit, or a
     * {@link RunAbortedException}, when it may not.
     */
    public Mono<Void> beforeModelCall(String path, String agent, String task, Instant stepStart, Estimate estimate) {
        return Mono.defer(() -> {
            Instant now = recorder.clock().instant();
            List<Scope> scopes = new ArrayList<>();
            Usage next = new Usage(estimate.inputTokens(), 0, 1, 0, estimate.inputCost(), 0, 0);
            synchronized (this) {
                scopes.add(new Scope("run", "the run", policy.runBudget(), run.plus(next), Duration.between(runStart, now)));
                Budget agentBudget = policy.agentBudgets().get(agent);
                if (agentBudget != null) {
                    Budget noTime = new Budget(agentBudget.maxTokens(), agentBudget.maxCost(), agentBudget.maxModelCalls(), null);
                    scopes.add(new Scope("agent " + agent, "agent '" + agent + "'", noTime,
                            byAgent.getOrDefault(agent, Usage.ZERO).plus(next), Duration.ZERO));
                }
                Budget taskBudget = task == null ? null : policy.taskBudgets().get(task);
                if (taskBudget != null) {
                    scopes.add(new Scope("task " + task, "task '" + task + "'", taskBudget,
                            byTask.getOrDefault(task, Usage.ZERO).plus(next), Duration.between(stepStart, now)));
                }
            }
            Mono<Void> chain = Mono.empty();
            for (Scope scope : scopes) {
                if (scope.budget().isUnlimited()) {
                    continue;
                }
                for (Budget.Consumption c : scope.budget().times(1 + grantsFor(scope.key())).consumption(scope.usage(), scope.elapsed())) {
                    String limitKey = scope.key() + " " + c.limit();
                    if (isWaived(limitKey)) {
                        continue;
                    }
                    boolean exceeded = c.limit().startsWith("wall time") ? c.used() >= c.max() : c.used() > c.max();
                    if (c.ratio() >= Budget.WARNING_RATIO && firstWarning(limitKey + " x" + grantsFor(scope.key()))) {
                        String label = limitKey + (grantsFor(scope.key()) > 0 ? " (extended x" + (1 + grantsFor(scope.key())) + ")" : "");
                        recorder.emit((id, seq, at) -> new RunEvent.BudgetWarning(id, path, seq, at, label, c.used(), c.max()));
                    }
                    if (exceeded) {
                        chain = chain.then(Mono.defer(() -> exceeded(path, agent, scope, c, limitKey)));
                    }
                }
            }
            return chain;
        });
    }

    private Mono<Void> exceeded(String path, String agent, Scope scope, Budget.Consumption c, String limitKey) {
        if (isWaived(limitKey)) {
            return Mono.empty();
        }
        String what = "the limit of " + format(c.max(), c.limit()) + " " + unit(c.limit()) + " for " + scope.label();
        String reason = c.limit().startsWith("wall time")
                ? "Budget exceeded: " + what + " has passed (" + format(c.used(), c.limit()) + " ms)."
                : "Budget exceeded: " + what + " would be passed by the next model call (" + format(c.used(), c.limit())
                        + " with the call).";
        switch (policy.onBudgetExceeded()) {
            case CHEAPER_MODEL -> {
                synchronized (this) {
                    waived.add(limitKey);
                    cheaper = ModelRef.parse(policy.cheaperModel());
                }
                return Mono.empty();
            }
            case ASK_HUMAN -> {
                int grant = grantsFor(scope.key()) + 1;
                String id = path + "#budget-" + scope.key().replace(' ', '-') + "-" + c.limit().replaceAll("[^a-z]+", "-") + "-" + grant;
                return checkpoints.request(id, path, Checkpoint.Kind.BUDGET, reason + " Approve to allow as much again.",
                        null, agent, null).flatMap(decision -> switch (decision.kind()) {
                    case APPROVE, EDIT -> {
                        synchronized (this) {
                            grants.merge(scope.key(), 1, Integer::sum);
                        }
                        yield Mono.<Void>empty();
                    }
                    case REJECT -> Mono.error(new StepFailedException(reason + " The budget was not extended"
                            + (decision.feedback() == null ? "." : ": " + decision.feedback())));
                    case ABORT -> Mono.error(aborted(id, decision));
                });
            }
            default -> {
                return Mono.error(new StepFailedException(reason));
            }
        }
    }

    static RunAbortedException aborted(String checkpointId, Decision decision) {
        return new RunAbortedException("Aborted at checkpoint '" + checkpointId + "'"
                + (decision.decidedBy() == null ? "" : " by " + decision.decidedBy())
                + (decision.feedback() == null ? "." : ": " + decision.feedback()));
    }

    private synchronized boolean isWaived(String limitKey) {
        return waived.contains(limitKey);
    }

    private synchronized boolean firstWarning(String key) {
        return warned.add(key);
    }

    private synchronized int grantsFor(String scope) {
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
