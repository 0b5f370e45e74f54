package dev.cadre.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.api.Agent;
import dev.cadre.api.Checkpoint;
import dev.cadre.api.HumanGate;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.PendingCheckpoint;
import dev.cadre.api.Persona;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Task;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.CrewPolicy;
import dev.cadre.api.crew.Review;
import dev.cadre.api.crew.Step;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RunHandle's checkpoints() as typed values, the blocking conveniences, and outputs read back as Java types. */
class TypedCheckpointsTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    enum Outcome { APPROVED, CHANGES_REQUESTED }

    record Verdict(Outcome verdict, String reasons) {}

    @TempDir
    Path runs;

    Orchestrator orchestrator(ScriptedModel model, HumanGate gate) {
        return Orchestrator.builder().models(ModelRegistry.of("scripted:m", model)).runsDirectory(runs).gate(gate).build();
    }

    static Crew reviewed(String agent, Task task) {
        return new Crew("r", Step.work(Agent.of(Persona.builder(agent).role(agent).build()), task).reviewed(Review.afterWork()),
                CrewPolicy.DEFAULT);
    }

    @Test
    void aScriptAnswersEveryCheckpointInALoopAndTheRunEnds() {
        ScriptedModel model = ScriptedModel.builder().agent("writer", Reply.text("draft 1"), Reply.text("draft 2")).build();
        RunHandle run = orchestrator(model, HumanGate.programmatic()).run(reviewed("writer", Task.of("post", "Write.")), Task.of("go", "Go."));

        List<String> seen = new ArrayList<>();
        for (PendingCheckpoint checkpoint : run.checkpoints().toIterable()) {
            seen.add(checkpoint.kind() + ":" + checkpoint.proposedOutput());
            if (seen.size() == 1) {
                checkpoint.reject("shorter");
            } else {
                checkpoint.approve("alice");
            }
        }

        assertThat(seen).containsExactly("REVIEW_AFTER:draft 1", "REVIEW_AFTER:draft 2");
        assertThat(run.await(WAIT).output()).isEqualTo("draft 2");
    }

    @Test
    void editReplacesTheOutputAndALateSubscriberSeesNoAnsweredCheckpoint() {
        ScriptedModel model = ScriptedModel.builder().agent("writer", Reply.text("draft")).build();
        RunHandle run = orchestrator(model, HumanGate.programmatic()).run(reviewed("writer", Task.of("post", "Write.")), Task.of("go", "Go."));

        PendingCheckpoint checkpoint = run.nextCheckpoint(WAIT).orElseThrow();
        assertThat(run.status()).isEqualTo(RunStatus.WAITING_FOR_HUMAN);
        checkpoint.edit("edited");

        assertThat(run.await(WAIT).output()).isEqualTo("edited");
        assertThat(run.checkpoints().collectList().block(WAIT)).isEmpty();
        assertThat(run.nextCheckpoint(WAIT)).isEmpty();
    }

    @Test
    void checkpointsAGateDecidedAreNotOffered() {
        ScriptedModel model = ScriptedModel.builder().agent("writer", Reply.text("draft")).build();
        RunHandle run = orchestrator(model, HumanGate.autoApprove()).run(reviewed("writer", Task.of("post", "Write.")), Task.of("go", "Go."));

        assertThat(run.checkpoints().collectList().block(WAIT)).isEmpty();
        assertThat(run.await(WAIT).succeeded()).isTrue();
    }

    @Test
    void awaitOnAWaitingRunSaysWhatItWaitsOnInsteadOfHanging() {
        ScriptedModel model = ScriptedModel.builder().agent("writer", Reply.text("draft")).build();
        RunHandle run = orchestrator(model, HumanGate.programmatic()).run(reviewed("writer", Task.of("post", "Write.")), Task.of("go", "Go."));
        Checkpoint waiting = run.nextCheckpoint(WAIT).orElseThrow().checkpoint();

        assertThatThrownBy(() -> run.await(Duration.ofMillis(200)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("did not end within PT0.2S; it is waiting on checkpoint '" + waiting.id() + "'")
                .hasMessageContaining("answer with checkpoints() or resolve(id, decision)");
        run.cancel();
        assertThat(run.await(WAIT).status()).isEqualTo(RunStatus.CANCELLED);
    }

    @Test
    void anOutputSchemaFromARecordIsAskedForAndReadBackAsTheRecord() {
        ScriptedModel model = ScriptedModel.builder()
                .agent("reviewer", Reply.text("{\"verdict\":\"APPROVED\",\"reasons\":\"tests pass\"}")).build();
        Task review = Task.builder("review").description("Review.").outputSchema(Verdict.class).build();
        assertThat(review.outputSchema().get("properties").get("verdict").get("enum").toString())
                .isEqualTo("[\"APPROVED\",\"CHANGES_REQUESTED\"]");

        Agent reviewer = Agent.of(Persona.builder("reviewer").role("reviewer").build());
        RunResult result = orchestrator(model, HumanGate.programmatic()).run(reviewer, review).await(WAIT);

        assertThat(result.output("review", Verdict.class)).isEqualTo(new Verdict(Outcome.APPROVED, "tests pass"));
        assertThat(result.output(Verdict.class).reasons()).isEqualTo("tests pass");
        assertThatThrownBy(() -> result.output("nope", Verdict.class))
                .hasMessageStartingWith("Run '" + result.runId() + "' has no output of step 'nope'; steps with outputs: ");
    }

    @Test
    void anOutputThatDoesNotMatchTheSchemaIsReaskedAndTheBadOneNeverReadBack() {
        ScriptedModel model = ScriptedModel.builder()
                .agent("reviewer", Reply.text("{\"verdict\":\"MAYBE\"}"), Reply.text("{\"verdict\":\"CHANGES_REQUESTED\",\"reasons\":\"x\"}"))
                .build();
        Task review = Task.builder("review").description("Review.").outputSchema(Verdict.class).build();
        RunResult result = orchestrator(model, HumanGate.programmatic())
                .run(Agent.of(Persona.builder("reviewer").role("reviewer").build()), review).await(WAIT);

        assertThat(result.output("review", Verdict.class).verdict()).isEqualTo(Outcome.CHANGES_REQUESTED);
    }

    @Test
    void aTypeThatIsNoRecordOrClassIsRefusedInOneSentence() {
        assertThatThrownBy(() -> Task.builder("t").description("d").outputSchema(String.class))
                .hasMessage("Output schema type java.lang.String is not a record or a class with fields: name one, e.g. record Verdict(String verdict, String reasons).");
    }
}
