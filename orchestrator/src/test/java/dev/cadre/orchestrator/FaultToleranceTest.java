package dev.cadre.orchestrator;

import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.CrewPolicy;
import dev.cadre.api.crew.RetryPolicy;
import dev.cadre.api.crew.Step;
import static dev.cadre.testkit.CadreAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.Agent;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.Persona;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Task;
import dev.cadre.api.ToolResult;
import dev.cadre.orchestrator.journal.JournalReader;
import dev.cadre.testkit.Fault;
import dev.cadre.testkit.FaultInjectingModel;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import dev.langchain4j.model.output.FinishReason;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fault {@link FaultInjectingModel} can inject, at the turn that calls a side-effecting tool and at the turn
 * that answers, with and without streaming: the agent recovers, the tool runs exactly once, the answer is the one a
 * fault-free run gives.
 */
class FaultToleranceTest {

    static final Duration WAIT = Duration.ofSeconds(20);
    static final RetryPolicy FAST = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5), 0.5);

    @TempDir
    Path runs;

    final Persona scribe = Persona.builder("scribe").role("Note taker").goal("Write the note down").tools("note_write").build();
    final Task note = Task.builder("note").description("Write the note 'hello' and say what you wrote.").build();

    static Stream<Arguments> faultsAtEachTurn() {
        List<Arguments> cases = new ArrayList<>();
        for (Fault fault : Fault.values()) {
            for (int turn : new int[] {1, 2}) {
                for (boolean streaming : new boolean[] {false, true}) {
                    cases.add(Arguments.of(fault, turn, streaming));
                }
            }
        }
        return cases.stream();
    }

    RunHandle run(FaultInjectingModel model, TestTool tool, boolean streaming) {
        Crew crew = new Crew("scribing", new Step.Work("note", Agent.resolve(scribe, List.of(tool)), note, null),
                CrewPolicy.builder().retry(FAST).approveToolsFrom(null).build());
        Orchestrator orchestrator = Orchestrator.builder().models(ModelRegistry.of("scripted:m", model)).runsDirectory(runs).build();
        return orchestrator.run(crew, Task.of("t", "Take a note"), RunOptions.DEFAULTS.withStreaming(streaming));
    }

    static ScriptedModel script() {
        return ScriptedModel.builder().agent("scribe", Reply.toolCall("note_write", "{\"text\":\"hello\"}"),
                Reply.text("I wrote the note 'hello' down for you.")).build();
    }

    static TestTool noteWriter() {
        return new TestTool("note_write", RiskLevel.WRITES, args -> ToolResult.ok("saved"));
    }

    @ParameterizedTest(name = "{0} at turn {1}, streaming {2}")
    @MethodSource("faultsAtEachTurn")
    void theAgentRecoversAndTheSideEffectHappensOnce(Fault fault, int turn, boolean streaming) {
        TestTool writer = noteWriter();
        FaultInjectingModel model = FaultInjectingModel.around(script()).rate(0).retryAfter(Duration.ofMillis(2))
                .at("note", turn, fault).build();
        RunHandle run = run(model, writer, streaming);
        RunResult result = run.result().block(WAIT);

        assertThat(result).succeeded().hasOutput("I wrote the note 'hello' down for you.");
        assertThat(writer.calls).as("the side effect happened once").hasSize(1);
        assertThat(model.injected().get(fault)).isEqualTo(1L);
        assertThat(model.retries()).isEqualTo(fault.isTransient() ? 1 : 0);
        List<RunEvent> journal = Journals.read(runs, run.runId()).events();
        assertThat(journal.get(journal.size() - 1)).isInstanceOf(RunEvent.RunFinished.class);
    }

    @Test
    void anAnswerCutAtTheOutputLimitIsAskedAgainNotTakenAsTheOutput() {
        ScriptedModel scripted = ScriptedModel.of(Reply.text("The whole answer, every word of it."));
        FaultInjectingModel model = FaultInjectingModel.around(scripted).rate(0).at("note", 1, Fault.TRUNCATED_ANSWER).build();
        RunHandle run = run(model, noteWriter(), false);

        assertThat(run.result().block(WAIT)).succeeded().hasOutput("The whole answer, every word of it.");
        List<RunEvent.ModelResponded> answers = run.events().ofType(RunEvent.ModelResponded.class).collectList().block(WAIT);
        assertThat(answers.get(0).finishReason()).isEqualTo(FinishReason.LENGTH.name());
        assertThat(answers.get(0).text()).isEqualTo("The whole answer, ");
        List<RunEvent.ModelRequested> asks = run.events().ofType(RunEvent.ModelRequested.class).collectList().block(WAIT);
        assertThat(asks).hasSize(2);
        assertThat(asks.get(1).newMessages()).singleElement().satisfies(m -> assertThat(m.text())
                .isEqualTo("Your answer was cut off at the output limit. Answer again, complete and shorter."));
    }

    @Test
    void anAgentWhoseAnswersAreAlwaysCutOffFailsTheStepInOneSentence() {
        ScriptedModel scripted = ScriptedModel.of(Reply.text("A long answer that never fits."));
        FaultInjectingModel model = FaultInjectingModel.around(scripted).rate(0)
                .at("note", 1, Fault.TRUNCATED_ANSWER).at("note", 2, Fault.TRUNCATED_ANSWER).at("note", 3, Fault.TRUNCATED_ANSWER)
                .build();
        RunHandle run = run(model, noteWriter(), true);
        RunResult result = run.result().block(WAIT);

        assertThat(result.status()).isEqualTo(RunStatus.FAILED);
        assertThat(result.reason()).isEqualTo("Agent 'scribe' gave an answer cut off at the model's output limit 3 times.");
        List<RunEvent> journal = Journals.read(runs, run.runId()).events();
        assertThat(journal.get(journal.size() - 1)).isInstanceOfSatisfying(RunEvent.RunFailed.class,
                failed -> assertThat(failed.reason()).isEqualTo(result.reason()));
    }

    @Test
    void aProviderThatKeepsFailingFailsTheRunAfterTheRetriesWithItsMessage() {
        FaultInjectingModel model = FaultInjectingModel.around(script()).rate(0)
                .at("note", 1, Fault.SERVER_ERROR, Fault.TIMEOUT, Fault.CONNECTION_RESET, Fault.SERVER_ERROR).build();
        TestTool writer = noteWriter();
        RunResult result = run(model, writer, false).result().block(WAIT);

        assertThat(result.status()).isEqualTo(RunStatus.FAILED);
        assertThat(result.reason()).startsWith("Model 'scripted:m' failed for agent 'scribe' at step 'note' after 3 retries: ")
                .contains("InternalServerException").contains("The server had an error").doesNotContain("\n");
        assertThat(model.calls()).isEqualTo(4);
        assertThat(writer.calls).isEmpty();
    }
}
