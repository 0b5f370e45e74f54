package dev.cadre.temporal;

import static dev.cadre.orchestrator.conformance.Runs.agent;
import static dev.cadre.orchestrator.conformance.Runs.work;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.HumanGate;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Step;
import dev.cadre.api.crew.Until;
import dev.cadre.orchestrator.conformance.CrewDriver;
import dev.cadre.orchestrator.conformance.Runs;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import io.temporal.api.enums.v1.EventType;
import io.temporal.common.WorkflowExecutionHistory;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A loop of {@value #TURNS} turns continues as new workflow runs, each resuming from the journal, so no history grows
 * with the run; the result and the journal are those of one uninterrupted run.
 */
class LongRunTest {

    static final int TURNS = 210;

    @TempDir
    Path store;

    /** A model that answers AGAIN until its {@code turns}-th answer, which approves. */
    static ScriptedModel approvingAt(int turns) {
        AtomicInteger answers = new AtomicInteger();
        return ScriptedModel.builder().when(r -> true, Reply.dynamic(r -> Reply.text(
                answers.incrementAndGet() >= turns ? "{\"verdict\":\"APPROVED\"}" : "{\"verdict\":\"AGAIN\"}"))).build();
    }

    /** A loop of one worker until it approves, at most {@code turns} + 5 times. */
    static Crew loop(int turns) {
        return Crew.of("long", Step.loop("grind", Until.verdict("work", "verdict", "APPROVED"), turns + 5,
                work(agent("worker"), "work", "One more turn: {task}")));
    }

    @Test
    void aLoopOfMoreThan200TurnsContinuesAsNewAndEndsAsOneRun() {
        ScriptedModel model = approvingAt(TURNS);
        Crew crew = loop(TURNS);
        try (TemporalCrewDriver driver = new TemporalCrewDriver(new CrewDriver.Setup(ModelRegistry.of("scripted:m", model),
                List.of(), HumanGate.autoApprove(), store), JournalKey.generate(), b -> b.continueAsNewAfter(300))) {
            RunResult result = Runs.result(driver.run(crew, Runs.TASK, Runs.id("long")));

            assertThat(result.status()).as(result.reason()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(result.outcomes().get("grind")).contains("converged after " + TURNS + " iterations");
            assertThat(model.requests()).as("every turn asked once").hasSize(TURNS);
            List<RunEvent> journal = driver.journal("long");
            assertThat(journal).extracting(RunEvent::seq).containsExactlyElementsOf(LongStream.rangeClosed(1, journal.size()).boxed().toList());
            assertThat(journal).filteredOn(RunEvent.ModelResponded.class::isInstance).hasSize(TURNS);
            assertThat(journal).filteredOn(RunEvent::isTerminal).hasSize(1);

            WorkflowExecutionHistory last = driver.environment().getWorkflowClient().fetchHistory("long");
            assertThat(last.getEvents().size()).as("the last run's history is short").isLessThan(400);
            assertThat(last.getEvents().get(0).getWorkflowExecutionStartedEventAttributes().getContinuedExecutionRunId())
                    .as("the last run was continued from an earlier one").isNotEmpty();
            assertThat(last.getEvents()).noneMatch(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED);
        }
    }
}
