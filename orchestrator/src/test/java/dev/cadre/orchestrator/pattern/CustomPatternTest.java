package dev.cadre.orchestrator.pattern;

import dev.cadre.orchestrator.Journals;
import static dev.cadre.testkit.CadreAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.api.Agent;
import dev.cadre.api.HumanGate;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.Persona;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import dev.cadre.api.Task;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Step;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.orchestrator.RunOptions;
import dev.cadre.orchestrator.journal.JournalReader;
import dev.cadre.orchestrator.journal.JournalWriter;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pattern of one's own (docs/patterns.md), registered with the orchestrator and run, resumed and refused like the built-in ones. */
class CustomPatternTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path runs;

    static Agent agent(String id) {
        return Agent.of(Persona.builder(id).role(id).build());
    }

    static final Crew FALLBACK = Crew.of("fallback", Step.custom("answer", "first-success", Map.of(),
            Step.work(agent("quick"), Task.of("quick", "Answer briefly: {task}")),
            Step.work(agent("careful"), Task.of("careful", "Answer carefully: {task}"))));

    Orchestrator orchestrator(ScriptedModel model) {
        return Orchestrator.builder().models(ModelRegistry.of("scripted:m", model)).runsDirectory(runs)
                .gate(HumanGate.autoApprove()).pattern("first-success", new FirstSuccess()).build();
    }

    @Test
    void aCustomStepRunsItsPatternAndTheFirstChildThatSucceedsGivesTheOutput() {
        // the quick agent answers empty three times (maxOutputRetries 2), so its step fails and the careful one answers
        ScriptedModel model = ScriptedModel.builder().agent("quick", Reply.text(""), Reply.text(""), Reply.text(""))
                .agent("careful", Reply.text("42, because 6 x 7.")).build();
        RunHandle run = orchestrator(model).run(FALLBACK, Task.of("q", "What is 6 x 7?"));
        RunResult result = run.result().block(WAIT);

        assertThat(result).succeeded().hasOutput("42, because 6 x 7.");
        assertThat(result.outcomes()).containsEntry("answer", "step careful succeeded after 1 failed");
        List<RunEvent> events = run.events().collectList().block(WAIT);
        assertThat(events).filteredOn(RunEvent.StepStarted.class::isInstance).map(e -> ((RunEvent.StepStarted) e).kind())
                .startsWith("first-success");
        assertThat(events).filteredOn(RunEvent.StepFailed.class::isInstance).map(RunEvent::stepPath).containsExactly("answer/quick");
    }

    @Test
    void aResumedCustomStepDoesNotRunAgainWhatItsJournalHolds() throws Exception {
        ScriptedModel model = ScriptedModel.builder().agent("quick", Reply.text(""), Reply.text(""), Reply.text(""))
                .agent("careful", Reply.text("42.")).build();
        orchestrator(model).run(FALLBACK, Task.of("q", "6 x 7?"), RunOptions.DEFAULTS.withRunId("r")).result().block(WAIT);
        Path whole = runs;
        List<String> lines = Journals.lines(whole, "r");
        runs = whole.resolve("cut");   // the journal cut, as a per-run file of an earlier version, in a new runs directory
        Path journal = Files.createDirectories(runs).resolve("r.jsonl");
        int cut = (int) Journals.read(whole, "r").events().stream().filter(e -> e instanceof RunEvent.StepStarted s
                && s.stepPath().equals("answer/careful")).findFirst().orElseThrow().seq();
        Files.write(journal, lines.subList(0, cut));

        ScriptedModel again = ScriptedModel.builder().agent("careful", Reply.text("42.")).build();
        RunResult resumed = orchestrator(again).resume("r", FALLBACK, RunOptions.DEFAULTS).result().block(WAIT);

        assertThat(resumed).succeeded().hasOutput("42.");
        assertThat(again.requestsFor("quick")).isEmpty();
        assertThat(again.requestsFor("careful")).hasSize(1);
    }

    @Test
    void aCrewWithAKindNoPatternIsRegisteredForIsRefusedBeforeItRuns() {
        Orchestrator plain = Orchestrator.builder().models(ModelRegistry.of("scripted:m", ScriptedModel.builder().build()))
                .runsDirectory(runs).build();
        assertThatThrownBy(() -> plain.run(FALLBACK, Task.of("q", "x")))
                .hasMessage("Crew 'fallback': step 'answer' is of kind 'first-success', but this orchestrator has no pattern for it;"
                        + " patterns: none (register one with Orchestrator.builder().pattern(kind, pattern)).");
        assertThatThrownBy(() -> Orchestrator.builder().pattern("first-success", new FirstSuccess()).pattern("first-success", new FirstSuccess()))
                .hasMessage("A pattern for kind 'first-success' is already registered.");
        assertThatThrownBy(() -> Step.custom("s", "no spaces", Map.of()))
                .hasMessageContaining("has kind 'no spaces'");
    }
}
