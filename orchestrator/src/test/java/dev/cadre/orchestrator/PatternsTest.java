package dev.cadre.orchestrator;

import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Step;
import dev.cadre.api.crew.Until;
import dev.cadre.api.crew.Worker;
import static dev.cadre.testkit.CadreAssertions.assertThat;
import static dev.cadre.testkit.CadreAssertions.assertThatEvents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.Agent;
import dev.cadre.api.CadreJson;
import dev.cadre.api.HumanGate;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.Persona;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import dev.cadre.api.Task;
import dev.cadre.api.ToolResult;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PatternsTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path runs;

    static Agent agent(String id, String role) {
        return Agent.of(Persona.builder(id).role(role).build());
    }

    Orchestrator orchestrator(ChatModel model) {
        return Orchestrator.builder().models(ModelRegistry.of("scripted:m", model)).runsDirectory(runs)
                .gate(HumanGate.autoApprove()).build();
    }

    static List<RunEvent> events(RunHandle run) {
        return run.events().collectList().block(WAIT);
    }

    static final Task GOAL = Task.of("goal", "Write about {topic}.").withInputs(java.util.Map.of("topic", "Reactor"));

    @Test
    void sequentialTasksSeeOnlyTheOutputsTheyName() {
        Agent researcher = agent("researcher", "Researcher");
        Agent writer = agent("writer", "Writer");
        Agent editor = agent("editor", "Editor");
        Crew crew = Crew.of("blog", Step.sequential("blog",
                Step.work(researcher, Task.of("research", "Research {topic} for: {task}")),
                Step.work(writer, Task.builder("draft").description("Draft a post.").context("research").build()),
                Step.work(editor, Task.builder("final").description("Edit the draft.").context("draft").build())));
        ScriptedModel model = ScriptedModel.builder()
                .agent("researcher", Reply.text("Reactor is a reactive library."))
                .agent("writer", Reply.text("DRAFT: Reactor rocks."))
                .agent("editor", Reply.text("FINAL: Reactor rocks.")).build();

        RunHandle run = orchestrator(model).run(crew, GOAL);

        assertThat(run).succeeded().hasOutput("FINAL: Reactor rocks.")
                .hasStepOutput("blog/research", "Reactor is a reactive library.")
                .hasStepOutput("blog/draft", "DRAFT: Reactor rocks.")
                .hasStepOutput("blog", "FINAL: Reactor rocks.");
        assertThat(model.requestsFor("researcher").get(0).lastUserText()).isEqualTo("Research Reactor for: Write about Reactor.");
        assertThat(model.requestsFor("writer").get(0).lastUserText())
                .isEqualTo("Draft a post.\n\n## Context: research\nReactor is a reactive library.");
        assertThat(model.requestsFor("editor").get(0).lastUserText())
                .isEqualTo("Edit the draft.\n\n## Context: draft\nDRAFT: Reactor rocks.")
                .doesNotContain("reactive library");
        assertThatEvents(events(run)).stepPaths().containsExactly("blog", "blog/research", "blog/draft", "blog/final");
    }

    @Test
    void aCrewWhoseTaskNamesAnUnknownContextIsRefusedBeforeItRuns() {
        Crew crew = Crew.of("bad", Step.sequential("s",
                Step.work(agent("a", "A"), Task.builder("one").description("x").context("reserch").build())));
        assertThatThrownBy(() -> orchestrator(ScriptedModel.of()).run(crew, GOAL))
                .hasMessage("Crew 'bad': task 'one' takes context 'reserch', which no step of the crew produces and the run"
                        + " was not given; outputs: one, s.");
    }

    static final String VERDICT = "{\"type\":\"object\",\"required\":[\"verdict\"],\"properties\":{\"verdict\":{\"enum\":[\"APPROVED\",\"CHANGES_REQUESTED\"]},\"feedback\":{\"type\":\"string\"}}}";

    static Crew reviewLoop(int max) throws Exception {
        JsonNode schema = CadreJson.mapper().readTree(VERDICT);
        Agent coder = agent("coder", "Coder");
        Agent reviewer = agent("reviewer", "Reviewer");
        return Crew.of("coder-reviewer", Step.loop("review-loop", Until.verdict("review", "verdict", "APPROVED"), max,
                Step.work(coder, Task.builder("code").description("Implement: {task}").context("review").build()),
                Step.work(reviewer, Task.builder("review").description("Review the code.").context("code").outputSchema(schema).build())));
    }

    @Test
    void aLoopStopsWhenTheReviewerApprovesAndFeedsTheFeedbackBack() throws Exception {
        ScriptedModel model = ScriptedModel.builder()
                .agent("coder", Reply.text("v1"), Reply.text("v2"))
                .agent("reviewer", Reply.text("{\"verdict\":\"CHANGES_REQUESTED\",\"feedback\":\"handle null\"}"),
                        Reply.text("{\"verdict\":\"APPROVED\"}"))
                .build();
        RunHandle run = orchestrator(model).run(reviewLoop(3), Task.of("fix", "a null-safe parser"));
        RunResult result = run.result().block(WAIT);

        assertThat(result).succeeded().hasOutput("{\"verdict\":\"APPROVED\"}").hasModelCalls(4);
        assertThat(result.outcomes()).containsEntry("review-loop",
                "converged after 2 iterations: review.verdict is APPROVED");
        assertThat(model.requestsFor("coder").get(0).lastUserText()).isEqualTo("Implement: a null-safe parser");
        assertThat(model.requestsFor("coder").get(1).lastUserText()).contains("## Context: review")
                .contains("handle null");
        assertThat(result.outputs()).containsKeys("review-loop/iteration-1/code", "review-loop/iteration-2/review");
    }

    @Test
    void aLoopThatNeverConvergesStopsAtItsBoundAndSaysSo() throws Exception {
        Reply no = Reply.text("{\"verdict\":\"CHANGES_REQUESTED\"}");
        ScriptedModel model = ScriptedModel.builder().agent("coder", Reply.text("a"), Reply.text("b"), Reply.text("c"))
                .agent("reviewer", no, no, no).build();
        RunResult result = orchestrator(model).run(reviewLoop(3), Task.of("fix", "x")).result().block(WAIT);
        assertThat(result).succeeded().hasModelCalls(6);
        assertThat(result.outcomes()).containsEntry("review-loop", "stopped at the bound of 3 iterations without converging");
    }

    /**
     * A blocking model that counts how many calls are in flight at once. Each call waits (at most 10 s) until
     * {@code meet} calls are in flight together, so the count does not depend on how fast the machine is: a driver
     * that allows fewer calls at once makes the calls wait out the bound, one that allows more is counted.
     */
    static final class CountingModel implements ChatModel {
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();
        private final int meet;

        CountingModel(int meet) {
            this.meet = meet;
        }

        @Override
        public synchronized ChatResponse doChat(ChatRequest request) {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            notifyAll();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            try {
                while (inFlight.get() < meet && maxInFlight.get() < meet && System.nanoTime() < deadline) {
                    wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                }
                wait(50); // a driver allowing more than the limit gets its extra calls in meanwhile
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                inFlight.decrementAndGet();
            }
            return ChatResponse.builder().aiMessage(AiMessage.from("done")).tokenUsage(new TokenUsage(10, 2)).build();
        }
    }

    @Test
    void parallelBranchesOverlapUpToTheConcurrencyLimit() {
        for (int limit : new int[] {2, 4}) {
            CountingModel model = new CountingModel(limit);
            Step[] branches = new Step[4];
            for (int i = 0; i < 4; i++) {
                branches[i] = Step.work(agent("worker" + i, "Worker"), Task.of("part" + i, "Part " + i));
            }
            RunResult result = orchestrator(model).run(Crew.of("fan", Step.parallel("fan", limit, branches)), GOAL)
                    .result().block(WAIT);
            assertThat(result).succeeded().hasModelCalls(4);
            assertThat(model.maxInFlight).as("calls in flight at once with limit %d", limit).hasValue(limit);
            assertThat(result.output()).startsWith("## part0\ndone\n\n## part1\ndone");
        }
    }

    static Reply delegate(String worker, String subtask) {
        return Reply.toolCall("delegate", CadreJson.mapper().createObjectNode().put("worker", worker).put("subtask", subtask).toString());
    }

    @Test
    void aManagerRecoversFromAWrongWorkerNameDelegatesAndFinishes() {
        Agent manager = agent("manager", "Engineering manager");
        Step.Hierarchical team = Step.hierarchical("team", manager, Task.of("feature", "Ship a CSV export."), 5,
                agent("coder", "Coder"), agent("tester", "Tester"), agent("writer", "Technical writer"));
        ScriptedModel model = ScriptedModel.builder()
                .agent("manager", delegate("codr", "write the exporter"), delegate("coder", "write the exporter"),
                        delegate("tester", "test the exporter"),
                        Reply.toolCall("finish", "{\"answer\":\"CSV export shipped and tested.\"}"))
                .agent("coder", Reply.text("Exporter written."))
                .agent("tester", Reply.text("3 tests pass."))
                .build();
        RunHandle run = orchestrator(model).run(Crew.of("team", team), GOAL);
        RunResult result = run.result().block(WAIT);

        assertThat(result).succeeded().hasOutput("CSV export shipped and tested.");
        assertThat(result.outcomes()).containsEntry("team", "2 delegations");
        assertThatEvents(events(run)).toolErrors().containsExactly("There is no worker named 'codr'. Workers: coder, tester, writer.");
        assertThatEvents(events(run)).stepPaths()
                .containsExactly("team", "team/manager", "team/delegation-1/coder", "team/delegation-2/tester");
        assertThat(model.requestsFor("coder").get(0).lastUserText()).isEqualTo("write the exporter");
        assertThat(ScriptedModel.lastToolResult(model.requestsFor("manager").get(3).request())).isEqualTo("Output of tester:\n3 tests pass.");
        assertThat(model.requestsFor("manager").get(0).request().toolSpecifications()).extracting(s -> s.name())
                .containsExactly("delegate", "finish");
    }

    @Test
    void aManagerCannotBeItsOwnWorker() {
        Agent manager = agent("manager", "Manager");
        assertThatThrownBy(() -> Step.hierarchical("team", manager, null, 3, manager, agent("coder", "Coder")))
                .hasMessage("Hierarchical step 'team' lists its manager 'manager' as a worker: a manager delegates to others, never to itself.");
    }

    @Test
    void delegationsAreBoundedAndTheManagerIsTold() {
        Agent manager = agent("manager", "Manager");
        Step.Hierarchical team = Step.hierarchical("team", manager, null, 1, agent("coder", "Coder"));
        ScriptedModel model = ScriptedModel.builder()
                .agent("manager", delegate("coder", "one"), delegate("coder", "two"), Reply.text("done anyway"))
                .agent("coder", Reply.text("ok")).build();
        RunHandle run = orchestrator(model).run(Crew.of("team", team), GOAL);
        assertThat(run).succeeded().hasOutput("done anyway");
        assertThatEvents(events(run)).toolErrors().containsExactly("The limit of 1 delegations is reached; call finish with your answer now.");
    }

    @Test
    void aDelegationCycleIsStopped() {
        Agent lead = agent("lead", "Lead");
        Step.Hierarchical inner = new Step.Hierarchical("inner", lead, null, List.of(Worker.agent(agent("coder", "Coder"))), 3, 3);
        Step.Hierarchical outer = new Step.Hierarchical("outer", lead, null, List.of(Worker.team("platform", inner)), 3, 3);
        ScriptedModel model = ScriptedModel.builder().agent("lead", delegate("platform", "build it")).build();
        RunResult result = orchestrator(model).run(Crew.of("cycle", outer), GOAL).result().block(WAIT);
        assertThat(result).failed().hasReasonContaining("Delegation cycle: lead -> lead; stopped before it runs again.");
    }

    @Test
    void theSameToolCallRepeatedIsStopped() {
        TestTool lookup = TestTool.wordCount();
        Persona looper = Persona.builder("looper").role("Looper").tools("word_count").build();
        Reply same = Reply.toolCall("word_count", "{\"text\":\"a b\"}");
        ScriptedModel model = ScriptedModel.builder().agent("looper", same, same, same, same).build();
        Orchestrator orchestrator = Orchestrator.builder().models(ModelRegistry.of("scripted:m", model)).tool(lookup)
                .runsDirectory(runs).build();
        RunResult result = orchestrator.run(orchestrator.agent(looper), Task.of("count", "Count.")).result().block(WAIT);
        assertThat(result).failed().hasReasonContaining(
                "Agent 'looper' called tool 'word_count' with the same arguments 3 times; stopped to avoid a loop.");
        assertThat(lookup.calls).hasSize(2);
    }

    // ---- debate ----

    static final Task QUESTION = Task.of("question", "What is 6 x 7? Answer as JSON {\"answer\": ..., \"reason\": ...}.");

    static Reply answer(String value) {
        return Reply.text("{\"answer\":\"" + value + "\",\"reason\":\"because\"}");
    }

    static Step.Debate debate(int rounds, Agent judge) {
        return new Step.Debate("debate", List.of(agent("optimist", "Optimist"), agent("skeptic", "Skeptic"),
                agent("pedant", "Pedant")), QUESTION, rounds, judge, null, null);
    }

    @Test
    void aDebateStopsEarlyOnConsensus() {
        ScriptedModel model = ScriptedModel.builder().agent("optimist", answer("42")).agent("skeptic", answer(" 42 "))
                .agent("pedant", Reply.text("```json\n{\"answer\":\"42.\"}\n```")).build();
        RunResult result = orchestrator(model).run(Crew.of("d", debate(2, null)), GOAL).result().block(WAIT);
        assertThat(result).succeeded().hasModelCalls(3);
        assertThat(result.outcomes()).containsEntry("debate", "consensus in round 0");
    }

    @Test
    void aDebateRunsAllRoundsShowsEachRoundAndTakesTheMajority() {
        ScriptedModel model = ScriptedModel.builder()
                .agent("optimist", answer("42"), answer("42"), answer("42"))
                .agent("skeptic", answer("40"), answer("41"), answer("42"))
                .agent("pedant", answer("36"), answer("36"), answer("36"))
                .build();
        RunHandle run = orchestrator(model).run(Crew.of("d", debate(2, null)), GOAL);
        RunResult result = run.result().block(WAIT);

        assertThat(result).succeeded().hasModelCalls(9).hasOutput("{\"answer\":\"42\",\"reason\":\"because\"}");
        assertThat(result.outcomes()).containsEntry("debate", "majority 2 of 3 after round 2");
        List<String> finished = events(run).stream().filter(RunEvent.StepFinished.class::isInstance).map(RunEvent::stepPath).toList();
        for (int round = 0; round <= 2; round++) {
            for (String d : List.of("optimist", "skeptic", "pedant")) {
                assertThat(finished).contains("debate/round-" + round + "/" + d);
            }
        }
        String skepticRound1 = model.requestsFor("skeptic").get(1).lastUserText();
        assertThat(skepticRound1).contains("## Context: Your previous answer\n{\"answer\":\"40\"")
                .contains("## Context: Other debaters' answers in round 0").contains("### Optimist").contains("### Pedant")
                .doesNotContain("### Skeptic");
    }

    @Test
    void aJudgeDecidesOpenEndedDebates() {
        Agent judge = agent("judge", "Judge");
        ScriptedModel model = ScriptedModel.builder()
                .agent("optimist", answer("yes"), answer("yes")).agent("skeptic", answer("no"), answer("no"))
                .agent("pedant", answer("depends"), answer("depends"))
                .agent("judge", Reply.text("Decision: yes. Reasons: the evidence.")).build();
        RunHandle run = orchestrator(model).run(Crew.of("d", debate(1, judge)), GOAL);
        RunResult result = run.result().block(WAIT);
        assertThat(result).succeeded().hasOutput("Decision: yes. Reasons: the evidence.").hasModelCalls(7);
        assertThat(result.outcomes()).containsEntry("debate", "judge decided after round 1");
        assertThat(model.requestsFor("judge").get(0).lastUserText()).contains("You are the judge")
                .contains("## Context: Answer of Optimist").contains("## Context: Answer of Skeptic");
    }

    @Test
    void theVoteOnlyBaselineSpendsTheSameCallsAsAFullDebate() {
        Step.Debate full = debate(2, null);
        Step.Vote baseline = full.voteBaseline("vote");
        ScriptedModel model = ScriptedModel.builder()
                .agent("optimist", answer("42"), answer("41"), answer("42"))
                .agent("skeptic", answer("42"), answer("40"), answer("42"))
                .agent("pedant", answer("36"), answer("42"), answer("36")).build();
        RunHandle run = orchestrator(model).run(Crew.of("v", baseline), GOAL);
        RunResult result = run.result().block(WAIT);
        assertThat(result).succeeded().hasModelCalls(9).hasOutput("{\"answer\":\"42\",\"reason\":\"because\"}");
        assertThat(result.outcomes()).containsEntry("vote", "majority 5 of 9 votes");
        assertThat(model.requests()).allSatisfy(r -> assertThat(r.lastUserText()).doesNotContain("Context"));
    }

    @Test
    void aDebateNestsInsideASequentialCrewAndCanSummariseRounds() {
        Agent summarizer = agent("summarizer", "Summarizer");
        Step.Debate withSummary = new Step.Debate("debate", List.of(agent("optimist", "Optimist"), agent("skeptic", "Skeptic")),
                QUESTION, 1, null, summarizer, null);
        Crew crew = Crew.of("report", Step.sequential("report", withSummary,
                Step.work(agent("writer", "Writer"), Task.builder("report").description("Report the answer.").context("debate").build())));
        ScriptedModel model = ScriptedModel.builder()
                .agent("optimist", answer("42"), answer("42")).agent("skeptic", answer("41"), answer("42"))
                .agent("summarizer", Reply.text("One says 42, one says 41."))
                .agent("writer", Reply.text("The answer is 42.")).build();
        RunHandle run = orchestrator(model).run(crew, GOAL);
        RunResult result = run.result().block(WAIT);
        assertThat(result).succeeded().hasOutput("The answer is 42.");
        assertThat(result.outcomes()).containsEntry("report/debate", "consensus in round 1");
        assertThat(model.requestsFor("optimist").get(1).lastUserText()).contains("## Context: Summary of all answers in round 0\nOne says 42, one says 41.");
        assertThat(model.requestsFor("writer").get(0).lastUserText()).contains("## Context: debate\n{\"answer\":\"42\"");
        assertThatEvents(events(run)).stepPaths().contains("report/debate/round-1/summary");
    }

    @Test
    void readOnlyToolsAreNotGatedByDefaultButWritingToolsAre() {
        TestTool read = new TestTool("read", RiskLevel.READ_ONLY, a -> ToolResult.ok("r"));
        Persona p = Persona.builder("p").role("R").tools("read").build();
        ScriptedModel model = ScriptedModel.builder().agent("p", Reply.toolCall("read", "{\"text\":\"x\"}"), Reply.text("ok")).build();
        Orchestrator o = Orchestrator.builder().models(ModelRegistry.of("scripted:m", model)).tool(read).runsDirectory(runs).build();
        assertThat(o.run(o.agent(p), Task.of("t", "x"))).succeeded();
    }
}
