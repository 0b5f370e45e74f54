package dev.cadre.orchestrator.internal.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.Agent;
import dev.cadre.api.Persona;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Task;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Review;
import dev.cadre.api.crew.Step;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sequential pattern against the core alone: events in, commands out. */
class SequentialPatternTest {

    static Agent agent(String id) {
        return Agent.of(Persona.builder(id).role(id).build());
    }

    static final Crew CREW = Crew.of("two", new Step.Sequential("both", List.of(
            new Step.Work("draft", agent("writer"), Task.of("draft", "Draft it."), Review.NONE),
            new Step.Work("edit", agent("editor"), Task.builder("edit").description("Edit it.").context("draft").build(),
                    Review.NONE))));

    @Test
    void stepsRunOneAfterAnotherAndTheLastOutputIsTheStepsOutput() {
        CoreHarness h = CoreHarness.start(CREW, Task.of("t", "Write."));
        assertThat(h.openPaths()).containsExactly("both/draft");
        h.answer("both/draft", "first draft");
        assertThat(h.openPaths()).containsExactly("both/edit");
        Command.CallModel edit = h.model("both/edit");
        assertThat(edit.request().messages().toString()).contains("## Context: draft").contains("first draft");
        h.answer(edit, "final text");

        assertThat(h.end.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(h.end.output()).isEqualTo("final text");
        assertThat(h.kinds()).containsExactly("run_started", "step_started both", "step_started both/draft",
                "model_requested both/draft", "model_responded both/draft", "step_finished both/draft",
                "step_started both/edit", "model_requested both/edit", "model_responded both/edit", "step_finished both/edit",
                "step_finished both");
    }

    @Test
    void aFailingStepFailsTheSequenceAndNothingAfterItRuns() {
        CoreHarness h = CoreHarness.start(CREW, Task.of("t", "Write."));
        h.feed(new Input.ModelFailed(h.model("both/draft").key(), "Model 'scripted:m' failed: boom"));
        assertThat(h.end.status()).isEqualTo(RunStatus.FAILED);
        assertThat(h.end.reason()).isEqualTo("Model 'scripted:m' failed: boom");
        assertThat(h.modelCalls).isEmpty();
        assertThat(h.kinds()).endsWith("step_failed both/draft", "step_failed both");
    }
}
