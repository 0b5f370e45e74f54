package dev.cadre.api;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;

/**
 * Hard limits on what a run, agent or task may spend; {@code null} means no limit. The orchestrator checks them
 * before each model call, not after.
 *
 * @param maxTokens     input plus output tokens
 * @param maxCost       money, priced by the run's {@link PriceTable}
 * @param maxModelCalls model calls
 * @param maxWallTime   elapsed time
 */
public record Budget(Long maxTokens, BigDecimal maxCost, Long maxModelCalls, Duration maxWallTime) {

    public static final Budget UNLIMITED = new Budget(null, null, null, null);

    /** The share of a limit at which a {@link RunEvent.BudgetWarning} is emitted. */
    public static final double WARNING_RATIO = 0.8;

    /** One limit and how much of it is used. */
    public record Consumption(String limit, double used, double max) {
        public double ratio() {
            return max <= 0 ? 1.0 : used / max;
        }
    }

    public Budget withMaxTokens(long tokens) { return new Budget(tokens, maxCost, maxModelCalls, maxWallTime); }
    public Budget withMaxCost(BigDecimal cost) { return new Budget(maxTokens, cost, maxModelCalls, maxWallTime); }
    public Budget withMaxModelCalls(long calls) { return new Budget(maxTokens, maxCost, calls, maxWallTime); }
    public Budget withMaxWallTime(Duration time) { return new Budget(maxTokens, maxCost, maxModelCalls, time); }

    /** Each limit that is set, with how much of it {@code usage} and {@code elapsed} use. */
    public java.util.List<Consumption> consumption(Usage usage, Duration elapsed) {
        java.util.List<Consumption> all = new java.util.ArrayList<>();
        if (maxTokens != null) all.add(new Consumption("tokens", usage.totalTokens(), maxTokens));
        if (maxCost != null) all.add(new Consumption("cost", usage.cost().doubleValue(), maxCost.doubleValue()));
        if (maxModelCalls != null) all.add(new Consumption("model calls", usage.modelCalls(), maxModelCalls));
        if (maxWallTime != null) all.add(new Consumption("wall time (ms)", elapsed.toMillis(), maxWallTime.toMillis()));
        return all;
    }

    /** This budget with every limit multiplied by {@code factor} (a human granted more). */
    public Budget times(int factor) {
        return new Budget(maxTokens == null ? null : maxTokens * factor,
                maxCost == null ? null : maxCost.multiply(BigDecimal.valueOf(factor)),
                maxModelCalls == null ? null : maxModelCalls * factor,
                maxWallTime == null ? null : maxWallTime.multipliedBy(factor));
    }

    public boolean isUnlimited() {
        return maxTokens == null && maxCost == null && maxModelCalls == null && maxWallTime == null;
    }

    /** The most consumed limit, if any limit is set. */
    public Optional<Consumption> mostConsumed(Usage usage, Duration elapsed) {
        Consumption worst = null;
        if (maxTokens != null) {
            worst = max(worst, new Consumption("tokens", usage.totalTokens(), maxTokens));
        }
        if (maxCost != null) {
            worst = max(worst, new Consumption("cost", usage.cost().doubleValue(), maxCost.doubleValue()));
        }
        if (maxModelCalls != null) {
            worst = max(worst, new Consumption("model calls", usage.modelCalls(), maxModelCalls));
        }
        if (maxWallTime != null) {
            worst = max(worst, new Consumption("wall time (ms)", elapsed.toMillis(), maxWallTime.toMillis()));
        }
        return Optional.ofNullable(worst);
    }

    private static Consumption max(Consumption a, Consumption b) {
        return a == null || b.ratio() > a.ratio() ? b : a;
    }
}
