package dev.cadre.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.cadre.api.CrewSource;
import dev.cadre.api.ModelRegistry;
import dev.cadre.cli.demo.DemoScript;
import dev.cadre.eval.Baselines;
import dev.cadre.eval.Cassette;
import dev.cadre.eval.ReplayTests;
import dev.cadre.eval.CrewSummary;
import dev.cadre.eval.EvalCrew;
import dev.cadre.eval.EvalFile;
import dev.cadre.eval.EvalReport;
import dev.cadre.eval.Evaluation;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.personas.BuiltInCrews;
import dev.cadre.personas.PersonaLibrary;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evals bundled in samples/evals, run as a user runs them (cadre eval ... --crew X --baselines) but on
 * ScriptedModel replies written for this test: what is measured here is the machinery (checks, baselines, budgets,
 * the report), not any model. docs/evaluation.md says how to run them against a real model.
 */
class BundledEvalsTest {

    @TempDir
    Path dir;

    static EvalCrew builtIn(String name) {
        return EvalCrew.load(CrewSource.of(BuiltInCrews.fileName(name), BuiltInCrews.yaml(name)), PersonaLibrary.builtIn());
    }

    /** A built-in crew and its baselines, as {@code cadre eval --crew NAME --baselines} takes them. */
    static List<EvalCrew> withBaselines(String name) {
        EvalCrew crew = builtIn(name);
        List<EvalCrew> crews = new ArrayList<>(List.of(crew));
        crews.addAll(Baselines.of(crew));
        return crews;
    }

    /** The right answer of each arithmetic case, by a phrase of its question. */
    static final Map<String, String> ANSWERS = Map.of("4 model calls per agent", "24", "12,500 input tokens", "0.009",
            "5 steps of 2 events", "12", "7 of 9 debaters", "0.22", "divisible by 4", "60", "Ada is older", "Cleo");

    private static ModelRegistry answering() {
        ScriptedModel.Builder model = ScriptedModel.builder();
        ANSWERS.forEach((phrase, answer) -> model.when(request -> request.messages().toString().contains(phrase),
                Reply.text("{\"answer\": \"" + answer + "\", \"reasons\": \"worked it out\"}").withUsage(200, 20)));
        return ModelRegistry.of("scripted:model", model.build());
    }

    @Test
    void theArithmeticEvalComparesTheDebateWithItsBaselines() {
        EvalFile file = EvalFile.load(Path.of("evals/arithmetic.yaml"));
        List<EvalCrew> crews = withBaselines("debate");

        EvalReport report = Evaluation.builder(file).crews(crews).modelsPerRun(key -> answering()).journalKey(JournalKey.generate())
                .directory(dir.resolve("arithmetic")).parallel(2).build().run();

        assertThat(report.cases()).hasSize(6);
        assertThat(report.crews()).extracting(CrewSummary::crew, CrewSummary::runs, CrewSummary::passed, CrewSummary::meanModelCalls,
                CrewSummary::meanTokens).containsExactly(
                tuple("debate", 18, 18, 4.0, 880.0),
                tuple("debate-single", 18, 18, 1.0, 220.0),
                tuple("debate-vote", 18, 18, 9.0, 1980.0));
    }

    /** docs/evaluation.md's JUnit example, on a cassette recorded here from scripted replies. */
    @TestFactory
    Stream<DynamicTest> arithmeticStillPasses() {
        Path cassette = dir.resolve("cassette");
        JournalKey key = JournalKey.generate();
        EvalFile file = EvalFile.load(Path.of("evals/arithmetic.yaml"));
        EvalReport recorded = Evaluation.builder(file).crew(builtIn("debate")).modelsPerRun(k -> answering()).journalKey(key)
                .directory(dir.resolve("recorded")).build().run();
        Cassette.record(recorded, dir.resolve("recorded"), key, cassette);

        // as in the docs, with the cassette's path
        EvalCrew debate = EvalCrew.load(CrewSource.of(BuiltInCrews.fileName("debate"), BuiltInCrews.yaml("debate")),
                PersonaLibrary.builtIn());
        return ReplayTests.of(EvalFile.load(Path.of("evals/arithmetic.yaml")), List.of(debate), cassette);
    }

    @Test
    void theBuggyProjectsEvalComparesTheCoderAndReviewerWithTheCoderAlone() {
        EvalFile file = EvalFile.load(Path.of("evals/buggy-projects.yaml"));
        List<EvalCrew> crews = withBaselines("coder-reviewer");
        String tests = DemoScript.json("command", "java tests/RunTests.java");
        List<Reply> fix = List.of(
                Reply.toolCall("run_command", tests).withUsage(400, 30),
                Reply.toolCall("workspace_edit", DemoScript.json("path", "src/Stats.java",
                        "old_text", "(sorted[middle - 1] + sorted[middle]) / 2;", "new_text", "(sorted[middle - 1] + sorted[middle]) / 2.0;"))
                        .withUsage(900, 60),
                Reply.toolCall("run_command", tests).withUsage(1000, 20),
                Reply.text("median divided two ints; dividing by 2.0 keeps the half. All 4 checks pass.").withUsage(1100, 40));
        // The coder alone is scripted to claim a fix it did not make: the checks, not its words, decide.
        List<Reply> claim = List.of(Reply.text("Fixed median.").withUsage(400, 10));

        EvalReport report = Evaluation.builder(file).crews(crews).repeat(1).journalKey(JournalKey.generate()).directory(dir.resolve("buggy"))
                .modelsPerRun(key -> ModelRegistry.of("scripted:model", ScriptedModel.builder()
                        .atStep("coder-reviewer/review-loop/iteration-1/code", fix.toArray(Reply[]::new))
                        .atStep("coder-reviewer/review-loop/iteration-1/review", Reply.toolCall("run_command", tests).withUsage(500, 20),
                                Reply.text("{\"verdict\":\"APPROVED\",\"feedback\":\"The tests pass.\"}").withUsage(700, 30))
                        .atStep("coder-reviewer/summary", Reply.text("median keeps halves now; the reviewer ran the tests.").withUsage(300, 30))
                        .atStep("code", claim.toArray(Reply[]::new))
                        .build()))
                .build().run();

        assertThat(report.crews()).extracting(CrewSummary::crew, CrewSummary::passed, CrewSummary::meanModelCalls, CrewSummary::failures)
                .containsExactly(
                        tuple("coder-reviewer", 1, 7.0, Map.of()),
                        tuple("coder-reviewer-alone", 0, 1.0, Map.of("commands_pass", 1)));
        assertThat(report.runs().get(1).failure()).startsWith("'java tests/RunTests.java' exited with code 1.")
                .contains("FAILED median of an even count: expected 2.5, got 2.0");
        assertThat(report.runs().get(0).checks()).extracting(c -> c.kind() + " " + c.passed())
                .containsExactly("commands_pass true", "files_changed true", "files_unchanged true");
    }
}
