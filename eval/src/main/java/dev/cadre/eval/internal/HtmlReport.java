package dev.cadre.eval.internal;

import dev.cadre.eval.Baseline;
import dev.cadre.eval.CaseSummary;
import dev.cadre.eval.CrewSummary;
import dev.cadre.eval.EvalReport;
import dev.cadre.eval.RunRecord;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * An eval report as one self-contained HTML page: styles inline, charts as inline SVG, no script, nothing fetched.
 * A scatter of success against cost per run (tokens per run when no prices are set), with each crew's 95% interval
 * as a bar; a per-crew table; a per-case matrix linking to the runs' journals; the runs that did not pass.
 */
public final class HtmlReport {

    private static final int W = 640;
    private static final int H = 360;
    private static final int LEFT = 60;
    private static final int BOTTOM = 40;
    private static final int TOP = 20;
    private static final int RIGHT = 150;
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"};

    private HtmlReport() {}

    public static String render(EvalReport report, Baseline.Comparison comparison) {
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">")
                .append("<title>Eval: ").append(esc(report.eval())).append("</title><style>")
                .append("body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:12px 0}")
                .append("th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}th:first-child,td:first-child{text-align:left}")
                .append(".all{background:#c8e6c9}.some{background:#fff3c4}.none{background:#ffcdd2}.regression{color:#b71c1c;font-weight:bold}")
                .append("svg text{font:12px system-ui,sans-serif}</style></head><body>\n");
        html.append("<h1>Eval: ").append(esc(report.eval())).append("</h1>\n");
        html.append(scatter(report.crews())).append('\n');
        html.append("<table data-test=\"crews\"><tr><th>crew</th><th>passed</th><th>success</th><th>95% interval</th><th>tokens/run</th>")
                .append("<th>cost</th><th>wall time/run</th><th>steps/run</th><th>model calls/run</th><th>failures</th></tr>\n");
        for (CrewSummary c : report.crews()) {
            html.append("<tr data-crew=\"").append(esc(c.crew())).append("\"><td>").append(esc(c.crew())).append("</td><td>").append(c.passed())
                    .append('/').append(c.runs()).append("</td><td>").append(MarkdownReport.percent(c.successRate())).append("</td><td>")
                    .append(MarkdownReport.percent(c.low())).append("–").append(MarkdownReport.percent(c.high())).append("</td><td>")
                    .append(Math.round(c.meanTokens())).append("</td><td>").append(c.totalCost().toPlainString()).append("</td><td>")
                    .append(MarkdownReport.seconds(c.meanMillis())).append("</td><td>").append(one(c.meanSteps())).append("</td><td>")
                    .append(one(c.meanModelCalls())).append("</td><td>").append(esc(c.failures().isEmpty() ? "none" : c.failures().entrySet().stream()
                            .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")))).append("</td></tr>\n");
        }
        html.append("</table>\n");
        if (comparison != null) {
            html.append("<h2>Against the baseline</h2><ul data-test=\"baseline\">");
            for (Baseline.CrewChange change : comparison.crews()) {
                html.append("<li").append(change.regression() ? " class=\"regression\"" : "").append('>').append(change.regression() ? "REGRESSION " : "")
                        .append(esc(change.crew())).append(": ").append(change.baselinePassed()).append('/').append(change.baselineRuns())
                        .append(" → ").append(change.passed()).append('/').append(change.runs())
                        .append(String.format(Locale.ROOT, " (z = %.2f)", change.z())).append("</li>");
            }
            html.append("</ul>\n");
        }
        html.append("<h2>Cases</h2><table data-test=\"cases\"><tr><th>case</th>");
        report.crews().forEach(c -> html.append("<th>").append(esc(c.crew())).append("</th>"));
        html.append("</tr>\n");
        for (CaseSummary c : report.cases()) {
            html.append("<tr><td>").append(esc(c.caseId())).append("</td>");
            c.crews().forEach((crew, cell) -> {
                String kind = cell.runs() == 0 ? "" : cell.passed() == cell.runs() ? "all" : cell.passed() == 0 ? "none" : "some";
                html.append("<td class=\"").append(kind).append("\">").append(cell.passed()).append('/').append(cell.runs());
                for (int i = 0; i < cell.journals().size(); i++) {
                    html.append(" <a href=\"").append(esc(cell.journals().get(i))).append("\">#").append(i + 1).append("</a>");
                }
                html.append("</td>");
            });
            html.append("</tr>\n");
        }
        html.append("</table>\n");
        List<RunRecord> failed = report.runs().stream().filter(r -> !r.passed()).toList();
        if (!failed.isEmpty()) {
            html.append("<h2>Runs that did not pass</h2><ul data-test=\"failures\">");
            failed.forEach(r -> html.append("<li>").append(esc(r.caseId() + " on " + r.crew() + " #" + r.repeat())).append(" — <b>")
                    .append(esc(r.failureKind())).append("</b>: ").append(esc(Checks.shorten(r.failure(), 600))).append(" (<a href=\"")
                    .append(esc(r.journal())).append("\">journal</a>)</li>"));
            html.append("</ul>\n");
        }
        return html.append("</body></html>\n").toString();
    }

    /** Success rate (with its interval) against cost per run, or tokens per run when nothing was priced. */
    private static String scatter(List<CrewSummary> crews) {
        boolean priced = crews.stream().anyMatch(c -> c.meanCost().signum() > 0);
        double max = crews.stream().mapToDouble(c -> x(c, priced)).max().orElse(0);
        double top = max <= 0 ? 1 : max * 1.1;
        int plotW = W - LEFT - RIGHT;
        int plotH = H - TOP - BOTTOM;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg data-test=\"scatter\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(W).append("\" height=\"").append(H)
                .append("\" viewBox=\"0 0 ").append(W).append(' ').append(H).append("\" role=\"img\" aria-label=\"success against ")
                .append(priced ? "cost" : "tokens").append(" per run\">");
        svg.append(line(LEFT, TOP, LEFT, TOP + plotH)).append(line(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH));
        for (int pct = 0; pct <= 100; pct += 25) {
            double y = TOP + plotH - plotH * pct / 100.0;
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%d%%</text>", LEFT - 6, y + 4, pct))
                    .append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>", LEFT + 1, y, LEFT + plotW, y));
        }
        for (int i = 0; i <= 4; i++) {
            double value = top * i / 4;
            double x = LEFT + plotW * i / 4.0;
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>", x, TOP + plotH + 16,
                    priced ? BigDecimal.valueOf(value).setScale(4, java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString()
                            : String.valueOf(Math.round(value))));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s per run</text>", LEFT + plotW / 2, H - 4,
                priced ? "cost" : "tokens"));
        for (int i = 0; i < crews.size(); i++) {
            CrewSummary c = crews.get(i);
            String colour = COLOURS[i % COLOURS.length];
            double x = LEFT + plotW * x(c, priced) / top;
            double y = TOP + plotH - plotH * c.successRate();
            double yLow = TOP + plotH - plotH * c.low();
            double yHigh = TOP + plotH - plotH * c.high();
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"/>",
                    x, yLow, x, yHigh, colour));
            svg.append(String.format(Locale.ROOT, "<circle data-crew=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"6\" fill=\"%s\"><title>%s: %s, %s per run</title></circle>",
                    esc(c.crew()), x, y, colour, esc(c.crew()), MarkdownReport.percent(c.successRate()),
                    priced ? c.meanCost().toPlainString() : Math.round(c.meanTokens()) + " tokens"));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">● %s</text>", LEFT + plotW + 16, TOP + 16 + 18 * i, colour,
                    esc(c.crew())));
        }
        return svg.append("</svg>").toString();
    }

    private static double x(CrewSummary c, boolean priced) {
        return priced ? c.meanCost().doubleValue() : c.meanTokens();
    }

    private static String line(int x1, int y1, int x2, int y2) {
        return "<line x1=\"" + x1 + "\" y1=\"" + y1 + "\" x2=\"" + x2 + "\" y2=\"" + y2 + "\" stroke=\"#444\"/>";
    }

    private static String one(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    static String esc(String text) {
        if (text == null) {
            return "";
        }
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }
}
