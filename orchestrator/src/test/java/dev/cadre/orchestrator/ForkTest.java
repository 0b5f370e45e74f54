package dev.cadre.orchestrator;

import static dev.cadre.testkit.CadreAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.api.Agent;
import dev.cadre.api.ForkedFrom;
import dev.cadre.api.HumanGate;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.Persona;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import dev.cadre.api.Task;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Step;
import dev.cadre.api.crew.Until;
import dev.cadre.orchestrator.journal.JournalIntegrity;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.orchestrator.journal.JournalReader;
import dev.cadre.orchestrator.journal.JournalWriter;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forks: a new run from a parent's state at an event, with a step's output edited or an agent's model swapped. The
 * fork reuses what the parent's journal holds up to that event and runs only what follows.
 */
class ForkTest {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final JournalKey KEY = JournalKey.of(new byte[32]);

    @TempDir
    Path runs;

    static Agent agent(String id) {
        return Agent.of(Persona.builder(id).role(id).build());
    }

    Orchestrator orchestrator(ModelRegistry models) {
        return Orchestrator.builder().models(models).runsDirectory(runs).journalKey(KEY).gate(HumanGate.autoApprove()).build();
    }

    Orchestrator orchestrator(ScriptedModel model) {
        return orchestrator(ModelRegistry.of("scripted:m", model));
    }

    List<RunEvent> journal(String runId) {
        return Journals.read(runs, runId, KEY).events();
    }

    long seqOf(String runId, Class<? extends RunEvent> type, String path) {
        return journal(runId).stream().filter(e -> type.isInstance(e) && e.stepPath().equals(path)).findFirst()
                .orElseThrow().seq();
    }

    static final Crew DRAFT_EDIT = Crew.of("blog", Step.sequential("blog",
            Step.work(agent("writer"), Task.of("draft", "Draft a post.")),
            Step.work(agent("editor"), Task.builder("final").description("Edit the draft.").context("draft").build())));

    @Test
    void aForkWithAnEditedOutputRunsOnlyWhatFollowsAndTheNextStepSeesTheEdit() throws Exception {
        ScriptedModel parentModel = ScriptedModel.builder().agent("writer", Reply.text("a long draft"))
                .agent("editor", Reply.text("edited long draft")).build();
        RunHandle parent = orchestrator(parentModel).run(DRAFT_EDIT, Task.of("post", "Write."), RunOptions.DEFAULTS.withRunId("parent"));
        assertThat(parent.result().block(WAIT)).succeeded();
        String parentJournal = Journals.text(runs, "parent", KEY);

        ScriptedModel forkModel = ScriptedModel.builder().agent("editor", Reply.text("edited short draft")).build();
        long at = seqOf("parent", RunEvent.StepFinished.class, "blog/draft");
        RunHandle fork = orchestrator(forkModel).fork("parent", at, Fork.none().editOutput("blog/draft", "a short draft"),
                DRAFT_EDIT, RunOptions.DEFAULTS.withRunId("fork"));
        RunResult result = fork.result().block(WAIT);

        assertThat(result).succeeded().hasOutput("edited short draft").hasStepOutput("blog/draft", "a short draft");
        assertThat(forkModel.requestsFor("writer")).isEmpty();
        assertThat(forkModel.requestsFor("editor")).singleElement()
                .satisfies(r -> assertThat(r.lastUserText()).contains("a short draft").doesNotContain("a long draft"));
        RunEvent.RunStarted started = (RunEvent.RunStarted) journal("fork").get(0);
        assertThat(started.forkedFrom()).isEqualTo(new ForkedFrom("parent", at, java.util.Map.of("blog/draft", "a short draft"), java.util.Map.of()));
        assertThat(started.forkedFrom().describe()).isEqualTo("forked from parent at event " + at + " (output of blog/draft edited)");
        assertThat(journal("fork")).allSatisfy(e -> assertThat(e.runId()).isEqualTo("fork"));
        assertThat(Journals.read(runs, "fork", KEY).integrity().status()).isEqualTo(JournalIntegrity.Status.INTACT);
        assertThat(Journals.text(runs, "parent", KEY)).isEqualTo(parentJournal);
    }

    static Crew reviewLoop() {
        return Crew.of("loop", Step.loop("loop", Until.textContains("review", "APPROVED"), 3,
                Step.work(agent("coder"), Task.builder("code").description("Code it.").context("review").build()),
                Step.work(agent("reviewer"), Task.builder("review").description("Review it.").context("code").build())));
    }

    @Test
    void aForkInsideALoopThatEditsAReviewToApprovedConvergesWithoutCallingAModel() {
        ScriptedModel parentModel = ScriptedModel.builder().agent("coder", Reply.text("v1"), Reply.text("v2"))
                .agent("reviewer", Reply.text("needs work"), Reply.text("APPROVED")).build();
        RunHandle parent = orchestrator(parentModel).run(reviewLoop(), Task.of("fix", "Fix it."), RunOptions.DEFAULTS.withRunId("p"));
        assertThat(parent.result().block(WAIT)).succeeded().hasModelCalls(4);

        ScriptedModel forkModel = ScriptedModel.builder().build();
        long at = seqOf("p", RunEvent.StepFinished.class, "loop/iteration-1/review");
        RunResult result = orchestrator(forkModel).fork("p", at, Fork.none().editOutput("loop/iteration-1/review", "APPROVED"),
                reviewLoop(), RunOptions.DEFAULTS.withRunId("f")).result().block(WAIT);

        assertThat(result).succeeded().hasOutput("APPROVED");
        assertThat(result.outcomes().get("loop")).startsWith("converged after 1 iteration");
        assertThat(forkModel.requests()).isEmpty();
        assertThat(result.usage().modelCalls()).isEqualTo(1); // the parent's coder call, reused
    }

    static Crew threeBranches() {
        return Crew.of("fan", Step.parallel("fan", 1,
                Step.work(agent("a"), Task.of("a", "Part a.")),
                Step.work(agent("b"), Task.of("b", "Part b.")),
                Step.work(agent("c"), Task.of("c", "Part c."))));
    }

    @Test
    void aForkInsideAParallelStepGivesTheRemainingBranchesAnotherModelAndKeepsTheFinishedOnes() {
        ScriptedModel first = ScriptedModel.builder().agent("a", Reply.text("A1")).agent("b", Reply.text("B1"))
                .agent("c", Reply.text("C1")).build();
        RunHandle parent = orchestrator(first).run(threeBranches(), Task.of("t", "Do."), RunOptions.DEFAULTS.withRunId("p"));
        assertThat(parent.result().block(WAIT)).succeeded();

        ScriptedModel old = ScriptedModel.builder().build();
        ScriptedModel other = ScriptedModel.builder().agent("b", Reply.text("B2")).agent("c", Reply.text("C2")).build();
        ModelRegistry models = ModelRegistry.builder().model("scripted:m", old).model("scripted:big", other).defaultModel("scripted:m").build();
        long at = seqOf("p", RunEvent.StepFinished.class, "fan/a");
        RunHandle fork = orchestrator(models).fork("p", at, Fork.none().model("b", "scripted:big").model("c", "scripted:big"),
                threeBranches(), RunOptions.DEFAULTS.withRunId("f"));
        RunResult result = fork.result().block(WAIT);

        assertThat(result).succeeded().hasOutput("## a\nA1\n\n## b\nB2\n\n## c\nC2");
        assertThat(old.requests()).isEmpty();
        assertThat(other.requests()).hasSize(2);
        assertThat(journal("f")).filteredOn(RunEvent.ModelRequested.class::isInstance).map(e -> ((RunEvent.ModelRequested) e).model())
                .containsExactly("scripted:m", "scripted:big", "scripted:big");
    }

    static Crew team() {
        return Crew.of("team", Step.hierarchical("team", agent("manager"), Task.of("ship", "Ship it."), 5, agent("coder"), agent("writer")));
    }

    static Reply call(String tool, String... kv) {
        var args = dev.cadre.api.CadreJson.mapper().createObjectNode();
        for (int i = 0; i < kv.length; i += 2) args.put(kv[i], kv[i + 1]);
        return Reply.toolCall(tool, args.toString());
    }

    @Test
    void aForkInsideAHierarchicalStepGivesTheManagerTheEditedWorkerOutputAndNumbersLaterDelegationsOn() {
        ScriptedModel parentModel = ScriptedModel.builder()
                .atStep("team/manager", call("delegate", "worker", "coder", "subtask", "write code"),
                        call("delegate", "worker", "writer", "subtask", "document"), call("finish", "answer", "shipped"))
                .atStep("team/delegation-1/coder", Reply.text("buggy code"))
                .atStep("team/delegation-2/writer", Reply.text("docs")).build();
        assertThat(orchestrator(parentModel).run(team(), Task.of("t", "Ship."), RunOptions.DEFAULTS.withRunId("p")).result().block(WAIT))
                .succeeded().hasOutput("shipped");

        ScriptedModel forkModel = ScriptedModel.builder()
                // a step's script is by turn: turn 1 is the parent's, reused from its journal
                .atStep("team/manager", Reply.text("(turn 1 is not asked again)"),
                        call("delegate", "worker", "writer", "subtask", "document the fixed code"),
                        call("finish", "answer", "shipped fixed"))
                .atStep("team/delegation-2/writer", Reply.text("docs of the fix")).build();
        long at = seqOf("p", RunEvent.StepFinished.class, "team/delegation-1/coder");
        RunResult result = orchestrator(forkModel).fork("p", at, Fork.none().editOutput("team/delegation-1/coder", "fixed code"),
                team(), RunOptions.DEFAULTS.withRunId("f")).result().block(WAIT);

        assertThat(result).succeeded().hasOutput("shipped fixed").hasStepOutput("team/delegation-2/writer", "docs of the fix");
        assertThat(forkModel.requestsFor("coder")).isEmpty();
        assertThat(ScriptedModel.lastToolResult(forkModel.requestsFor("manager").get(0).request())).isEqualTo("Output of coder:\nfixed code");
        assertThat(result.outcomes()).containsEntry("team", "2 delegations");
    }

    @Test
    void badForksAreRefusedInOneSentenceBeforeAnythingIsWritten() throws Exception {
        ScriptedModel model = ScriptedModel.builder().agent("writer", Reply.text("d")).agent("editor", Reply.text("e")).build();
        Orchestrator orchestrator = orchestrator(model);
        orchestrator.run(DRAFT_EDIT, Task.of("post", "Write."), RunOptions.DEFAULTS.withRunId("p")).result().block(WAIT);
        long last = journal("p").size();

        assertThatThrownBy(() -> orchestrator.fork("p", 0, Fork.none(), DRAFT_EDIT))
                .hasMessage("Run 'p' has events 1 to " + last + ": it cannot be forked at event 0.");
        assertThatThrownBy(() -> orchestrator.fork("p", 2, Fork.none().editOutput("blog/drfat", "x"), DRAFT_EDIT))
                .hasMessage("Run 'p' has no step 'blog/drfat' to edit; its steps: blog, blog/draft, blog/final.");
        assertThatThrownBy(() -> orchestrator.fork("p", 2, Fork.none().model("wirter", "scripted:m"), DRAFT_EDIT))
                .hasMessage("Run 'p' has no agent 'wirter' to give model 'scripted:m'; its agents: writer, editor.");
        assertThatThrownBy(() -> orchestrator.fork("p", 2, Fork.none(), Crew.of("other", DRAFT_EDIT.process())))
                .hasMessageContaining("was started with crew 'blog', not 'other'");
        try (var store = dev.cadre.orchestrator.journal.LocalJournalStore.open(runs, KEY, dev.cadre.orchestrator.journal.Durability.PROCESS)) {
            assertThat(store.runIds()).containsExactly("p");
        }
    }

    @Test
    void aForkOfAForkKeepsTheFirstEditAndTheLinkToItsOwnParent() {
        ScriptedModel model = ScriptedModel.builder().agent("writer", Reply.text("d")).agent("editor", Reply.text("e1"), Reply.text("e2"), Reply.text("e3")).build();
        Orchestrator orchestrator = orchestrator(model);
        orchestrator.run(DRAFT_EDIT, Task.of("post", "Write."), RunOptions.DEFAULTS.withRunId("p")).result().block(WAIT);
        long at = seqOf("p", RunEvent.StepFinished.class, "blog/draft");
        orchestrator.fork("p", at, Fork.none().editOutput("blog/draft", "D"), DRAFT_EDIT, RunOptions.DEFAULTS.withRunId("f1"))
                .result().block(WAIT);
        long again = seqOf("f1", RunEvent.StepFinished.class, "blog/draft");
        RunResult second = orchestrator.fork("f1", again, Fork.none(), DRAFT_EDIT, RunOptions.DEFAULTS.withRunId("f2")).result().block(WAIT);

        assertThat(second).succeeded().hasStepOutput("blog/draft", "D");
        ForkedFrom link = ((RunEvent.RunStarted) journal("f2").get(0)).forkedFrom();
        assertThat(link.parentRunId()).isEqualTo("f1");
        assertThat(link.editedOutputs()).containsEntry("blog/draft", "D");
    }
}
