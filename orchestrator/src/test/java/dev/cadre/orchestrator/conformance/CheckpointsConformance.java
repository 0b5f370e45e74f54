package dev.cadre.orchestrator.conformance;

import static dev.cadre.orchestrator.conformance.Runs.TASK;
import static dev.cadre.orchestrator.conformance.Runs.agent;
import static dev.cadre.orchestrator.conformance.Runs.id;
import static dev.cadre.orchestrator.conformance.Runs.work;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.Checkpoint;
import dev.cadre.api.Decision;
import dev.cadre.api.HumanGate;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.CrewPolicy;
import dev.cadre.api.crew.Review;
import dev.cadre.api.crew.Step;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A work step reviewed after its work: approve, reject, edit, abort, and a timeout deciding for nobody. */
public interface CheckpointsConformance extends SuitePart {

    /** A draft, then a final text a human reviews, then a summary of the final text. */
    static Crew reviewed(CrewPolicy policy) {
        return new Crew("reviewed", Step.sequential("doc", work(agent("drafter"), "draft", "Draft: {task}"),
                work(agent("editor"), "final", "Edit the draft.", "draft").reviewed(Review.afterWork()),
                work(agent("summarizer"), "summary", "Summarise.", "final")), policy);
    }

    static ScriptedModel model() {
        return ScriptedModel.builder().atStep("doc/draft", Reply.text("a rough draft"))
                .atStep("doc/final", Reply.text("the final text"))
                .atStep("doc/final/attempt-2", Reply.text("the shorter final text"))
                .atStep("doc/summary", Reply.dynamic(r -> Reply.text("summary of: " + r.messages().get(r.messages().size() - 1)))).build();
    }

    @Test
    default void anApprovedReviewKeepsTheOutputAndTheRunGoesOn() {
        RunHandle run = driver(model(), HumanGate.programmatic()).run(reviewed(CrewPolicy.DEFAULT), TASK, id("approve"));
        Checkpoint checkpoint = Runs.checkpoint(run, 1);
        assertThat(checkpoint.kind()).isEqualTo(Checkpoint.Kind.REVIEW_AFTER);
        assertThat(checkpoint.stepPath()).isEqualTo("doc/final");
        assertThat(checkpoint.proposedOutput()).isEqualTo("the final text");
        assertThat(run.status()).isEqualTo(RunStatus.WAITING_FOR_HUMAN);
        assertThat(run.pendingCheckpoints()).extracting(Checkpoint::id).containsExactly(checkpoint.id());
        run.resolve(checkpoint.id(), Decision.approve("alice"));

        RunResult result = Runs.result(run);
        assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(result.outputs()).containsEntry("doc/final", "the final text");
        assertThat(result.output()).contains("the final text");
        List<RunEvent> events = Runs.events(run);
        assertThat(Runs.at(events, "doc/final")).as("the agent's step ends, then its output is reviewed at its path")
                .containsExactly("step_started", "model_requested", "model_responded", "step_finished",
                        "checkpoint_requested", "checkpoint_resolved");
        assertThat(Runs.trace(events)).containsSubsequence("checkpoint_resolved doc/final", "step_started doc/summary");
        assertThat(events).filteredOn(RunEvent.CheckpointResolved.class::isInstance)
                .extracting(e -> ((RunEvent.CheckpointResolved) e).decision().decidedBy()).containsExactly("alice");
    }

    @Test
    default void aRejectedReviewRedoesTheStepWithTheFeedbackAsTheNextAttempt() {
        ScriptedModel model = model();
        RunHandle run = driver(model, HumanGate.programmatic()).run(reviewed(CrewPolicy.DEFAULT), TASK, id("reject"));
        run.resolve(Runs.checkpoint(run, 1).id(), Decision.reject("make it shorter", "alice"));
        Checkpoint second = Runs.checkpoint(run, 2);
        assertThat(second.stepPath()).isEqualTo("doc/final/attempt-2");
        assertThat(second.proposedOutput()).isEqualTo("the shorter final text");
        run.resolve(second.id(), Decision.approve("alice"));

        RunResult result = Runs.result(run);
        assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(result.outputs()).containsEntry("doc/final", "the shorter final text");
        assertThat(model.requestsFor("editor")).hasSize(2);
        assertThat(model.requestsFor("editor").get(1).lastUserText()).contains("make it shorter").contains("the final text");
        assertThat(model.requestsFor("summarizer").get(0).lastUserText()).contains("the shorter final text");
    }

    @Test
    default void anEditedReviewReplacesTheOutputThatLaterStepsSee() {
        ScriptedModel model = model();
        RunHandle run = driver(model, HumanGate.programmatic()).run(reviewed(CrewPolicy.DEFAULT), TASK, id("edit"));
        run.resolve(Runs.checkpoint(run, 1).id(), Decision.edit("the text alice wrote", "alice"));

        RunResult result = Runs.result(run);
        assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(result.outputs()).containsEntry("doc/final", "the text alice wrote");
        assertThat(model.requestsFor("summarizer").get(0).lastUserText()).contains("the text alice wrote").doesNotContain("the final text");
        assertThat(model.requestsFor("editor")).hasSize(1);
    }

    @Test
    default void anAbortedReviewCancelsTheRunAndNothingAfterItRuns() {
        ScriptedModel model = model();
        RunHandle run = driver(model, HumanGate.programmatic()).run(reviewed(CrewPolicy.DEFAULT), TASK, id("abort"));
        run.resolve(Runs.checkpoint(run, 1).id(), Decision.abort("wrong direction", "alice"));

        RunResult result = Runs.result(run);
        assertThat(result.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(result.reason()).contains("wrong direction");
        assertThat(result.outputs()).containsEntry("doc/draft", "a rough draft").doesNotContainKey("doc/summary");
        List<RunEvent> events = Runs.events(run);
        assertThat(events.get(events.size() - 1)).isInstanceOf(RunEvent.RunCancelled.class);
        assertThat(Runs.trace(events)).doesNotContain("step_started doc/summary")
                .containsSubsequence("checkpoint_resolved doc/final", "step_failed doc", "run_cancelled");
        assertThat(model.requestsFor("summarizer")).isEmpty();
    }

    @Test
    default void aCheckpointThatTimesOutTakesThePolicysDecision() {
        CrewPolicy policy = CrewPolicy.builder().checkpointTimeout(Duration.ofMillis(50), Decision.approve("policy")).build();
        RunHandle run = driver(model(), HumanGate.programmatic()).run(reviewed(policy), TASK, id("timeout"));

        RunResult result = Runs.result(run);
        assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(result.outputs()).containsEntry("doc/final", "the final text");
        List<RunEvent> events = Runs.events(run);
        assertThat(events).filteredOn(RunEvent.CheckpointRequested.class::isInstance)
                .extracting(e -> ((RunEvent.CheckpointRequested) e).checkpoint().timeout()).containsExactly(Duration.ofMillis(50));
        assertThat(events).filteredOn(RunEvent.CheckpointResolved.class::isInstance)
                .extracting(e -> ((RunEvent.CheckpointResolved) e).decision())
                .containsExactly(new Decision(Decision.Kind.APPROVE, null, null, "timeout"));
    }

    @Test
    default void anAgentAsksAHumanAndTheAnswerIsTheToolsResult() {
        Crew crew = new Crew("asking", work(agent("coder"), "code", "Change the right file."), CrewPolicy.builder().askHuman(true).build());
        ScriptedModel model = ScriptedModel.builder().atStep("code", Reply.toolCall("ask_human", "{\"question\":\"Which file?\"}"),
                Reply.dynamic(r -> Reply.text("changing " + ScriptedModel.lastToolResult(r)))).build();
        RunHandle run = driver(model, HumanGate.programmatic()).run(crew, TASK, id("ask"));
        Checkpoint question = Runs.checkpoint(run, 1);
        assertThat(question.kind()).isEqualTo(Checkpoint.Kind.ASK_HUMAN);
        assertThat(question.question()).isEqualTo("Which file?");
        run.resolve(question.id(), Decision.edit("b.txt", "alice"));

        Runs.succeeded(run, "changing b.txt");
        assertThat(Runs.at(Runs.events(run), "code")).containsSubsequence("checkpoint_requested", "checkpoint_resolved",
                "model_requested", "model_responded", "step_finished");
    }

    @Test
    default void aReviewBeforeTheWorkCanEditTheTaskTheAgentGets() {
        Crew crew = Crew.of("before", work(agent("coder"), "code", "Delete everything.").reviewed(Review.beforeWork()));
        ScriptedModel model = ScriptedModel.builder().atStep("code", Reply.dynamic(r -> Reply.text("did: " + r.messages().get(1)))).build();
        RunHandle run = driver(model, HumanGate.programmatic()).run(crew, TASK, id("before"));
        Checkpoint before = Runs.checkpoint(run, 1);
        assertThat(before.kind()).isEqualTo(Checkpoint.Kind.REVIEW_BEFORE);
        assertThat(model.requests()).as("nothing is asked before the review").isEmpty();
        run.resolve(before.id(), Decision.edit("Delete only the build directory.", "alice"));

        RunResult result = Runs.result(run);
        assertThat(result.output()).contains("Delete only the build directory.").doesNotContain("everything");
        assertThat(Runs.at(Runs.events(run), "code")).startsWith("checkpoint_requested", "checkpoint_resolved");
    }

    @Test
    default void aBudgetThatRunsOutAsksAHumanAndAnApprovalGrantsItAgain() {
        CrewPolicy policy = CrewPolicy.builder().runBudget(dev.cadre.api.Budget.UNLIMITED.withMaxModelCalls(1))
                .onBudgetExceeded(dev.cadre.api.crew.BudgetPolicy.ASK_HUMAN).build();
        Crew crew = new Crew("asked", Step.sequential("steps", work(agent("one"), "first", "First."), work(agent("two"), "second", "Second.")),
                policy);
        ScriptedModel model = ScriptedModel.builder().atStep("steps/first", Reply.text("1")).atStep("steps/second", Reply.text("2")).build();
        RunHandle run = driver(model, HumanGate.programmatic()).run(crew, TASK, id("budget-ask"));
        Checkpoint budget = Runs.checkpoint(run, 1);
        assertThat(budget.kind()).isEqualTo(Checkpoint.Kind.BUDGET);
        assertThat(budget.stepPath()).isEqualTo("steps/second");
        assertThat(model.requests()).hasSize(1);
        run.resolve(budget.id(), Decision.approve("alice"));

        Runs.succeeded(run, "2");
        assertThat(model.requests()).hasSize(2);
    }
}
