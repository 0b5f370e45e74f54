package dev.cadre.orchestrator.internal.core;

import static dev.cadre.orchestrator.internal.core.Fixtures.agent;
import static dev.cadre.orchestrator.internal.core.Fixtures.work;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.Budget;
import dev.cadre.api.Decision;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Task;
import dev.cadre.api.crew.BudgetPolicy;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.CrewPolicy;
import dev.cadre.api.crew.Step;
import dev.cadre.api.crew.Until;
import dev.cadre.api.crew.Worker;
import dev.cadre.orchestrator.internal.RecordedRun;
import dev.cadre.orchestrator.redaction.Redactor;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Resume is a fold: a core given a journal's events as facts uses them where it would otherwise ask, takes journaled
 * intents as made, and reaches the same end. Each test here is one of the traps of issue 14.
 */
class FoldTest {

    /** Parallel (with tool calls and an approval), loop and hierarchical steps, one after another. */
    static final Crew CREW = Crew.of("fold", new Step.Sequential("run", List.of(
            new Step.Parallel("par", List.of(
                    work("a", agent("alice", Fixtures.read(), Fixtures.write()), "Look at A."),
                    new Step.Sequential("b", List.of(work("b1", agent("bob"), "First B."),
                            work("b2", agent("bob"), "Then B.", "b1"))),
                    work("c", agent("carol"), "Look at C.")), 3),
            new Step.Loop("loop", List.of(work("draft", agent("writer"), "Draft.", "par", "check"),
                    work("check", agent("checker"), "Check.", "draft")), new Until.TextContains("check", "OK"), 3),
            new Step.Hierarchical("team", agent("boss"), Task.of("goal", "Report."),
                    List.of(Worker.agent(agent("researcher")), Worker.agent(agent("editor"))), 5, 3))));

    static final Set<String> BRANCHES = Set.of("run/par/a", "run/par/b", "run/par/c");

    @Test
    void aJournalCutAfterAnyEventResumesToTheSameEndAndAsksNothingItAnswers() {
        CoreHarness whole = runToEnd(CoreHarness.with(CREW).start());
        assertThat(whole.end.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(whole.kinds()).contains("step_finished run/loop/iteration-2/check", "step_finished run/team/delegation-2/editor",
                "checkpoint_resolved run/par/a", "tool_returned run/par/a");
        resumeFromEveryCut(whole.events, whole, CREW, FoldTest::script, APPROVE);
    }

    @Test
    void theSameWithTheParallelBranchesEventsInAnotherOrder() {
        CoreHarness whole = runToEnd(CoreHarness.with(CREW).start());
        for (long seed = 1; seed <= 2; seed++) {
            List<RunEvent> shuffled = Journals.interleave(whole.events, e -> branchOf(e.stepPath()), new Random(seed));
            assertThat(shuffled).isNotEqualTo(whole.events).hasSameSizeAs(whole.events);
            resumeFromEveryCut(shuffled, whole, CREW, FoldTest::script, APPROVE);
        }
    }

    private static String branchOf(String path) {
        return BRANCHES.stream().filter(b -> path.equals(b) || path.startsWith(b + "/")).findFirst().orElse(null);
    }

    private static void resumeFromEveryCut(List<RunEvent> journal, CoreHarness whole, Crew crew,
                                           CoreHarness.ModelScript models, CoreHarness.Decider decider) {
        for (int cut = 1; cut <= journal.size(); cut++) {
            List<RunEvent> prefix = journal.subList(0, cut);
            String at = "cut after event " + cut + " (" + CoreHarness.describe(prefix.get(cut - 1)) + ")";
            CoreHarness resumed = CoreHarness.with(crew).journal(RecordedRun.of(prefix)).start().runToEnd(models, decider);

            assertThat(resumed.end.status()).as(at).isEqualTo(whole.end.status());
            assertThat(resumed.end.output()).as(at).isEqualTo(whole.end.output());
            assertThat(resumed.replayMismatches).as(at).isEmpty();
            assertThat(keys(resumed.events)).as(at).isEqualTo(keys(whole.events));
            RecordedRun facts = RecordedRun.of(prefix);
            for (Command.CallModel call : resumed.allModelCalls) {
                assertThat(facts.modelResponse(call.stepPath(), call.turn())).as(at + ": model call " + call.key()).isEmpty();
            }
            for (Command.CallTool call : resumed.allToolCalls) {
                int turn = Integer.parseInt(call.key().split("\\|")[1]);
                String path = call.context().stepPath();
                assertThat(facts.toolResult(path, turn, call.context().callId())).as(at + ": tool call " + call.key()).isEmpty();
                assertThat(call.recover()).as(at + ": recover " + call.key()).isEqualTo(facts.toolCalled(path, turn, call.context().callId()));
            }
            for (Command.AskHuman ask : resumed.allAsks) {
                assertThat(facts.checkpointResolved(ask.checkpoint().id())).as(at + ": checkpoint " + ask.checkpoint().id()).isEmpty();
            }
        }
    }

    /** The journal's events by identity, sorted: what happened, whatever the order. */
    private static List<String> keys(List<RunEvent> events) {
        return events.stream().map(RecordedRun::key).filter(Objects::nonNull).sorted().toList();
    }

    /**
     * Drives the run to its end with model calls answered by a script that depends only on the step, the turn and what
     * the model is shown (so a resumed run that showed it something else ends elsewhere), checkpoints approved.
     */
    static CoreHarness runToEnd(CoreHarness h) {
        return h.runToEnd(FoldTest::script, APPROVE);
    }

    static final CoreHarness.Decider APPROVE = (h, ask) -> Decision.approve("ann");

    private static void script(CoreHarness h, Command.CallModel call) {
        String digest = Integer.toHexString(CoreHarness.prompt(call).hashCode());
        String path = call.stepPath();
        int turn = call.turn();
        if (path.equals("run/par/a") && turn == 1) {
            h.callTools(call, "read", "{\"path\":\"a.txt\"}");
        } else if (path.equals("run/par/a") && turn == 2) {
            h.callTools(call, "write", "{\"path\":\"a-notes.txt\"}");
        } else if (path.equals("run/team/boss") && turn == 1) {
            h.callTools(call, "delegate", "{\"worker\":\"researcher\",\"subtask\":\"Find sources.\"}");
        } else if (path.equals("run/team/boss") && turn == 2) {
            h.callTools(call, "delegate", "{\"worker\":\"editor\",\"subtask\":\"Edit the report.\"}");
        } else if (path.equals("run/team/boss")) {
            h.callTools(call, "finish", "{\"answer\":\"report " + digest + "\"}");
        } else if (path.endsWith("/check")) {
            h.answer(call, (path.contains("iteration-2") ? "OK " : "again ") + digest);
        } else {
            h.answer(call, path + " " + digest);
        }
    }

    /** Debate (with a judge), vote, and a work step with ask_human and a review that rejects once, under a budget a human extends. */
    static final Crew CREW2 = Crew.of("fold2", new Step.Sequential("run", List.of(
            new Step.Debate("debate", List.of(agent("d1"), agent("d2")), Task.of("q", "Rising?"), 1, agent("judge"), null, null),
            new Step.Vote("vote", List.of(agent("v1"), agent("v2")), Task.of("q", "Up or down?"), 2, null),
            work("essay", agent("writer"), "Write it up.", "debate", "vote").reviewed(dev.cadre.api.crew.Review.afterWork()))))
            .withPolicy(CrewPolicy.builder().askHuman(true).runBudget(Budget.UNLIMITED.withMaxModelCalls(6))
                    .onBudgetExceeded(BudgetPolicy.ASK_HUMAN).build());

    private static void script2(CoreHarness h, Command.CallModel call) {
        String digest = Integer.toHexString(CoreHarness.prompt(call).hashCode());
        String path = call.stepPath();
        if (path.equals("run/essay") && call.turn() == 1) {
            h.callTools(call, "ask_human", "{\"question\":\"Which tone?\"}");
        } else if (path.startsWith("run/debate/round-")) {
            h.answer(call, path.endsWith("round-0/d2") ? "no" : "yes");
        } else if (path.startsWith("run/vote/")) {
            h.answer(call, path.endsWith("sample-2/v2") ? "down" : "up");
        } else {
            h.answer(call, path + " " + digest);
        }
    }

    private static Decision decide2(CoreHarness h, Command.AskHuman ask) {
        String id = ask.checkpoint().id();
        if (id.equals("run/essay#review-after")) return Decision.reject("More on the vote.", "ann");
        if (id.endsWith("-ask")) return Decision.edit("Formal.", "ann");
        return Decision.approve("ann");
    }

    @Test
    void theSameForDebateVoteReviewsAskHumanAndABudgetGrant() {
        CoreHarness whole = CoreHarness.with(CREW2).start().runToEnd(FoldTest::script2, FoldTest::decide2);
        assertThat(whole.end.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(whole.kinds()).contains("step_finished run/debate/judge", "step_finished run/vote/sample-2/v2",
                "step_finished run/essay/attempt-2");
        assertThat(whole.allAsks).extracting(a -> a.checkpoint().id()).contains("run/essay#call-1-0-ask",
                "run/essay#review-after", "run/essay/attempt-2#review-after").anyMatch(id -> id.contains("#budget-"));
        resumeFromEveryCut(whole.events, whole, CREW2, FoldTest::script2, FoldTest::decide2);
    }

    @Test
    void aCheckpointsTimeoutCountsFromWhenItWasFirstRequested() {
        Crew crew = Crew.of("t", work("essay", agent("writer"), "Write.").reviewed(dev.cadre.api.crew.Review.afterWork()))
                .withPolicy(CrewPolicy.builder().checkpointTimeout(Duration.ofMinutes(5), Decision.approve("policy")).build());
        CoreHarness first = CoreHarness.with(crew).start();
        first.later(Duration.ofMinutes(1));
        first.answer("essay", "An essay.");
        assertThat(first.timers).extracting(Command.StartTimer::at).containsExactly(CoreHarness.T0.plus(Duration.ofMinutes(6)));

        CoreHarness resumed = CoreHarness.with(crew).journal(first.journal()).at(CoreHarness.T0.plus(Duration.ofMinutes(4))).start();
        assertThat(resumed.allModelCalls).isEmpty();
        assertThat(resumed.ask("essay#review-after").checkpoint().requestedAt()).isEqualTo(CoreHarness.T0.plus(Duration.ofMinutes(1)));
        assertThat(resumed.timers).extracting(Command.StartTimer::at).containsExactly(CoreHarness.T0.plus(Duration.ofMinutes(6)));
    }

    @Test
    void aJournaledModelRequestIsMadeEvenWhenTheBudgetWouldNowRefuseIt() {
        CoreHarness whole = runToEnd(CoreHarness.with(fourSteps(10, BudgetPolicy.FAIL)).start());
        List<RunEvent> cut = Journals.cutAfter(whole.events, e -> e instanceof RunEvent.ModelRequested && e.stepPath().equals("all/s3"));

        CoreHarness resumed = CoreHarness.with(fourSteps(2, BudgetPolicy.FAIL)).journal(RecordedRun.of(cut)).start();
        assertThat(resumed.openPaths()).containsExactly("all/s3");
        resumed.answer("all/s3", "three");
        // the next call was never journaled: the tighter budget refuses it
        assertThat(resumed.allModelCalls).hasSize(1);
        assertThat(resumed.end.status()).isEqualTo(RunStatus.FAILED);
        assertThat(resumed.end.reason()).isEqualTo("Budget exceeded: the limit of 2 model calls for the run would be passed by the"
                + " next model call (4 with the call).");
        assertThat(resumed.replayMismatches).isEmpty();
    }

    @Test
    void aJournaledModelRequestAsksNoHumanForBudgetOnResume() {
        CoreHarness whole = runToEnd(CoreHarness.with(fourSteps(10, BudgetPolicy.ASK_HUMAN)).start());
        List<RunEvent> cut = Journals.cutAfter(whole.events, e -> e instanceof RunEvent.ModelRequested && e.stepPath().equals("all/s3"));

        CoreHarness resumed = CoreHarness.with(fourSteps(2, BudgetPolicy.ASK_HUMAN)).journal(RecordedRun.of(cut)).start();
        assertThat(resumed.asks).isEmpty();
        assertThat(resumed.openPaths()).containsExactly("all/s3");
    }

    static Crew fourSteps(long maxCalls, BudgetPolicy onExceeded) {
        return Crew.of("b", new Step.Sequential("all", List.of(work("s1", agent("dev"), "One."), work("s2", agent("dev"), "Two."),
                work("s3", agent("dev"), "Three."), work("s4", agent("dev"), "Four."))))
                .withPolicy(CrewPolicy.builder().runBudget(Budget.UNLIMITED.withMaxModelCalls(maxCalls)).onBudgetExceeded(onExceeded).build());
    }

    @Test
    void delegationsAreNotRenumberedOnResume() {
        CoreHarness whole = runToEnd(CoreHarness.with(CREW).start());
        List<RunEvent> cut = Journals.cutAfter(whole.events, e -> e instanceof RunEvent.ModelRequested m && m.stepPath().equals("run/team/boss")
                && m.turn() == 3);

        CoreHarness resumed = CoreHarness.with(CREW).journal(RecordedRun.of(cut)).start();
        Command.CallModel boss = resumed.model("run/team/boss");
        assertThat(boss.turn()).isEqualTo(3);
        assertThat(resumed.modelCalls).isEmpty();
        resumed.callTools(boss, "delegate", "{\"worker\":\"researcher\",\"subtask\":\"One more source.\"}");
        assertThat(resumed.openPaths()).containsExactly("run/team/delegation-3/researcher");
        assertThat(resumed.replayMismatches).isEmpty();
    }

    @Test
    void aResumedCallWhoseArgumentsWereRedactedIsNotMade() {
        Redactor redactor = Redactor.none().withSecret("hunter2-hunter2");
        Crew crew = Crew.of("r", work("job", agent("dev", Fixtures.write()), "Save the key."))
                .withPolicy(CrewPolicy.builder().approveToolsFrom(null).build());
        CoreHarness first = CoreHarness.with(crew).redactor(redactor).start();
        first.callTools("job", "write", "{\"path\":\"hunter2-hunter2\"}");
        // the first run made the call with the real arguments; the journal holds them masked
        assertThat(first.tool("write").arguments().get("path").asText()).isEqualTo("hunter2-hunter2");
        assertThat(first.event(RunEvent.ToolCalled.class, "job").arguments()).contains(Redactor.MASK).doesNotContain("hunter2");

        for (Class<? extends RunEvent> last : List.of(RunEvent.ModelResponded.class, RunEvent.ToolCalled.class)) {
            List<RunEvent> cut = Journals.cutAfter(first.events, last::isInstance);
            CoreHarness resumed = CoreHarness.with(crew).redactor(redactor).journal(RecordedRun.of(cut)).start();
            assertThat(resumed.allToolCalls).as("cut after " + last.getSimpleName()).isEmpty();
            RunEvent.ToolReturned refused = resumed.event(RunEvent.ToolReturned.class, "job");
            assertThat(refused.error()).isTrue();
            assertThat(refused.result()).isEqualTo("This call was not made again after the run resumed: its arguments held a"
                    + " secret, which the journal keeps masked as [REDACTED]. Call the tool again with the full arguments.");
            assertThat(CoreHarness.lastMessage(resumed.model("job"))).startsWith("tool write: Error: This call was not made again");
        }
    }

    @Test
    void aResumedRunsCacheHoldsTheJournaledResultsOfIdempotentCalls() {
        Crew crew = Crew.of("c", work("job", agent("dev", Fixtures.read()), "Read twice."))
                .withPolicy(CrewPolicy.builder().cache(true).build());
        CoreHarness first = CoreHarness.with(crew).start();
        first.callTools("job", "read", "{\"path\":\"a.txt\"}");
        first.toolDone(first.tool("read"), "hello");

        CoreHarness resumed = CoreHarness.with(crew).journal(first.journal()).start();
        resumed.callTools("job", "read", "{\"path\":\"a.txt\"}");
        assertThat(resumed.allToolCalls).isEmpty();
        assertThat(resumed.events(RunEvent.ToolReturned.class)).extracting(RunEvent.ToolReturned::cached).containsExactly(false, true);
    }

    @Test
    void theCoreReadsNoClockTheSameInputsAtTheSameTimesGiveTheSameEvents() {
        Crew timed = CREW.withPolicy(CrewPolicy.builder().checkpointTimeout(Duration.ofMinutes(5), Decision.approve("policy")).build());
        CoreHarness one = runToEnd(CoreHarness.with(timed).start());
        CoreHarness two = runToEnd(CoreHarness.with(timed).start());

        assertThat(two.events).isEqualTo(one.events);
        assertThat(two.allModelCalls).isEqualTo(one.allModelCalls);
        assertThat(two.timers).isEqualTo(one.timers).isNotEmpty();
        Set<Long> given = one.events.stream().map(e -> Duration.between(CoreHarness.T0, e.timestamp()).toSeconds())
                .collect(Collectors.toSet());
        assertThat(given).allMatch(s -> s % 7 == 0);
        RunEvent.CheckpointRequested approval = one.events(RunEvent.CheckpointRequested.class).get(0);
        assertThat(approval.checkpoint().requestedAt()).isEqualTo(approval.timestamp());
        assertThat(one.timers.get(0).at()).isEqualTo(approval.timestamp().plus(Duration.ofMinutes(5)));
    }
}
