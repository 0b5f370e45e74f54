package dev.cadre.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.cadre.api.CrewSource;
import dev.cadre.api.ModelRegistry;
import dev.cadre.cli.demo.DemoScript;
import dev.cadre.eval.Baselines;
import dev.cadre.eval.Cassette;
import dev.cadre.eval.Check;
import dev.cadre.eval.ReplayTests;
import dev.cadre.eval.CrewSummary;
import dev.cadre.eval.EvalCrew;
import dev.cadre.eval.EvalFile;
import dev.cadre.eval.EvalReport;
import dev.cadre.eval.Evaluation;
import dev.cadre.eval.RunRecord;
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

    @Test
    void theExplanationsEvalAddsAJudgesOpinionBesideTheChecksAndCountsItApart() {
        EvalFile file = EvalFile.load(Path.of("evals/explanations.yaml"));
        Check.Judge rubric = (Check.Judge) file.caseNamed("quorum").checks().get(1);
        assertThat(rubric.persona().id()).isEqualTo("rubric-judge");
        String verdict = "{\"criteria\": [" + rubric.criteria().stream().map(c -> "{\"criterion\": \"" + c + "\", \"score\": 5, \"reason\": \"Met.\"}")
                .collect(java.util.stream.Collectors.joining(", ")) + "], \"score\": 5, \"summary\": \"Clear.\"}";
        Map<String, String> answers = Map.of("retried at most 2 times", "7000", "strict majority", "3", "at most 8,000 tokens", "4");

        EvalReport report = Evaluation.builder(file).crew(builtIn("debate")).journalKey(JournalKey.generate()).directory(dir.resolve("explanations"))
                .modelsPerRun(key -> {
                    ScriptedModel.Builder model = ScriptedModel.builder()
                            .when(request -> request.messages().toString().contains("## The rubric"), Reply.text(verdict).withUsage(500, 80));
                    answers.forEach((phrase, answer) -> model.when(request -> request.messages().toString().contains(phrase),
                            Reply.text("{\"answer\": " + answer + ", \"reasons\": \"It follows from the numbers.\"}").withUsage(200, 20)));
                    return ModelRegistry.of("scripted:model", model.build());
                }).build().run();

        assertThat(report.crews()).extracting(CrewSummary::crew, CrewSummary::runs, CrewSummary::passed, CrewSummary::meanTokens,
                CrewSummary::judgeTokens).containsExactly(tuple("debate", 9, 9, 880.0, 9 * 580L));
        assertThat(report.runs()).allSatisfy(run -> assertThat(run.opinions()).singleElement()
                .satisfies(o -> assertThat(o.score()).isEqualByComparingTo("5")));
        assertThat(report.toMarkdown(null)).contains("## Judge's opinions", "| debate | 9 | 9/9 | 5220 | 0 |");
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

    /** A project's bug as the test fixes it: the file, the buggy text, the fixed text, and its test commands. */
    record Fix(String file, String buggy, String fixed, List<String> tests) {}

    /** The fix of each case of buggy-projects.yaml. */
    static final Map<String, Fix> FIXES = Map.of(
            "stats-median", new Fix("src/Stats.java", "(sorted[middle - 1] + sorted[middle]) / 2;", "(sorted[middle - 1] + sorted[middle]) / 2.0;",
                    List.of("java tests/RunTests.java")),
            "pager-first-page", new Fix("src/pager.py", "start = number * per_page", "start = (number - 1) * per_page",
                    List.of("python3 -B -m unittest discover -s tests")),
            "slugify-spaces", new Fix("src/slugify.js", ".replace(' ', '-')", ".replace(/[\\s-]+/g, '-')",
                    List.of("node --test tests/slugify.test.js")),
            "money-split", new Fix("src/Money.java", "Arrays.fill(shares, cents / parts);",
                    "Arrays.fill(shares, cents / parts);\n        for (int i = 0; i < cents % parts; i++) {\n            shares[i]++;\n        }",
                    List.of("javac -d build src/Money.java tests/MoneyTest.java", "java -cp build MoneyTest")));

    /** The eval's own crew (crews/coder-reviewer.yaml: the built-in, allowed to run every project's tests) and its coder alone. */
    static List<EvalCrew> coderReviewerWithBaselines() throws java.io.IOException {
        Path file = Path.of("evals/crews/coder-reviewer.yaml");
        EvalCrew crew = EvalCrew.load(CrewSource.of(file.toString(), java.nio.file.Files.readString(file)), PersonaLibrary.builtIn());
        List<EvalCrew> crews = new ArrayList<>(List.of(crew));
        crews.addAll(Baselines.of(crew));
        return crews;
    }

    /**
     * Every bundled buggy project, both ways: the coder and reviewer apply the project's fix (scripted here) and its
     * tests pass; the coder alone only claims a fix, so the untouched project's tests fail, with their own output.
     */
    @Test
    void theBuggyProjectsFailUntouchedAndPassFixed() throws Exception {
        EvalFile file = EvalFile.load(Path.of("evals/buggy-projects.yaml"));
        assertThat(file.cases()).extracting(c -> c.id()).containsExactlyInAnyOrderElementsOf(FIXES.keySet());
        assertThat(file.crews()).containsExactly("crews/coder-reviewer.yaml");

        EvalReport report = Evaluation.builder(file).crews(coderReviewerWithBaselines()).repeat(1).journalKey(JournalKey.generate())
                .directory(dir.resolve("buggy")).environment(outsideHome(System.getenv()))
                .modelsPerRun(key -> fixing(FIXES.get(key.caseId()))).build().run();

        assertThat(report.crews()).as(report.toMarkdown(null))
                .extracting(CrewSummary::crew, CrewSummary::passed, CrewSummary::meanModelCalls, CrewSummary::failures)
                .containsExactly(
                        tuple("coder-reviewer", 4, 6.5, Map.of()),
                        tuple("coder-reviewer-alone", 0, 1.0, Map.of("commands_pass", 4)));
        for (RunRecord run : report.runs()) {
            Fix fix = FIXES.get(run.caseId());
            if (run.crew().equals("coder-reviewer")) {
                assertThat(run.checks()).as(run.runId()).extracting(c -> c.kind() + " " + c.passed())
                        .containsExactly("commands_pass true", "files_changed true", "files_unchanged true");
            } else {
                assertThat(run.failure()).as(run.runId()).startsWith("'" + fix.tests().get(fix.tests().size() - 1) + "' exited with code 1.");
            }
        }
        assertThat(failure(report, "stats-median")).contains("FAILED median of an even count: expected 2.5, got 2.0");
        assertThat(failure(report, "pager-first-page")).contains("FAILED (failures=2)");
        assertThat(failure(report, "slugify-spaces")).contains("# duration_ms");
        assertThat(failure(report, "money-split")).contains("FAILED the remainder goes to the first shares: expected [34, 33, 33], got [33, 33, 33]");
    }

    /**
     * The environment with a PATH of the directories outside the home and /tmp: where bubblewrap confines commands
     * (as in CI), those are hidden, so a python3 or node found there (pyenv or nvm shims) could not run.
     */
    static Map<String, String> outsideHome(Map<String, String> env) {
        Map<String, String> copy = new java.util.HashMap<>(env);
        String home = System.getProperty("user.home");
        copy.put("PATH", java.util.Arrays.stream(env.getOrDefault("PATH", "/usr/bin:/bin").split(java.io.File.pathSeparator))
                .filter(d -> !d.startsWith(home) && !d.startsWith("/tmp/")).collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator)));
        return copy;
    }

    private static String failure(EvalReport report, String caseId) {
        return report.runs().stream().filter(r -> r.caseId().equals(caseId) && r.crew().equals("coder-reviewer-alone")).findFirst()
                .orElseThrow().failure();
    }

    /**
     * The scripted replies for one project: the coder runs the first test command, applies the fix and says so; the
     * reviewer runs every test command and approves; the writer sums up. The coder alone claims a fix it did not make.
     */
    private static ModelRegistry fixing(Fix fix) {
        List<Reply> coder = List.of(
                Reply.toolCall("run_command", DemoScript.json("command", fix.tests().get(0))).withUsage(400, 30),
                Reply.toolCall("workspace_edit", DemoScript.json("path", fix.file(), "old_text", fix.buggy(), "new_text", fix.fixed())).withUsage(900, 60),
                Reply.text("Fixed " + fix.file() + "; the tests pass.").withUsage(1100, 40));
        if (fix.file().equals("src/Stats.java")) {
            coder = List.of(coder.get(0), coder.get(1), Reply.toolCall("run_command", DemoScript.json("command", fix.tests().get(0))).withUsage(1000, 20),
                    Reply.text("median divided two ints; dividing by 2.0 keeps the half. All 4 checks pass.").withUsage(1100, 40));
        }
        List<Reply> reviewer = new ArrayList<>();
        fix.tests().forEach(command -> reviewer.add(Reply.toolCall("run_command", DemoScript.json("command", command)).withUsage(500, 20)));
        reviewer.add(Reply.text("{\"verdict\":\"APPROVED\",\"feedback\":\"The tests pass.\"}").withUsage(700, 30));
        return ModelRegistry.of("scripted:model", ScriptedModel.builder()
                .atStep("coder-reviewer/review-loop/iteration-1/code", coder.toArray(Reply[]::new))
                .atStep("coder-reviewer/review-loop/iteration-1/review", reviewer.toArray(Reply[]::new))
                .atStep("coder-reviewer/summary", Reply.text("The fix is in; the reviewer ran the tests.").withUsage(300, 30))
                .atStep("code", Reply.text("Fixed it.").withUsage(400, 10))
                .build());
    }
}
