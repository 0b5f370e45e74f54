package dev.cadre.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.api.Agent;
import dev.cadre.api.Persona;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Step;
import dev.cadre.orchestrator.journal.JournalKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CassetteTest {

    @TempDir
    Path dir;

    final JournalKey key = JournalKey.generate();
    final Fixtures fixtures = new Fixtures();

    private EvalReport recordAlphaAndBeta() {
        EvalReport report = Evaluation.builder(Fixtures.eval()).crew(Fixtures.crew("alpha", "alpha")).crew(Fixtures.crew("beta", "beta"))
                .modelsPerRun(fixtures::modelFor).prices(Fixtures.PRICES).journalKey(key).directory(dir.resolve("recorded")).build().run();
        Cassette.record(report, dir.resolve("recorded"), key, dir.resolve("cassette"));
        return report;
    }

    private Evaluation.Builder replay(EvalCrew... crews) {
        return Evaluation.builder(Fixtures.eval()).crews(List.of(crews)).modelsPerRun(Cassette.at(dir.resolve("cassette")).models())
                .prices(Fixtures.PRICES).journalKey(JournalKey.generate()).directory(dir.resolve("replayed"));
    }

    /** alpha with another goal: its prompt is not the recorded one. */
    private static EvalCrew changedAlpha() {
        Persona persona = Persona.builder("alpha").role("Calculator").goal("Answer with JSON {\"answer\": <integer>}.").build();
        return EvalCrew.of(Crew.of("alpha", Step.work(Agent.of(persona))));
    }

    @Test
    void aReplayReproducesTheRecordedNumbersWithoutAModel() {
        EvalReport recorded = recordAlphaAndBeta();
        assertThat(dir.resolve("cassette/mul__beta__r3.jsonl")).isNotEmptyFile();

        EvalReport replayed = replay(Fixtures.crew("alpha", "alpha"), Fixtures.crew("beta", "beta")).build().run();

        assertThat(replayed.crews()).extracting(CrewSummary::crew, CrewSummary::passed, CrewSummary::totalTokens, CrewSummary::totalCost,
                CrewSummary::failures).containsExactly(
                org.assertj.core.groups.Tuple.tuple("alpha", 6, 720L, recorded.crew("alpha").totalCost(), java.util.Map.of()),
                org.assertj.core.groups.Tuple.tuple("beta", 3, 360L, recorded.crew("beta").totalCost(), java.util.Map.of("number", 3)));
        assertThat(recorded.crew("alpha").totalCost()).isEqualByComparingTo("0.84");
    }

    @Test
    void aReplayWhoseRequestsChangedFailsSayingWhatChangedAndWhere() {
        recordAlphaAndBeta();

        EvalReport replayed = replay(changedAlpha()).repeat(1).build().run();

        assertThat(replayed.crew("alpha").failures()).containsExactly(java.util.Map.entry("replay_diverged", 2));
        assertThat(replayed.runs().get(0).failure()).contains("Replay of run 'add__alpha__r1' diverged from the recording at step 'alpha',"
                + " model call 1 of agent 'alpha': system message 1 was '", "{\"answer\": <number>}", "' in the recording and is '",
                "{\"answer\": <integer>}", "' now. Record the eval again if the change is intended.");
    }

    @Test
    void aRunTheCassetteDoesNotHaveIsFoundBeforeAnythingRuns() {
        recordAlphaAndBeta();
        Evaluation gamma = replay(Fixtures.crew("gamma", "alpha")).build();

        assertThatThrownBy(() -> Cassette.at(dir.resolve("cassette")).requireComplete(gamma.runs()))
                .hasMessage("The cassette " + dir.resolve("cassette") + " has no recording of case 'add' on crew 'gamma' #1 (and 5 more runs):"
                        + " record it with cadre eval --record " + dir.resolve("cassette") + ", with the same cases, crews and --repeat.");
        assertThatThrownBy(() -> Cassette.at(dir.resolve("nothing"))).hasMessageStartingWith("There is no cassette at ");
    }

    @Test
    void replayTestsGiveOneJUnitTestPerRunThatFailsWithTheDivergence() throws Throwable {
        recordAlphaAndBeta();

        List<DynamicTest> passing = ReplayTests.of(Fixtures.eval(), List.of(Fixtures.crew("alpha", "alpha")), dir.resolve("cassette")).toList();
        assertThat(passing).extracting(DynamicTest::getDisplayName).containsExactly(
                "add on alpha #1", "add on alpha #2", "add on alpha #3", "mul on alpha #1", "mul on alpha #2", "mul on alpha #3");
        for (DynamicTest test : passing) {
            test.getExecutable().execute();
        }

        Stream<DynamicTest> diverging = ReplayTests.of(Fixtures.eval(), List.of(changedAlpha()), dir.resolve("cassette"));
        DynamicTest first = diverging.findFirst().orElseThrow();
        assertThatThrownBy(() -> first.getExecutable().execute()).isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("add on alpha #1 did not pass (replay_diverged): Replay of run 'add__alpha__r1' diverged from the recording");
        List<DynamicTest> beta = ReplayTests.of(Fixtures.eval(), List.of(Fixtures.crew("beta", "beta")), dir.resolve("cassette")).toList();
        assertThatThrownBy(() -> beta.get(3).getExecutable().execute())
                .hasMessage("mul on beta #1 did not pass (number): expected 42, got 41");
        assertThat(Files.list(dir.resolve("cassette")).count()).isEqualTo(12);
    }
}
