package dev.cadre.orchestrator.conformance;

import static dev.cadre.orchestrator.conformance.Runs.TASK;
import static dev.cadre.orchestrator.conformance.Runs.agent;
import static dev.cadre.orchestrator.conformance.Runs.id;
import static dev.cadre.orchestrator.conformance.Runs.work;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.Budget;
import dev.cadre.api.Checkpoint;
import dev.cadre.api.Decision;
import dev.cadre.api.HumanGate;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Tool;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.CrewPolicy;
import dev.cadre.api.crew.Step;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/** Budgets stop a run before the call that would pass them; a writing tool waits for a human's approval. */
public interface BudgetsAndToolsConformance extends SuitePart {

    static Crew threeSteps(CrewPolicy policy) {
        return new Crew("budgeted", Step.sequential("steps", work(agent("one"), "first", "First."),
                work(agent("two"), "second", "Second."), work(agent("three"), "third", "Third.")), policy);
    }

    static ScriptedModel threeAnswers() {
        return ScriptedModel.builder().atStep("steps/first", Reply.text("1")).atStep("steps/second", Reply.text("2"))
                .atStep("steps/third", Reply.text("3")).build();
    }

    @Test
    default void aRunBudgetStopsTheRunBeforeTheCallThatWouldPassIt() {
        ScriptedModel model = threeAnswers();
        CrewPolicy policy = CrewPolicy.builder().runBudget(Budget.UNLIMITED.withMaxModelCalls(2)).build();
        RunHandle run = driver(model, HumanGate.autoApprove()).run(threeSteps(policy), TASK, id("budget"));

        RunResult result = Runs.result(run);
        assertThat(result.status()).isEqualTo(RunStatus.FAILED);
        assertThat(result.reason()).startsWith("Budget exceeded");
        assertThat(result.outputs()).containsEntry("steps/first", "1").containsEntry("steps/second", "2").doesNotContainKey("steps/third");
        assertThat(result.usage().modelCalls()).isEqualTo(2);
        assertThat(model.requests()).hasSize(2);
        List<RunEvent> events = Runs.events(run);
        assertThat(Runs.at(events, "steps/third")).doesNotContain("model_requested");
        assertThat(events.get(events.size() - 1)).isInstanceOf(RunEvent.RunFailed.class);
        assertThat(events).filteredOn(RunEvent.BudgetWarning.class::isInstance).isNotEmpty();
    }

    @Test
    default void aRunWithinItsBudgetIsWarnedNearTheLimitAndSucceeds() {
        CrewPolicy policy = CrewPolicy.builder().runBudget(Budget.UNLIMITED.withMaxModelCalls(3)).build();
        RunHandle run = driver(threeAnswers(), HumanGate.autoApprove()).run(threeSteps(policy), TASK, id("within"));

        RunResult result = Runs.succeeded(run, "3");
        assertThat(Runs.events(run)).filteredOn(RunEvent.BudgetWarning.class::isInstance)
                .extracting(e -> ((RunEvent.BudgetWarning) e).limit()).isNotEmpty().containsOnly("run model calls");
    }

    static Crew writer(Tool write) {
        return Crew.of("writing", work(agent("coder", write), "code", "Write a.txt."));
    }

    static ScriptedModel writes() {
        return ScriptedModel.builder().atStep("code", Reply.toolCall("write_file", "{\"text\":\"a.txt=v1\"}"),
                Reply.dynamic(r -> Reply.text("tool said: " + ScriptedModel.lastToolResult(r)))).build();
    }

    @Test
    default void aWritingToolCallWaitsForApprovalAndRunsOnceApproved() {
        Queue<String> calls = new ConcurrentLinkedQueue<>();
        Tool write = Runs.tool("write_file", RiskLevel.WRITES, calls);
        RunHandle run = driver(writes(), HumanGate.programmatic(), write).run(writer(write), TASK, id("approved"));
        Checkpoint approval = Runs.checkpoint(run, 1);
        assertThat(approval.kind()).isEqualTo(Checkpoint.Kind.TOOL_APPROVAL);
        assertThat(approval.risk()).isEqualTo(RiskLevel.WRITES);
        assertThat(calls).as("nothing runs before the approval").isEmpty();
        run.resolve(approval.id(), Decision.approve("alice"));

        RunResult result = Runs.succeeded(run, "tool said: did a.txt=v1");
        assertThat(calls).containsExactly("a.txt=v1");
        assertThat(Runs.at(Runs.events(run), "code")).as("the call's intent is journaled, then approved, then it runs")
                .containsExactly("step_started", "model_requested", "model_responded", "tool_called",
                        "checkpoint_requested", "checkpoint_resolved", "tool_returned", "model_requested", "model_responded",
                        "step_finished");
    }

    @Test
    default void aRejectedToolCallDoesNotRunAndTheModelIsTold() {
        Queue<String> calls = new ConcurrentLinkedQueue<>();
        Tool write = Runs.tool("write_file", RiskLevel.WRITES, calls);
        RunHandle run = driver(writes(), HumanGate.programmatic(), write).run(writer(write), TASK, id("rejected"));
        run.resolve(Runs.checkpoint(run, 1).id(), Decision.reject("not that file", "alice"));

        RunResult result = Runs.result(run);
        assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(result.output()).contains("The user did not allow this call").contains("not that file");
        assertThat(calls).isEmpty();
        assertThat(Runs.events(run)).filteredOn(RunEvent.ToolReturned.class::isInstance)
                .allSatisfy(e -> assertThat(((RunEvent.ToolReturned) e).error()).isTrue());
    }

    @Test
    default void aReadOnlyToolRunsWithoutAsking() {
        Queue<String> calls = new ConcurrentLinkedQueue<>();
        Tool read = Runs.tool("read_file", RiskLevel.READ_ONLY, calls);
        Crew crew = Crew.of("reading", work(agent("reader", read), "read", "Read a.txt."));
        ScriptedModel model = ScriptedModel.builder().atStep("read", Reply.toolCall("read_file", "{\"text\":\"a.txt\"}"),
                Reply.dynamic(r -> Reply.text("read: " + ScriptedModel.lastToolResult(r)))).build();
        RunHandle run = driver(model, HumanGate.programmatic(), read).run(crew, TASK, id("read"));

        RunResult result = Runs.result(run);
        assertThat(result.output()).isEqualTo("read: did a.txt");
        assertThat(calls).containsExactly("a.txt");
        assertThat(Runs.events(run)).noneMatch(RunEvent.CheckpointRequested.class::isInstance);
    }
}
