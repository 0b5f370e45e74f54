package dev.cadre.eval.internal;

import dev.cadre.eval.CaseSummary;
import dev.cadre.eval.CrewSummary;
import dev.cadre.eval.EvalCase;
import dev.cadre.eval.EvalFile;
import dev.cadre.eval.EvalReport;
import dev.cadre.eval.RunRecord;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The numbers of a report, computed from its runs. */
public final class Summaries {

    /** The normal quantile of a two-sided 95% interval. */
    static final double Z95 = 1.959963984540054;

    private Summaries() {}

    public static EvalReport report(EvalFile file, List<String> crewNames, List<RunRecord> runs) {
        List<String> caseOrder = file.cases().stream().map(EvalCase::id).toList();
        List<RunRecord> sorted = new ArrayList<>(runs);
        sorted.sort(Comparator.comparingInt((RunRecord r) -> caseOrder.indexOf(r.caseId()))
                .thenComparingInt(r -> crewNames.indexOf(r.crew())).thenComparingInt(RunRecord::repeat));
        List<CrewSummary> crews = new ArrayList<>();
        for (String crew : crewNames) {
            crews.add(crew(crew, sorted.stream().filter(r -> r.crew().equals(crew)).toList()));
        }
        List<CaseSummary> cases = new ArrayList<>();
        for (String id : caseOrder) {
            Map<String, CaseSummary.Cell> cells = new LinkedHashMap<>();
            for (String crew : crewNames) {
                List<RunRecord> mine = sorted.stream().filter(r -> r.caseId().equals(id) && r.crew().equals(crew)).toList();
                cells.put(crew, new CaseSummary.Cell((int) mine.stream().filter(RunRecord::passed).count(), mine.size(),
                        mine.stream().map(RunRecord::journal).toList()));
            }
            cases.add(new CaseSummary(id, cells));
        }
        return new EvalReport(file.name(), file.sha256(), crews, cases, sorted);
    }

    static CrewSummary crew(String crew, List<RunRecord> runs) {
        int n = runs.size();
        int passed = (int) runs.stream().filter(RunRecord::passed).count();
        double[] interval = wilson(passed, n);
        long tokens = runs.stream().mapToLong(RunRecord::tokens).sum();
        BigDecimal cost = runs.stream().map(RunRecord::cost).reduce(BigDecimal.ZERO, BigDecimal::add);
        Map<String, Integer> failures = new TreeMap<>();
        runs.stream().filter(r -> !r.passed()).forEach(r -> failures.merge(r.failureKind(), 1, Integer::sum));
        return new CrewSummary(crew, n, passed, n == 0 ? 0 : (double) passed / n, interval[0], interval[1], mean(tokens, n), tokens,
                cost.stripTrailingZeros(), n == 0 ? BigDecimal.ZERO : cost.divide(BigDecimal.valueOf(n), 8, RoundingMode.HALF_UP).stripTrailingZeros(),
                mean(runs.stream().mapToLong(RunRecord::millis).sum(), n), mean(runs.stream().mapToLong(RunRecord::steps).sum(), n),
                mean(runs.stream().mapToLong(RunRecord::modelCalls).sum(), n), failures);
    }

    /**
     * The 95% Wilson score interval of a proportion {@code passed / n}: unlike the normal approximation it stays within
     * [0, 1] and is honest for small samples and rates near 0 or 1. {0, 1} when there are no runs.
     */
    public static double[] wilson(int passed, int n) {
        if (n == 0) {
            return new double[] {0, 1};
        }
        double p = (double) passed / n;
        double z2 = Z95 * Z95;
        double denominator = 1 + z2 / n;
        double centre = (p + z2 / (2.0 * n)) / denominator;
        double half = Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denominator;
        return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
    }

    private static double mean(long total, int n) {
        return n == 0 ? 0 : (double) total / n;
    }
}
