package dev.cadre.orchestrator.driver;

import static dev.cadre.orchestrator.conformance.Runs.agent;
import static dev.cadre.orchestrator.conformance.Runs.work;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.api.Decision;
import dev.cadre.api.ModelCallAttributes;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Review;
import dev.cadre.api.crew.Step;
import dev.cadre.orchestrator.RunOptions;
import dev.cadre.orchestrator.conformance.Runs;
import dev.cadre.orchestrator.redaction.Redactor;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import dev.langchain4j.model.chat.ChatRequestOptions;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RunCore} driven by a small synchronous driver in the test: a run, a checkpoint, a resume from a cut journal. */
class RunCoreTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static Crew crew() {
        return new Crew("doc", Step.sequential("doc", work(agent("drafter"), "draft", "Draft: {task}"),
                work(agent("editor"), "final", "Edit.", "draft").reviewed(Review.afterWork())), dev.cadre.api.crew.CrewPolicy.DEFAULT);
    }

    private static ScriptedModel model() {
        return ScriptedModel.builder().atStep("doc/draft", Reply.text("a draft")).atStep("doc/final", Reply.text("the text")).build();
    }

    /** Executes commands in order, answering models at once and checkpoints with approve; returns the result. */
    private static RunResult drive(RunCore core, ScriptedModel model, List<RunEvent> journal) {
        Deque<DriverInput> inbox = new ArrayDeque<>();
        List<DriverCommand> commands = core.start(T0);
        RunResult result = null;
        while (result == null) {
            for (DriverCommand command : commands) {
                if (command instanceof DriverCommand.Record r) {
                    journal.add(r.event());
                } else if (command instanceof DriverCommand.CallModel c) {
                    ChatRequestOptions options = ChatRequestOptions.builder()
                            .addListenerAttribute(ModelCallAttributes.RUN_ID, core.runId())
                            .addListenerAttribute(ModelCallAttributes.STEP_PATH, c.stepPath())
                            .addListenerAttribute(ModelCallAttributes.AGENT, c.agent())
                            .addListenerAttribute(ModelCallAttributes.TURN, c.turn()).build();
                    inbox.add(new DriverInput.ModelAnswered(c.key(), model.chat(c.request(), options)));
                } else if (command instanceof DriverCommand.AskHuman a) {
                    inbox.add(new DriverInput.Decided(a.checkpoint().id(), Decision.approve("test")));
                } else if (command instanceof DriverCommand.End e) {
                    result = e.result();
                }
            }
            if (result == null) {
                assertThat(inbox).as("the core waits for something").isNotEmpty();
                commands = core.accept(inbox.poll(), T0.plusSeconds(1));
            }
        }
        return result;
    }

    private static List<RunEvent> begin(String runId) {
        List<RunEvent> journal = new ArrayList<>();
        journal.add(RunCore.started(runId, crew(), Runs.TASK, RunOptions.DEFAULTS, settings(), T0));
        return journal;
    }

    private static RunCore.Settings settings() {
        return RunCore.Settings.of(ModelRegistry.of("scripted:m", model()), Redactor.none());
    }

    @Test
    void aRunGoesFromItsStartToItsEndThroughTheCommands() {
        List<RunEvent> journal = begin("r1");
        RunCore core = RunCore.of(crew(), RunOptions.DEFAULTS, journal, settings());

        RunResult result = drive(core, model(), journal);

        assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(result.outputs()).containsEntry("doc/draft", "a draft").containsEntry("doc/final", "the text");
        assertThat(journal).extracting(RunEvent::seq).containsExactlyElementsOf(
                java.util.stream.LongStream.rangeClosed(1, journal.size()).boxed().toList());
        assertThat(Runs.trace(journal)).startsWith("run_started", "step_started doc", "step_started doc/draft")
                .contains("checkpoint_requested doc/final", "checkpoint_resolved doc/final").endsWith("run_finished");
        assertThat(core.ended()).isTrue();
    }

    @Test
    void aCutJournalGoesOnWithoutAskingAgainWhatItHolds() {
        List<RunEvent> whole = begin("r2");
        drive(RunCore.of(crew(), RunOptions.DEFAULTS, whole, settings()), model(), whole);
        int cut = (int) whole.stream().takeWhile(e -> !(e instanceof RunEvent.CheckpointRequested)).count() + 1;
        List<RunEvent> kept = new ArrayList<>(whole.subList(0, cut));

        ScriptedModel again = model();
        RunResult result = drive(RunCore.of(crew(), RunOptions.DEFAULTS, kept, settings()), again, kept);

        assertThat(result.output()).isEqualTo("the text");
        assertThat(again.requests()).as("both answers were journaled before the checkpoint").isEmpty();
        assertThat(Runs.signatures(kept)).isEqualTo(Runs.signatures(whole));
        assertThat(kept.get(cut).seq()).isEqualTo(cut + 1);
    }

    @Test
    void cancelGivesTheLastEventAndTheResult() {
        List<RunEvent> journal = begin("r3");
        RunCore core = RunCore.of(crew(), RunOptions.DEFAULTS, journal, settings());
        core.start(T0).stream().filter(DriverCommand.Record.class::isInstance)
                .forEach(c -> journal.add(((DriverCommand.Record) c).event()));

        List<DriverCommand> end = core.cancel("Cancelled by the user.", T0.plusSeconds(2));

        assertThat(end).hasSize(2);
        assertThat(((DriverCommand.Record) end.get(0)).event()).isInstanceOf(RunEvent.RunCancelled.class)
                .extracting(RunEvent::seq).isEqualTo((long) journal.size() + 1);
        assertThat(((DriverCommand.End) end.get(1)).result().status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(core.cancel("again", T0)).isEmpty();
    }

    @Test
    void badInputIsRefusedBeforeARunStarts() {
        Crew needsContext = Crew.of("c", work(agent("a"), "t", "Use it.", "missing"));
        assertThatThrownBy(() -> RunCore.started("r4", needsContext, Runs.TASK, RunOptions.DEFAULTS, settings(), T0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing");
        assertThatThrownBy(() -> RunCore.of(crew(), RunOptions.DEFAULTS, List.of(), settings()))
                .hasMessageContaining("run_started");
        List<RunEvent> other = begin("r5");
        assertThatThrownBy(() -> RunCore.of(Crew.of("other", work(agent("a"), "t", "x")), RunOptions.DEFAULTS, other, settings()))
                .hasMessageContaining("crew 'doc'");
    }
}
