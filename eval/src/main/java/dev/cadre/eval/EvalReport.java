package dev.cadre.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cadre.api.CadreJson;
import dev.cadre.eval.internal.HtmlReport;
import dev.cadre.eval.internal.MarkdownReport;
import dev.cadre.eval.internal.Summaries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The result of an eval: per crew its success rate with a 95% interval, tokens, cost, time, steps, model calls and
 * failures by kind; per case which crews passed; every run. Written as JSON (the input of a later
 * {@code --baseline}) and Markdown (for CI logs).
 *
 * @param eval       the eval's name
 * @param evalSha256 the digest of the eval file it was made from
 * @param crews      per crew, in the order they were given
 * @param cases      per case, in the eval file's order
 * @param runs       every run, by case, crew and repetition
 */
public record EvalReport(String eval, String evalSha256, List<CrewSummary> crews, List<CaseSummary> cases, List<RunRecord> runs) {

    public EvalReport {
        crews = List.copyOf(crews);
        cases = List.copyOf(cases);
        runs = List.copyOf(runs);
    }

    /** The report of these runs, crews and cases in the given order. */
    public static EvalReport of(EvalFile file, List<String> crewNames, List<RunRecord> runs) {
        return Summaries.report(file, crewNames, runs);
    }

    /** The summary of one crew. */
    public CrewSummary crew(String name) {
        return crews.stream().filter(c -> c.crew().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("The report of eval '" + eval + "' has no crew '" + name + "'."));
    }

    /** The report as Markdown; with a baseline comparison, its changes and regressions too (null: none). */
    public String toMarkdown(Baseline.Comparison comparison) {
        return MarkdownReport.render(this, comparison);
    }

    /**
     * The report as one self-contained HTML page (inline styles and SVG charts, no script, nothing fetched): success
     * against cost, the crews' table, the per-case matrix with links to journals; with a comparison, its changes.
     */
    public String toHtml(Baseline.Comparison comparison) {
        return HtmlReport.render(this, comparison);
    }

    public String toJson() {
        try {
            return mapper().writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a report written by {@link #toJson()} (e.g. a previous CI run's, for {@code --baseline}). */
    public static EvalReport read(Path file) {
        try {
            return mapper().readValue(Files.readString(file), EvalReport.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read the eval report " + file + ": " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    private static ObjectMapper mapper() {
        return CadreJson.newMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }
}
