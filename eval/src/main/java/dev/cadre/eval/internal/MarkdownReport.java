package dev.cadre.eval.internal;

import dev.cadre.eval.Baseline;
import dev.cadre.eval.CaseSummary;
import dev.cadre.eval.CrewSummary;
import dev.cadre.eval.EvalReport;
import dev.cadre.eval.RunRecord;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** An eval report as Markdown, for CI logs and pull requests. */
public final class MarkdownReport {

    /** How much of a failure's sentence is shown: a divergence says what changed, which takes room. */
    private static final int FAILURE_SHOWN = 600;

    private MarkdownReport() {}

    public static String render(EvalReport report, Baseline.Comparison comparison) {
        StringBuilder md = new StringBuilder();
        md.append("# Eval: ").append(report.eval()).append("\n\n");
        md.append("| crew | passed | success | 95% interval | tokens/run | cost | wall time/run | steps/run | model calls/run | failures |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (CrewSummary c : report.crews()) {
            md.append("| ").append(cell(c.crew())).append(" | ").append(c.passed()).append('/').append(c.runs())
                    .append(" | ").append(percent(c.successRate())).append(" | ").append(percent(c.low())).append('–').append(percent(c.high()))
                    .append(" | ").append(Math.round(c.meanTokens())).append(" | ").append(c.totalCost().toPlainString())
                    .append(" | ").append(seconds(c.meanMillis())).append(" | ").append(one(c.meanSteps()))
                    .append(" | ").append(one(c.meanModelCalls())).append(" | ").append(failures(c.failures())).append(" |\n");
        }
        if (comparison != null) {
            md.append("\n## Against the baseline\n\n");
            if (comparison.crews().isEmpty()) {
                md.append("No crew of this eval is in the baseline.\n");
            }
            for (Baseline.CrewChange change : comparison.crews()) {
                md.append("- ").append(change.regression() ? "**REGRESSION** " : "").append(change.crew()).append(": ")
                        .append(change.baselinePassed()).append('/').append(change.baselineRuns()).append(" → ")
                        .append(change.passed()).append('/').append(change.runs())
                        .append(String.format(Locale.ROOT, " (z = %.2f%s)", change.z(), change.regression() ? ", a significant drop" : "")).append('\n');
            }
            for (Baseline.CaseChange change : comparison.regressedCases()) {
                md.append("- case ").append(change.caseId()).append(" on ").append(change.crew()).append(": passed ")
                        .append(change.baselinePassed()).append('/').append(change.baselineRuns()).append(", now ")
                        .append(change.passed()).append('/').append(change.runs()).append('\n');
            }
        }
        md.append("\n## Cases\n\n| case |");
        report.crews().forEach(c -> md.append(' ').append(cell(c.crew())).append(" |"));
        md.append("\n|---|");
        report.crews().forEach(c -> md.append("---|"));
        md.append('\n');
        for (CaseSummary c : report.cases()) {
            md.append("| ").append(cell(c.caseId())).append(" |");
            c.crews().values().forEach(cell -> md.append(' ').append(cell.passed()).append('/').append(cell.runs()).append(" |"));
            md.append('\n');
        }
        String failed = report.runs().stream().filter(r -> !r.passed()).map(MarkdownReport::failure).collect(Collectors.joining());
        if (!failed.isEmpty()) {
            md.append("\n## Runs that did not pass\n\n").append(failed);
        }
        return md.toString();
    }

    private static String failure(RunRecord r) {
        return "- " + r.caseId() + " on " + r.crew() + " #" + r.repeat() + " — " + r.failureKind() + ": " + Checks.shorten(r.failure(), FAILURE_SHOWN)
                + " ([journal](" + r.journal() + "))\n";
    }

    private static String failures(Map<String, Integer> failures) {
        return failures.isEmpty() ? "none" : failures.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }

    static String percent(double rate) {
        return String.format(Locale.ROOT, "%.0f%%", rate * 100);
    }

    static String seconds(double millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1000);
    }

    private static String one(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }
}
