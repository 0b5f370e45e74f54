package dev.cadre.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.CrewSource;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.crew.Step;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.personas.BuiltInCrews;
import dev.cadre.personas.PersonaLibrary;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaselinesTest {

    @TempDir
    Path dir;

    static EvalCrew builtIn(String name) {
        return EvalCrew.load(CrewSource.of(BuiltInCrews.fileName(name), BuiltInCrews.yaml(name)), PersonaLibrary.builtIn());
    }

    @Test
    void aDebateIsComparedWithOneAgentAndWithAVoteOfAsManyAnswersAtTheSameBudget() {
        EvalCrew debate = builtIn("debate");
        List<EvalCrew> baselines = Baselines.of(debate);
        assertThat(baselines).extracting(EvalCrew::name).containsExactly("debate-single", "debate-vote");
        Step.Vote vote = (Step.Vote) baselines.get(1).sample().process();
        assertThat(vote.voters()).extracting(a -> a.id()).containsExactly("advocate", "critic", "pragmatist");
        assertThat(vote.samples()).isEqualTo(3);
        assertThat(((Step.Work) baselines.get(0).sample().process()).agent().id()).isEqualTo("advocate");

        EvalFile file = EvalFile.parse("q.yaml", """
                budget_per_case: {max_tokens: 5000}
                cases:
                  - id: mul
                    task: What is 6 * 7?
                    checks:
                      - equals: "42"
                        field: answer
                """, dir);
        EvalReport report = Evaluation.builder(file).crew(debate).crews(baselines).journalKey(JournalKey.generate())
                .directory(dir.resolve("eval"))
                .modelsPerRun(key -> ModelRegistry.of("scripted:m", ScriptedModel.builder()
                        .when(request -> true, Reply.text("{\"answer\": \"42\", \"reasons\": \"6 * 7\"}").withUsage(100, 10)).build()))
                .build().run();

        assertThat(report.crews()).extracting(CrewSummary::crew, CrewSummary::passed, CrewSummary::meanModelCalls, CrewSummary::meanTokens)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("debate", 1, 4.0, 440.0),
                        org.assertj.core.groups.Tuple.tuple("debate-single", 1, 1.0, 110.0),
                        org.assertj.core.groups.Tuple.tuple("debate-vote", 1, 9.0, 990.0));
    }

    @Test
    void aCoderAndReviewerLoopIsComparedWithTheCoderAlone() {
        EvalCrew crew = builtIn("coder-reviewer");
        List<EvalCrew> baselines = Baselines.of(crew);

        assertThat(baselines).extracting(EvalCrew::name).containsExactly("coder-reviewer-alone");
        Step.Work alone = (Step.Work) baselines.get(0).sample().process();
        assertThat(alone.agent().id()).isEqualTo("coder");
        assertThat(alone.task().id()).isEqualTo("code");
        assertThat(alone.task().context()).as("the reviewer's feedback is not there to take").isEmpty();
        assertThat(alone.agent().tools()).extracting(t -> t.name()).contains("workspace_edit", "run_command");
        assertThat(baselines.get(0).sample().policy()).isEqualTo(crew.sample().policy());
    }

    @Test
    void aCrewOfOneAgentHasNoBaseline() {
        assertThat(Baselines.of(Fixtures.crew("alpha", "alpha"))).isEmpty();
    }
}
