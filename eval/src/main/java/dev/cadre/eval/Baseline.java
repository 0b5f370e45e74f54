package dev.cadre.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * Compares an eval's report with an earlier one (a CI gate): a crew whose success rate dropped significantly is a
 * regression. Significant means a one-sided two-proportion z-test at the 5% level (z above 1.645): with few runs
 * only a large drop counts, so noise does not fail a build, and more repetitions make the gate finer.
 */
public final class Baseline {

    /** The z above which a drop is significant (one-sided, 5%). */
    public static final double Z_ONE_SIDED_5 = 1.6448536269514722;

    private Baseline() {}

    /** One crew's success rate then and now. */
    public record CrewChange(String crew, int baselinePassed, int baselineRuns, int passed, int runs, double z, boolean regression) {
        public double baselineRate() {
            return baselineRuns == 0 ? 0 : (double) baselinePassed / baselineRuns;
        }

        public double rate() {
            return runs == 0 ? 0 : (double) passed / runs;
        }
    }

    /** A case a crew passed every time before and fails every time now. */
    public record CaseChange(String caseId, String crew, int baselinePassed, int baselineRuns, int passed, int runs) {}

    /** The comparison: crews in both reports, and cases that went from always passing to never passing. */
    public record Comparison(List<CrewChange> crews, List<CaseChange> regressedCases) {
        public Comparison {
            crews = List.copyOf(crews);
            regressedCases = List.copyOf(regressedCases);
        }

        /** Whether some crew's success rate dropped significantly: the gate fails. */
        public boolean significantDrop() {
            return crews.stream().anyMatch(CrewChange::regression);
        }
    }

    public static Comparison compare(EvalReport current, EvalReport baseline) {
        List<CrewChange> crews = new ArrayList<>();
        for (CrewSummary now : current.crews()) {
            baseline.crews().stream().filter(b -> b.crew().equals(now.crew())).findFirst().ifPresent(then -> {
                double z = dropZ(then.passed(), then.runs(), now.passed(), now.runs());
                crews.add(new CrewChange(now.crew(), then.passed(), then.runs(), now.passed(), now.runs(), z, z > Z_ONE_SIDED_5));
            });
        }
        List<CaseChange> cases = new ArrayList<>();
        for (CaseSummary now : current.cases()) {
            baseline.cases().stream().filter(b -> b.caseId().equals(now.caseId())).findFirst().ifPresent(then ->
                    now.crews().forEach((crew, cell) -> {
                        CaseSummary.Cell before = then.crews().get(crew);
                        if (before != null && before.runs() > 0 && before.passed() == before.runs() && cell.runs() > 0 && cell.passed() == 0) {
                            cases.add(new CaseChange(now.caseId(), crew, before.passed(), before.runs(), cell.passed(), cell.runs()));
                        }
                    }));
        }
        return new Comparison(crews, cases);
    }

    /** The z statistic of the drop from {@code x1/n1} to {@code x2/n2} (pooled standard error); 0 when it cannot be told. */
    static double dropZ(int x1, int n1, int x2, int n2) {
        if (n1 == 0 || n2 == 0) {
            return 0;
        }
        double p1 = (double) x1 / n1;
        double p2 = (double) x2 / n2;
        double pooled = (double) (x1 + x2) / (n1 + n2);
        double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2));
        return se == 0 ? 0 : (p1 - p2) / se;
    }
}
