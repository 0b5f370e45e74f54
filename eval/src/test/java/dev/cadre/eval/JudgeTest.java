package dev.cadre.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.api.Agent;
import dev.cadre.api.Budget;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.Persona;
import dev.cadre.api.PriceTable;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Step;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The judge check: a judge persona's opinion against a rubric, run on its own, counted apart, replayed, never alone. */
class JudgeTest {

    static final String EVAL = """
            name: judged
            cases:
              - id: add
                task: What is 2 + 3? Explain briefly.
                checks:
                  - number: 5
                    field: answer
                  - judge:
                      criteria:
                        - The explanation shows the calculation.
                        - It is at most two sentences.
                      pass: 4
                    field: reasons
            """;

    static final String VERDICT = """
            {"criteria": [{"criterion": "The explanation shows the calculation.", "score": 5, "reason": "It adds 2 and 3."},
                          {"criterion": "It is at most two sentences.", "score": 4, "reason": "One sentence."}],
             "score": %s, "summary": "Right and short."}""";

    /** 1000 per million input tokens and 2000 per million output tokens, for the crew's model and the judge's. */
    static final PriceTable PRICES = PriceTable.NONE.with("scripted:model", "1000", "2000").with("scripted:judge", "1000", "2000");

    @TempDir
    Path dir;

    final Map<RunKey, ScriptedModel> models = new ConcurrentHashMap<>();
    final JournalKey key = JournalKey.generate();

    static EvalFile eval(String yaml, Path base) {
        return EvalFile.parse("judged.yaml", yaml, base);
    }

    static EvalCrew solver() {
        Persona persona = Persona.builder("solver").role("Calculator").goal("Answer with JSON {\"answer\": <number>, \"reasons\": \"...\"}.").build();
        return EvalCrew.of(Crew.of("solo", Step.work(Agent.of(persona))));
    }

    /** The solver answers right (100 + 20 tokens); the judge first answers prose (re-asked), then {@code score}. */
    ScriptedModel model(RunKey key, String judge, String score) {
        ScriptedModel model = ScriptedModel.builder()
                .agent("solver", Reply.text("{\"answer\": 5, \"reasons\": \"2 + 3 = 5.\"}").withUsage(100, 20))
                .agent(judge, Reply.text("It looks fine to me.").withUsage(300, 10), Reply.text(VERDICT.formatted(score)).withUsage(400, 50))
                .build();
        models.put(key, model);
        return model;
    }

    private Evaluation.Builder evaluation(EvalFile file, String score) {
        return Evaluation.builder(file).crew(solver()).prices(PRICES).journalKey(key).directory(dir.resolve("eval"))
                .modelsPerRun(run -> ModelRegistry.of("scripted:model", model(run, "rubric-judge", score)));
    }

    @Test
    void theJudgesVerdictIsCheckedAskedAgainWhenItIsNotJsonAndCountedApartFromTheCrew() {
        // A budget of 150 tokens a run: the crew's 120 fit; the judge's 760 are not the crew's and do not count.
        EvalReport report = evaluation(eval(EVAL, dir), "4").budgetPerCase(Budget.UNLIMITED.withMaxTokens(150)).build().run();

        RunRecord run = report.runs().get(0);
        assertThat(run.passed()).isTrue();
        assertThat(run.checks()).extracting(CheckResult::kind, CheckResult::passed)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("number", true), org.assertj.core.groups.Tuple.tuple("judge", true));
        assertThat(run.tokens()).isEqualTo(120);
        assertThat(run.cost()).isEqualByComparingTo("0.14");
        assertThat(run.judgeUsage().totalTokens()).isEqualTo(760);
        assertThat(run.judgeUsage().modelCalls()).as("prose, asked again, then JSON").isEqualTo(2);
        assertThat(run.judgeUsage().cost()).isEqualByComparingTo("0.82");
        JudgeOpinion opinion = run.checks().get(1).opinion();
        assertThat(opinion.persona()).isEqualTo("rubric-judge");
        assertThat(opinion.model()).isEqualTo("scripted:model");
        assertThat(opinion.score()).isEqualByComparingTo("4");
        assertThat(opinion.criteria()).extracting(JudgeOpinion.Criterion::criterion, c -> c.score().intValue(), JudgeOpinion.Criterion::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("The explanation shows the calculation.", 5, "It adds 2 and 3."),
                        org.assertj.core.groups.Tuple.tuple("It is at most two sentences.", 4, "One sentence."));
        assertThat(opinion.journal()).isEqualTo("runs/add__solo__r1__judge-1.jsonl");
        assertThat(dir.resolve("eval").resolve(opinion.journal())).isNotEmptyFile();
        assertThat(run.checks().get(1).detail()).isEqualTo("judge's opinion (rubric-judge on scripted:model): 4 of 1–5, passes at 4 —"
                + " The explanation shows the calculation. 5, It is at most two sentences. 4: Right and short.");

        CrewSummary solo = report.crew("solo");
        assertThat(solo.totalTokens()).isEqualTo(120);
        assertThat(solo.totalCost()).isEqualByComparingTo("0.14");
        assertThat(solo.judgeTokens()).isEqualTo(760);
        assertThat(solo.judgeCost()).isEqualByComparingTo("0.82");

        ScriptedModel.RecordedRequest asked = models.get(run.key()).requestsFor("rubric-judge").get(0);
        assertThat(asked.lastUserText()).contains("## The task\nWhat is 2 + 3? Explain briefly.", "## The answer\n2 + 3 = 5.",
                "from 1 (not met at all) to 5 (fully met)", "1. The explanation shows the calculation.\n2. It is at most two sentences.",
                "matches this JSON Schema", "\"enum\":[\"The explanation shows the calculation.\",\"It is at most two sentences.\"]");
        assertThat(asked.request().toolSpecifications()).as("the judge has no tools").isNullOrEmpty();
        assertThat(models.get(run.key()).requestsFor("rubric-judge").get(1).request().messages().toString())
                .as("asked again through the engine's output check").contains("JSON");
    }

    @Test
    void aScoreBelowThePassMarkFailsTheRunAsTheJudgesOpinion() {
        EvalReport report = evaluation(eval(EVAL, dir), "3").build().run();

        RunRecord run = report.runs().get(0);
        assertThat(run.passed()).isFalse();
        assertThat(run.failureKind()).isEqualTo("judge");
        assertThat(run.failure()).startsWith("judge's opinion (rubric-judge on scripted:model): 3 of 1–5, below the pass mark 4 —");
        assertThat(report.crew("solo").failures()).containsExactly(Map.entry("judge", 1));
    }

    @Test
    void everyReportFormatShowsTheOpinionAsTheJudgesAndItsTokensApart() {
        EvalReport report = evaluation(eval(EVAL, dir), "4").build().run();

        assertThat(report.toMarkdown(null)).contains("| solo | 1/1 | 100% |", "## Judge's opinions", "never instead of them",
                "| solo | 1 | 1/1 | 760 | 0.82 |",
                "- add on solo #1 — judge's opinion (rubric-judge on scripted:model): 4 of 1–5, passes at 4",
                "([judge's journal](runs/add__solo__r1__judge-1.jsonl))", "  - It is at most two sentences.: 4 — One sentence.");
        assertThat(report.toHtml(null)).contains("<h2>Judge's opinions</h2>", "<table data-test=\"judge\">",
                "<td>solo</td><td>1</td><td>1/1</td><td>760</td><td>0.82</td>", "judge&#39;s opinion (rubric-judge on scripted:model)",
                "<a href=\"runs/add__solo__r1__judge-1.jsonl\">judge's journal</a>");
        String json = report.toJson();
        assertThat(json).contains("\"kind\" : \"judge\"", "\"opinion\" : {", "\"judgeUsage\" : {", "\"judgeTokens\" : 760");
        assertThat(EvalReport.read(write("report.json", json))).isEqualTo(report);
        assertThat(evaluation(eval(EVAL.replace("field: reasons", "field: reasons\n      - number: 5\n        field: answer")
                .replace("      - judge:", "      - regex: \"5\"\n      - judge:"), dir), "4").directory(dir.resolve("plain")).build().run()
                .crew("solo").judgeTokens()).isEqualTo(760);
        EvalReport plain = Evaluation.builder(Fixtures.eval()).crew(Fixtures.crew("alpha", "alpha")).modelsPerRun(new Fixtures()::modelFor)
                .journalKey(JournalKey.generate()).directory(dir.resolve("unjudged")).repeat(1).build().run();
        assertThat(plain.toMarkdown(null)).doesNotContain("Judge's opinions");
        assertThat(plain.toHtml(null)).doesNotContain("Judge's opinions");
    }

    @Test
    void theJudgeRunsOnItsOwnModelWhenTheCheckNamesOne() {
        EvalFile file = eval(EVAL.replace("      pass: 4", "      pass: 4\n          model: scripted:judge"), dir);
        ScriptedModel judge = ScriptedModel.builder().agent("rubric-judge", Reply.text(VERDICT.formatted("5")).withUsage(400, 50)).build();

        EvalReport report = Evaluation.builder(file).crew(solver()).prices(PRICES).journalKey(JournalKey.generate()).directory(dir.resolve("eval"))
                .modelsPerRun(key -> ModelRegistry.builder().model("scripted:model", model(key, "nobody", "1")).model("scripted:judge", judge)
                        .defaultModel("scripted:model").build()).build().run();

        JudgeOpinion opinion = report.runs().get(0).checks().get(1).opinion();
        assertThat(opinion.model()).isEqualTo("scripted:judge");
        assertThat(opinion.score()).isEqualByComparingTo("5");
        assertThat(judge.requests()).hasSize(1);
        assertThat(models.values().iterator().next().requests()).extracting(ScriptedModel.RecordedRequest::agent).containsExactly("solver");
        assertThat(report.runs().get(0).judgeUsage().cost()).isEqualByComparingTo("0.5");
    }

    @Test
    void aJudgePersonaComesFromAPersonaFileBesideTheEval() throws Exception {
        Files.createDirectories(dir.resolve("judges"));
        Files.writeString(dir.resolve("judges/strict.yaml"), """
                id: strict
                extends: rubric-judge
                instructions: Give full marks only to an answer you cannot fault.
                """);
        EvalFile file = eval(EVAL.replace("      criteria:", "      persona: judges/strict.yaml\n          criteria:"), dir);
        Check.Judge check = (Check.Judge) file.caseNamed("add").checks().get(1);
        assertThat(check.persona().id()).isEqualTo("strict");
        assertThat(check.persona().role()).isEqualTo("Impartial grader");
        assertThat(check.persona().instructions()).isEqualTo("Give full marks only to an answer you cannot fault.");

        EvalReport report = Evaluation.builder(file).crew(solver()).journalKey(JournalKey.generate()).directory(dir.resolve("eval"))
                .modelsPerRun(key -> ModelRegistry.of("scripted:model", model(key, "strict", "4"))).build().run();
        assertThat(report.runs().get(0).checks().get(1).opinion().persona()).isEqualTo("strict");
        assertThat(((Check.Judge) eval(EVAL.replace("      criteria:", "      persona: judge\n          criteria:"), dir)
                .caseNamed("add").checks().get(1)).persona().id()).isEqualTo("judge");
    }

    @Test
    void aCaseWhoseOnlyCheckIsAJudgeIsRefusedWhereItStands() {
        assertThatThrownBy(() -> eval("""
                name: judged
                cases:
                  - id: essay
                    task: Write a haiku about journals.
                    checks:
                      - judge:
                          criteria: [It is a haiku.]
                          pass: 4
                """, dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("judged.yaml:5:5: case 'essay' has only a judge check, and a judge's opinion is never the only check:"
                        + " add one that decides without a model (equals, number, regex, commands_pass, ...).");
        assertThatThrownBy(() -> new EvalCase("essay", "Write a haiku.", Map.of(), null, List.of(judgeCheck())))
                .hasMessage("Eval case 'essay' has only a judge check: a judge's opinion is never the only check; add one that decides"
                        + " without a model.");
    }

    @Test
    void badJudgeChecksAreFoundBeforeAnythingRuns() {
        assertThatThrownBy(() -> eval(EVAL.replace("      pass: 4", "      pass: 9"), dir))
                .hasMessage("judged.yaml: case 'add', check 2 (judge): A judge check passes at 9, outside its scale 1 to 5.");
        assertThatThrownBy(() -> eval(EVAL.replace("      pass: 4", ""), dir))
                .hasMessage("judged.yaml: case 'add', check 2 (judge): it has no 'pass': give the least score that passes, e.g. pass: 4.");
        assertThatThrownBy(() -> eval(EVAL.replace("      criteria:", "      persona: jugde\n          criteria:"), dir))
                .hasMessage("judged.yaml: case 'add', check 2 (judge): There is no persona 'jugde' — did you mean 'judge'?");
        assertThatThrownBy(() -> eval(EVAL.replace("      pass: 4", "      pass: 4\n          scale: [5]"), dir))
                .hasMessage("judged.yaml: case 'add', check 2 (judge): 'scale' is [5]: give the lowest and the highest score, e.g. [1, 5].");
        assertThatThrownBy(() -> eval(EVAL.replace("      criteria:", "      persona: nowhere.yaml\n          criteria:"), dir))
                .hasMessageStartingWith("judged.yaml: case 'add', check 2 (judge): the judge persona file 'nowhere.yaml' does not exist");
    }

    @Test
    void aCassetteRecordsTheJudgeAndAReplayWhoseRubricChangedDiverges() {
        JournalKey key = JournalKey.generate();
        EvalReport recorded = Evaluation.builder(eval(EVAL, dir)).crew(solver()).prices(PRICES).journalKey(key).directory(dir.resolve("recorded"))
                .modelsPerRun(k -> ModelRegistry.of("scripted:model", model(k, "rubric-judge", "4"))).build().run();
        Cassette.record(recorded, dir.resolve("recorded"), key, dir.resolve("cassette"));
        assertThat(dir.resolve("cassette/add__solo__r1__judge-1.jsonl")).isNotEmptyFile();

        EvalReport replayed = Evaluation.builder(eval(EVAL, dir)).crew(solver()).prices(PRICES).journalKey(JournalKey.generate())
                .directory(dir.resolve("replayed")).modelsPerRun(Cassette.at(dir.resolve("cassette")).models()).build().run();
        assertThat(replayed.runs().get(0).passed()).isTrue();
        assertThat(replayed.runs().get(0).judgeUsage()).isEqualTo(recorded.runs().get(0).judgeUsage());
        assertThat(replayed.runs().get(0).checks().get(1).opinion().criteria()).isEqualTo(recorded.runs().get(0).checks().get(1).opinion().criteria());

        EvalReport changed = Evaluation.builder(eval(EVAL.replace("at most two sentences", "at most one sentence"), dir)).crew(solver())
                .journalKey(JournalKey.generate()).directory(dir.resolve("changed")).modelsPerRun(Cassette.at(dir.resolve("cassette")).models())
                .build().run();
        RunRecord run = changed.runs().get(0);
        assertThat(run.failureKind()).isEqualTo("replay_diverged");
        assertThat(run.failure()).startsWith("Replay of run 'add__solo__r1__judge-1' diverged from the recording at step 'rubric-judge',"
                + " model call 1 of agent 'rubric-judge': user message 2 was '")
                .contains("It is at most two sentences.", "It is at most one sentence.");
    }

    @Test
    void anEvalCutOffWhileTheJudgeWasThinkingResumesTheJudgeAndDoesNotRunTheCrewAgain() throws Exception {
        evaluation(eval(EVAL, dir), "4").build().run();
        // A kill: the crew's run had finished, the judge's model call had gone out, nothing reached results.jsonl.
        Files.delete(dir.resolve("eval/results.jsonl"));
        Path journal = dir.resolve("eval/runs/add__solo__r1__judge-1.jsonl");
        List<String> lines = Files.readAllLines(journal);
        int requested = 0;
        while (!lines.get(requested).contains("\"type\":\"model_requested\"")) {
            requested++;
        }
        Files.writeString(journal, String.join("\n", lines.subList(0, requested + 1)) + "\n");
        models.clear();

        EvalReport resumed = evaluation(eval(EVAL, dir), "4").build().run();

        ScriptedModel model = models.get(new RunKey("add", "solo", 1));
        assertThat(model.requestsFor("solver")).as("the crew's finished run is not run again").isEmpty();
        assertThat(model.requestsFor("rubric-judge")).hasSize(2);
        assertThat(resumed.runs().get(0).passed()).isTrue();
        assertThat(resumed.runs().get(0).checks().get(1).opinion().score()).isEqualByComparingTo("4");
        assertThat(resumed.runs().get(0).tokens()).isEqualTo(120);
        List<String> after = Files.readAllLines(journal);
        assertThat(after.subList(0, requested + 1)).as("the judge's run is resumed from its journal").isEqualTo(lines.subList(0, requested + 1));
        assertThat(after).filteredOn(l -> l.contains("\"type\":\"run_started\"")).hasSize(1);
    }

    private static Check.Judge judgeCheck() {
        return new Check.Judge(dev.cadre.personas.PersonaLibrary.builtIn().persona("rubric-judge"), null, List.of("It is a haiku."), 1, 5,
                java.math.BigDecimal.valueOf(4), null);
    }

    private Path write(String name, String text) {
        try {
            return Files.writeString(dir.resolve(name), text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
