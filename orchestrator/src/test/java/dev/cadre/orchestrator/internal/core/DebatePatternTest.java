package dev.cadre.orchestrator.internal.core;

import static dev.cadre.orchestrator.internal.core.Fixtures.agent;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.Agent;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Task;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Step;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The debate pattern against the core alone: rounds of answers, consensus, summariser, judge, majority. */
class DebatePatternTest {

    static final Task QUESTION = Task.of("q", "Is the tide rising?");

    static Crew debate(int rounds, Agent judge, Agent summarizer, String... debaters) {
        List<Agent> agents = Arrays.stream(debaters).map(Fixtures::agent).toList();
        return Crew.of("d", new Step.Debate("debate", agents, QUESTION, rounds, judge, summarizer, null));
    }

    @Test
    void roundZeroAsksEveryDebaterAtOnceAndAgreementEndsTheDebate() {
        CoreHarness h = CoreHarness.start(debate(3, null, null, "a", "b", "c"), Fixtures.workTask());
        assertThat(h.openPaths()).containsExactlyInAnyOrder("debate/round-0/a", "debate/round-0/b", "debate/round-0/c");
        h.answer("debate/round-0/b", "Yes.");
        h.answer("debate/round-0/a", "yes");
        h.answer("debate/round-0/c", "  YES ");

        assertThat(h.end.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(h.end.output()).isEqualTo("yes");
        assertThat(h.event(RunEvent.StepFinished.class, "debate").outcome()).isEqualTo("consensus in round 0");
        assertThat(h.allModelCalls).hasSize(3);
    }

    @Test
    void laterRoundsReviseWithTheOthersAnswers() {
        CoreHarness h = CoreHarness.start(debate(2, null, null, "a", "b", "c"), Fixtures.workTask());
        h.answer("debate/round-0/a", "yes");
        h.answer("debate/round-0/b", "no");
        h.answer("debate/round-0/c", "yes");
        assertThat(h.openPaths()).containsExactlyInAnyOrder("debate/round-1/a", "debate/round-1/b", "debate/round-1/c");
        Command.CallModel bCall = h.model("debate/round-1/b");
        String b = CoreHarness.prompt(bCall);
        assertThat(b).contains("## Context: Your previous answer\nno")
                .contains("## Context: Other debaters' answers in round 0\n### a-role\nyes\n\n### c-role\nyes")
                .contains("Consider the other answers");
        h.answer(h.model("debate/round-1/a"), "yes");
        h.answer(bCall, "yes");
        h.answer("debate/round-1/c", "yes");
        assertThat(h.event(RunEvent.StepFinished.class, "debate").outcome()).isEqualTo("consensus in round 1");
    }

    @Test
    void withoutAgreementTheMajorityWinsAfterTheLastRound() {
        CoreHarness h = CoreHarness.start(debate(1, null, null, "a", "b", "c"), Fixtures.workTask());
        for (String d : List.of("a", "b", "c")) h.answer("debate/round-0/" + d, d.equals("b") ? "no" : "yes");
        h.answer("debate/round-1/a", "no");
        h.answer("debate/round-1/b", "no");
        h.answer("debate/round-1/c", "yes");
        assertThat(h.modelCalls).isEmpty();
        assertThat(h.end.output()).isEqualTo("no");
        assertThat(h.event(RunEvent.StepFinished.class, "debate").outcome()).isEqualTo("majority 2 of 3 after round 1");
    }

    @Test
    void aTieGoesToTheFirstDebatersAnswerAndSaysSo() {
        CoreHarness h = CoreHarness.start(debate(0, null, null, "a", "b"), Fixtures.workTask());
        h.answer("debate/round-0/b", "no");
        h.answer("debate/round-0/a", "yes");
        assertThat(h.end.output()).isEqualTo("yes");
        assertThat(h.event(RunEvent.StepFinished.class, "debate").outcome())
                .isEqualTo("majority 1 of 2 after round 0, tie broken by debater order");
    }

    @Test
    void jsonAnswersAreComparedByTheirAnswerField() {
        CoreHarness h = CoreHarness.start(debate(2, null, null, "a", "b"), Fixtures.workTask());
        h.answer("debate/round-0/a", "{\"answer\":\"Yes\",\"why\":\"moon\"}");
        h.answer("debate/round-0/b", "```json\n{\"answer\":\"yes\",\"why\":\"gauges\"}\n```");
        assertThat(h.event(RunEvent.StepFinished.class, "debate").outcome()).isEqualTo("consensus in round 0");
        assertThat(h.end.output()).isEqualTo("{\"answer\":\"Yes\",\"why\":\"moon\"}");
    }

    @Test
    void aSummariserSumsUpTheRoundBeforeTheDebatersRevise() {
        CoreHarness h = CoreHarness.start(debate(1, null, agent("sum"), "a", "b"), Fixtures.workTask());
        h.answer("debate/round-0/a", "yes");
        h.answer("debate/round-0/b", "no");
        assertThat(h.openPaths()).containsExactly("debate/round-1/summary");
        Command.CallModel summary = h.model("debate/round-1/summary");
        assertThat(CoreHarness.prompt(summary)).contains("## Context: Answers of round 0\n### a-role\nyes\n\n### b-role\nno");
        h.answer(summary, "A says yes, B says no.");
        String a = CoreHarness.prompt(h.model("debate/round-1/a"));
        assertThat(a).contains("## Context: Summary of all answers in round 0\nA says yes, B says no.")
                .doesNotContain("Other debaters' answers");
    }

    @Test
    void aJudgeDecidesAfterTheLastRound() {
        CoreHarness h = CoreHarness.start(debate(0, agent("judge"), null, "a", "b"), Fixtures.workTask());
        h.answer("debate/round-0/a", "yes");
        h.answer("debate/round-0/b", "no");
        Command.CallModel judge = h.model("debate/judge");
        assertThat(CoreHarness.prompt(judge)).contains("You are the judge", "## Context: Answer of a-role\nyes",
                "## Context: Answer of b-role\nno");
        h.answer(judge, "No: the gauges say so.");
        assertThat(h.end.output()).isEqualTo("No: the gauges say so.");
        assertThat(h.event(RunEvent.StepFinished.class, "debate").outcome()).isEqualTo("judge decided after round 0");
    }
}
