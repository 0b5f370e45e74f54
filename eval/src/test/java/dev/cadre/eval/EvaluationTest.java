package dev.cadre.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.cadre.api.Budget;
import dev.cadre.orchestrator.journal.JournalKey;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluationTest {

    @TempDir
    Path dir;

    final JournalKey key = JournalKey.generate();
    final Fixtures fixtures = new Fixtures();

    private Evaluation.Builder evaluation(Fixtures models) {
        return Evaluation.builder(Fixtures.eval()).crew(Fixtures.crew("alpha", "alpha")).crew(Fixtures.crew("beta", "beta"))
                .modelsPerRun(models::modelFor).prices(Fixtures.PRICES).journalKey(key).directory(dir.resolve("eval"));
    }

    @Test
    void reportsSuccessWithItsIntervalTokensCostAndFailuresPerCrew() {
        EvalReport report = evaluation(fixtures).build().run();

        CrewSummary alpha = report.crew("alpha");
        assertThat(alpha.runs()).isEqualTo(6);
        assertThat(alpha.passed()).isEqualTo(6);
        assertThat(alpha.successRate()).isEqualTo(1.0);
        // The 95% Wilson interval of 6/6 is [0.6097, 1]; of 3/6, [0.1876, 0.8124].
        assertThat(alpha.low()).isCloseTo(0.6097, within(1e-4));
        assertThat(alpha.high()).isEqualTo(1.0);
        assertThat(alpha.meanTokens()).isEqualTo(120.0);
        assertThat(alpha.totalTokens()).isEqualTo(720);
        assertThat(alpha.totalCost()).isEqualByComparingTo("0.84");
        assertThat(alpha.meanCost()).isEqualByComparingTo("0.14");
        assertThat(alpha.meanModelCalls()).isEqualTo(1.0);
        assertThat(alpha.meanSteps()).isEqualTo(1.0);
        assertThat(alpha.failures()).isEmpty();

        CrewSummary beta = report.crew("beta");
        assertThat(beta.passed()).isEqualTo(3);
        assertThat(beta.successRate()).isEqualTo(0.5);
        assertThat(beta.low()).isCloseTo(0.1876, within(1e-4));
        assertThat(beta.high()).isCloseTo(0.8124, within(1e-4));
        assertThat(beta.totalTokens()).isEqualTo(360);
        assertThat(beta.totalCost()).isEqualByComparingTo("0.42");
        assertThat(beta.failures()).containsExactly(java.util.Map.entry("number", 3));

        assertThat(report.cases()).extracting(CaseSummary::caseId).containsExactly("add", "mul");
        assertThat(report.cases().get(1).crews().get("alpha").passed()).isEqualTo(3);
        assertThat(report.cases().get(1).crews().get("beta").passed()).isZero();
        assertThat(report.cases().get(1).crews().get("beta").journals()).containsExactly(
                "runs/mul__beta__r1.jsonl", "runs/mul__beta__r2.jsonl", "runs/mul__beta__r3.jsonl");
        RunRecord wrong = report.runs().stream().filter(r -> r.runId().equals("mul__beta__r2")).findFirst().orElseThrow();
        assertThat(wrong.failure()).isEqualTo("expected 42, got 41");
        assertThat(wrong.checks()).extracting(CheckResult::kind, CheckResult::passed)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("number", false), org.assertj.core.groups.Tuple.tuple("limits", true));
        assertThat(dir.resolve("eval/runs/mul__beta__r2.jsonl")).isNotEmptyFile();
        assertThat(fixtures.models).hasSize(12);
    }

    @Test
    void theMarkdownAndJsonReportsCarryTheNumbers() {
        EvalReport report = evaluation(fixtures).build().run();

        assertThat(report.toMarkdown(null)).contains(
                "| alpha | 6/6 | 100% | 61%–100% | 120 | 0.84 |",
                "| beta | 3/6 | 50% | 19%–81% | 60 | 0.42 |",
                "number 3",
                "| mul | 3/3 | 0/3 |",
                "- mul on beta #1 — number: expected 42, got 41 ([journal](runs/mul__beta__r1.jsonl))");
        EvalReport again = EvalReport.read(write(report.toJson()));
        assertThat(again).isEqualTo(report);
    }

    @Test
    void aResumedEvalDoesNotRunFinishedRunsAgainAndResumesTheInterruptedOne() throws IOException {
        EvalReport first = evaluation(fixtures).build().run();
        // A kill: results.jsonl holds the first five runs and a torn sixth line; the sixth run's journal stops after
        // its model call went out; the runs after it never started.
        Path results = dir.resolve("eval/results.jsonl");
        List<String> lines = Files.readAllLines(results);
        List<String> order = Evaluation.builder(Fixtures.eval()).crew(Fixtures.crew("alpha", "alpha")).crew(Fixtures.crew("beta", "beta"))
                .modelsPerRun(fixtures::modelFor).directory(dir).build().runs().stream().map(RunKey::runId).toList();
        List<String> kept = lines.stream().filter(l -> order.subList(0, 5).stream().anyMatch(id -> l.contains("\"runId\":\"" + id + "\""))).toList();
        assertThat(kept).hasSize(5);
        Files.writeString(results, String.join("\n", kept) + "\n" + lines.get(5).substring(0, 40), StandardCharsets.UTF_8);
        String interrupted = order.get(5);
        Path journal = dir.resolve("eval/runs/" + interrupted + ".jsonl");
        List<String> journalLines = Files.readAllLines(journal);
        int requested = indexOf(journalLines, "\"type\":\"model_requested\"");
        Files.writeString(journal, String.join("\n", journalLines.subList(0, requested + 1)) + "\n");
        for (String later : order.subList(6, order.size())) {
            Files.delete(dir.resolve("eval/runs/" + later + ".jsonl"));
        }

        Fixtures again = new Fixtures();
        List<String> told = new CopyOnWriteArrayList<>();
        EvalReport resumed = evaluation(again).progress((record, done, total) -> told.add(done + "/" + total)).build().run();

        assertThat(again.models.keySet()).extracting(RunKey::runId).containsExactlyInAnyOrderElementsOf(order.subList(5, order.size()));
        assertThat(again.models.get(new RunKey("mul", "alpha", 3)).requests()).hasSize(1);
        assertThat(told).hasSize(12).contains("1/12", "12/12");
        assertThat(resumed.crews()).extracting(CrewSummary::crew, CrewSummary::passed, CrewSummary::totalTokens, CrewSummary::totalCost,
                CrewSummary::failures).isEqualTo(first.crews().stream().map(c -> org.assertj.core.groups.Tuple.tuple(c.crew(), c.passed(),
                c.totalTokens(), c.totalCost(), c.failures())).toList());
        assertThat(resumed.crew("alpha").passed()).isEqualTo(6);
        assertThat(resumed.crew("beta").passed()).isEqualTo(3);
        assertThat(resumed.crew("alpha").totalTokens()).isEqualTo(720);
        assertThat(Files.readAllLines(dir.resolve("eval/runs/" + interrupted + ".jsonl")).get(requested))
                .contains("\"type\":\"model_requested\"");

        Fixtures third = new Fixtures();
        assertThat(evaluation(third).build().run().crews()).isEqualTo(resumed.crews());
        assertThat(third.models).as("a third eval finds every run finished").isEmpty();
    }

    @Test
    void aBudgetPerCaseStopsRunsAndCountsAsABudgetFailure() {
        EvalReport report = evaluation(fixtures).budgetPerCase(Budget.UNLIMITED.withMaxModelCalls(0)).repeat(1).build().run();

        assertThat(report.crew("alpha").passed()).isZero();
        assertThat(report.crew("alpha").failures()).containsExactly(java.util.Map.entry("budget", 2));
        assertThat(report.runs().get(0).failure()).contains("Budget exceeded");
        assertThat(fixtures.models.values()).allSatisfy(m -> assertThat(m.requests()).isEmpty());
    }

    @Test
    void resultsOfAnotherVersionOfTheEvalAreNotReused() {
        evaluation(fixtures).repeat(1).build().run();
        EvalFile changed = EvalFile.parse("arithmetic.yaml", Fixtures.EVAL.replace("What is 2 + 3?", "What is 3 + 2?"), Path.of("."));

        assertThatThrownBy(() -> Evaluation.builder(changed).crew(Fixtures.crew("alpha", "alpha")).modelsPerRun(fixtures::modelFor)
                .journalKey(key).directory(dir.resolve("eval")).build().run())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("were made from another version of arithmetic.yaml")
                .hasMessageContaining("choose another one (--out)");
    }

    @Test
    void runsGoInParallelWhenAsked() {
        EvalReport report = evaluation(fixtures).parallel(4).build().run();

        assertThat(report.runs()).hasSize(12);
        assertThat(report.runs()).extracting(RunRecord::runId).startsWith("add__alpha__r1", "add__alpha__r2", "add__alpha__r3", "add__beta__r1");
    }

    @Test
    void twoCrewsOfOneNameAreRefused() {
        assertThatThrownBy(() -> Evaluation.builder(Fixtures.eval()).crew(Fixtures.crew("alpha", "alpha")).crew(Fixtures.crew("alpha", "beta"))
                .modelsPerRun(fixtures::modelFor).directory(dir).build())
                .hasMessage("Eval 'arithmetic' is given two crews named 'alpha': rename one (e.g. --crew other.yaml=other-name).");
    }

    private Path write(String json) {
        try {
            return Files.writeString(dir.resolve("report.json"), json);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        throw new AssertionError("no line with " + text);
    }
}
