package dev.cadre.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BaselineTest {

    static final EvalFile FILE = Fixtures.eval();

    /** A report of crew "alpha": {@code passedAdd} of {@code n} runs of "add" passed, and {@code passedMul} of "mul". */
    static EvalReport report(int n, int passedAdd, int passedMul) {
        List<RunRecord> runs = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            runs.add(run("add", i, i <= passedAdd));
            runs.add(run("mul", i, i <= passedMul));
        }
        return EvalReport.of(FILE, List.of("alpha"), runs);
    }

    private static RunRecord run(String caseId, int repeat, boolean passed) {
        return new RunRecord(caseId, "alpha", repeat, caseId + "__alpha__r" + repeat, "SUCCEEDED", passed, passed ? null : "number",
                passed ? null : "expected 42, got 41", List.of(), 10, 5, BigDecimal.ZERO, 1, 1, 3, "runs/x.jsonl");
    }

    @Test
    void aLargeDropIsASignificantRegression() {
        Baseline.Comparison comparison = Baseline.compare(report(5, 5, 0), report(5, 5, 5));

        assertThat(comparison.significantDrop()).isTrue();
        Baseline.CrewChange change = comparison.crews().get(0);
        assertThat(change.baselineRate()).isEqualTo(1.0);
        assertThat(change.rate()).isEqualTo(0.5);
        // pooled p = 15/20, se = sqrt(0.75 * 0.25 * (1/10 + 1/10)) = 0.19365; z = 0.5 / 0.19365
        assertThat(change.z()).isCloseTo(2.582, within(1e-3));
        assertThat(comparison.regressedCases()).containsExactly(new Baseline.CaseChange("mul", "alpha", 5, 5, 0, 5));
    }

    @Test
    void aSmallDropOnFewRunsIsNotSignificant() {
        Baseline.Comparison comparison = Baseline.compare(report(2, 2, 1), report(2, 2, 2));

        assertThat(comparison.significantDrop()).isFalse();
        assertThat(comparison.crews().get(0).z()).isCloseTo(1.069, within(1e-3));
        assertThat(comparison.regressedCases()).isEmpty();
    }

    @Test
    void anImprovementOrACrewMissingFromTheBaselineIsNoRegression() {
        assertThat(Baseline.compare(report(5, 5, 5), report(5, 5, 0)).significantDrop()).isFalse();
        EvalReport other = EvalReport.of(FILE, List.of("beta"), List.of());
        assertThat(Baseline.compare(other, report(5, 5, 5)).crews()).isEmpty();
    }

    @Test
    void theMarkdownMarksTheRegression() {
        EvalReport now = report(5, 5, 0);
        String md = now.toMarkdown(Baseline.compare(now, report(5, 5, 5)));

        assertThat(md).contains("- **REGRESSION** alpha: 10/10 → 5/10 (z = 2.58, a significant drop)",
                "- case mul on alpha: passed 5/5, now 0/5");
    }

    @Test
    void aReportReadBackComparesAsItWasWritten() throws Exception {
        EvalReport then = report(4, 4, 3);
        Path file = java.nio.file.Files.writeString(java.nio.file.Files.createTempFile("baseline", ".json"), then.toJson());
        assertThat(EvalReport.read(file)).isEqualTo(then);
    }
}
