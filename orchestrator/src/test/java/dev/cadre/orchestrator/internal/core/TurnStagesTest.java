package dev.cadre.orchestrator.internal.core;

import static dev.cadre.orchestrator.internal.core.Fixtures.agent;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.Agent;
import dev.cadre.api.CadreJson;
import dev.cadre.api.Checkpoint;
import dev.cadre.api.Decision;
import dev.cadre.api.Persona;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Task;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.CrewPolicy;
import dev.cadre.api.crew.Review;
import dev.cadre.api.crew.Step;
import dev.langchain4j.model.output.FinishReason;
import org.junit.jupiter.api.Test;

/** The agent's turn against the core alone: tool dispatch, approvals, cache, guards, answer checks, ask_human. */
class TurnStagesTest {

    static Crew crew(Agent agent, CrewPolicy policy) {
        return Crew.of("t", new Step.Work("job", agent, Task.of("job", "Do the job."), Review.NONE)).withPolicy(policy);
    }

    static Crew crew(Agent agent) {
        return crew(agent, CrewPolicy.DEFAULT);
    }

    static final Agent DEV = agent("dev", Fixtures.read(), Fixtures.write());

    @Test
    void anUnknownToolIsAnErrorTheModelSees() {
        CoreHarness h = CoreHarness.start(crew(DEV), Fixtures.workTask());
        h.callTools("job", "delete", "{\"path\":\"a\"}");
        assertThat(h.toolCalls).isEmpty();
        assertThat(CoreHarness.lastMessage(h.model("job")))
                .isEqualTo("tool delete: Error: There is no tool named 'delete'. Available tools: read, write.");
        assertThat(h.event(RunEvent.ToolReturned.class, "job").error()).isTrue();
    }

    @Test
    void argumentsThatDoNotMatchTheSchemaAreAnErrorTheModelSees() {
        CoreHarness h = CoreHarness.start(crew(DEV), Fixtures.workTask());
        h.callTools("job", "read", "{\"file\":\"a\"}");
        assertThat(h.toolCalls).isEmpty();
        Command.CallModel next = h.model("job");
        assertThat(CoreHarness.lastMessage(next)).startsWith("tool read: Error: The arguments for tool 'read' do not match its"
                + " parameters: ").contains("path");
        h.callTools(next, "read", "{\"path\":");
        assertThat(h.toolCalls).isEmpty();
        assertThat(CoreHarness.lastMessage(h.model("job"))).startsWith("tool read: Error: The arguments for tool 'read' are not"
                + " valid JSON (");
    }

    @Test
    void aReadOnlyToolRunsWithoutApproval() {
        CoreHarness h = CoreHarness.start(crew(DEV), Fixtures.workTask());
        h.callTools("job", "read", "{\"path\":\"a.txt\"}");
        assertThat(h.asks).isEmpty();
        Command.CallTool call = h.tool("read");
        assertThat(call.arguments().get("path").asText()).isEqualTo("a.txt");
        assertThat(call.context().stepPath()).isEqualTo("job");
        assertThat(call.recover()).isFalse();
        h.toolDone(call, "hello");
        Command.CallModel next = h.model("job");
        assertThat(CoreHarness.lastMessage(next)).isEqualTo("tool read: hello");
        h.answer(next, "It says hello.");
        assertThat(h.end.output()).isEqualTo("It says hello.");
        assertThat(h.kinds()).containsSubsequence("tool_called job", "tool_returned job", "model_requested job");
    }

    @Test
    void aToolAtTheThresholdWaitsForApprovalAndRunsWhenApproved() {
        CoreHarness h = CoreHarness.start(crew(DEV), Fixtures.workTask());
        h.callTools("job", "write", "{\"path\":\"a.txt\"}");
        assertThat(h.toolCalls).isEmpty();
        Command.AskHuman ask = h.ask("approval");
        assertThat(ask.checkpoint().id()).isEqualTo("job#turn-1-call-1-0-approval");
        assertThat(ask.checkpoint().kind()).isEqualTo(Checkpoint.Kind.TOOL_APPROVAL);
        assertThat(ask.checkpoint().question()).isEqualTo("Agent 'dev' wants to call write (writes). Allow it?");
        h.decide(ask, Decision.approve("ann"));
        assertThat(h.tool("write").arguments().get("path").asText()).isEqualTo("a.txt");
    }

    @Test
    void aRejectedCallIsNotMadeAndTheModelHearsWhy() {
        CoreHarness h = CoreHarness.start(crew(DEV), Fixtures.workTask());
        h.callTools("job", "write", "{\"path\":\"a.txt\"}");
        h.decide("approval", Decision.reject("not that file", "ann"));
        assertThat(h.allToolCalls).isEmpty();
        assertThat(CoreHarness.lastMessage(h.model("job"))).isEqualTo("tool write: Error: The user did not allow this call: not that file");
    }

    @Test
    void anEditedCallRunsWithTheEditedArgumentsAndInvalidEditsAreRefused() {
        CoreHarness h = CoreHarness.start(crew(DEV), Fixtures.workTask());
        h.callTools("job", "write", "{\"path\":\"a.txt\"}");
        h.decide("approval", Decision.edit("{\"path\":\"b.txt\"}", "ann"));
        Command.CallTool call = h.tool("write");
        assertThat(call.arguments().get("path").asText()).isEqualTo("b.txt");
        h.toolDone(call, "written");
        h.callTools("job", "write", "{\"path\":\"c.txt\"}");
        h.decide("approval", Decision.edit("{\"nope\":1}", "ann"));
        assertThat(h.toolCalls).isEmpty();
        assertThat(CoreHarness.lastMessage(h.model("job"))).startsWith("tool write: Error: The user edited the arguments but"
                + " they are invalid: ");
    }

    @Test
    void noApprovalWhenThePolicyAsksNone() {
        CoreHarness h = CoreHarness.start(crew(DEV, CrewPolicy.builder().approveToolsFrom(null).build()), Fixtures.workTask());
        h.callTools("job", "write", "{\"path\":\"a.txt\"}");
        assertThat(h.asks).isEmpty();
        assertThat(h.toolCalls).hasSize(1);
    }

    @Test
    void anIdempotentToolsResultIsTakenFromTheRunsCache() {
        CoreHarness h = CoreHarness.start(crew(DEV, CrewPolicy.builder().cache(true).build()), Fixtures.workTask());
        h.callTools("job", "read", "{\"path\":\"a.txt\"}");
        h.toolDone(h.tool("read"), "hello");
        h.callTools("job", "read", "{ \"path\" : \"a.txt\" }");
        assertThat(h.toolCalls).isEmpty();
        assertThat(h.allToolCalls).hasSize(1);
        assertThat(CoreHarness.lastMessage(h.model("job"))).isEqualTo("tool read: hello");
        assertThat(h.events(RunEvent.ToolReturned.class)).extracting(RunEvent.ToolReturned::cached).containsExactly(false, true);
    }

    @Test
    void aWritingToolIsNeverCached() {
        CoreHarness h = CoreHarness.start(crew(DEV, CrewPolicy.builder().cache(true).approveToolsFrom(null).build()),
                Fixtures.workTask());
        h.callTools("job", "write", "{\"path\":\"a.txt\"}");
        h.toolDone(h.tool("write"), "ok");
        h.callTools("job", "write", "{\"path\":\"a.txt\"}");
        assertThat(h.toolCalls).hasSize(1);
    }

    @Test
    void theSameCallRepeatedStopsTheStep() {
        CoreHarness h = CoreHarness.start(crew(DEV), Fixtures.workTask());
        for (int i = 0; i < 2; i++) {
            h.callTools("job", "read", "{\"path\":\"a.txt\"}");
            h.toolDone(h.tool("read"), "same");
        }
        h.callTools("job", "read", "{\"path\":\"a.txt\"}");
        assertThat(h.toolCalls).isEmpty();
        assertThat(h.end.status()).isEqualTo(RunStatus.FAILED);
        assertThat(h.end.reason()).isEqualTo("Agent 'dev' called tool 'read' with the same arguments 3 times; stopped to avoid a loop.");
    }

    @Test
    void afterMaxToolRoundsTheModelIsToldToAnswerThenFailsIfItStillCallsTools() {
        Agent dev = Fixtures.agent(Persona.builder("dev").role("developer").maxToolRounds(1).build(), Fixtures.read());
        CoreHarness h = CoreHarness.start(crew(dev), Fixtures.workTask());
        h.callTools("job", "read", "{\"path\":\"a\"}");
        h.toolDone(h.tool("read"), "A");
        h.callTools("job", "read", "{\"path\":\"b\"}");
        assertThat(h.toolCalls).isEmpty();
        Command.CallModel last = h.model("job");
        assertThat(CoreHarness.lastMessage(last)).isEqualTo("tool read: Not run: you have used all 1 tool rounds. Give your final"
                + " answer now, without calling tools.");
        assertThat(last.request().toolSpecifications()).isEmpty();
        h.callTools(last, "read", "{\"path\":\"c\"}");
        assertThat(h.end.status()).isEqualTo(RunStatus.FAILED);
        assertThat(h.end.reason()).isEqualTo("Agent 'dev' kept calling tools after its limit of 1 tool rounds was reached,"
                + " instead of answering.");
    }

    @Test
    void anEmptyAnswerIsAskedAgainThenFails() {
        CoreHarness h = CoreHarness.start(crew(agent("dev")), Fixtures.workTask());
        h.answer("job", " ");
        Command.CallModel again = h.model("job");
        assertThat(CoreHarness.lastMessage(again)).isEqualTo("user: Your reply was empty. Answer the task.");
        h.answer(again, "");
        h.answer("job", "");
        assertThat(h.end.status()).isEqualTo(RunStatus.FAILED);
        assertThat(h.end.reason()).isEqualTo("Agent 'dev' gave an empty answer 3 times.");
        assertThat(h.allModelCalls).hasSize(3);
    }

    static Crew withSchema() throws Exception {
        Task task = Task.builder("job").description("Rate it.").outputSchema(CadreJson.mapper().readTree(
                "{\"type\":\"object\",\"properties\":{\"score\":{\"type\":\"integer\"}},\"required\":[\"score\"]}")).build();
        return Crew.of("t", new Step.Work("job", agent("dev"), task, Review.NONE));
    }

    @Test
    void anAnswerOffTheOutputSchemaIsAskedAgainAndAFencedMatchIsAccepted() throws Exception {
        CoreHarness h = CoreHarness.start(withSchema(), Fixtures.workTask());
        Command.CallModel first = h.model("job");
        assertThat(first.request().responseFormat()).isNotNull();
        h.answer(first, "{\"score\":\"high\"}");
        Command.CallModel again = h.model("job");
        assertThat(CoreHarness.lastMessage(again)).startsWith("user: Your answer does not match the required JSON Schema: ")
                .endsWith("Reply again with only the corrected JSON.");
        h.answer(again, "```json\n{\"score\": 4}\n```");
        assertThat(h.end.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(h.end.output()).isEqualTo("{\"score\": 4}");
    }

    @Test
    void anAnswerThatNeverMatchesTheSchemaFailsAfterTheReAsks() throws Exception {
        CoreHarness h = CoreHarness.with(withSchema()).maxOutputRetries(1).start();
        h.answer("job", "not json");
        h.answer("job", "{}");
        assertThat(h.end.status()).isEqualTo(RunStatus.FAILED);
        assertThat(h.end.reason()).startsWith("Agent 'dev' gave output that does not match the task's JSON Schema after 2 attempts: ");
    }

    @Test
    void anAnswerCutOffAtTheOutputLimitIsNeverTheOutput() {
        CoreHarness h = CoreHarness.start(crew(agent("dev")), Fixtures.workTask());
        h.answer(h.model("job"), "The first half of", FinishReason.LENGTH);
        Command.CallModel again = h.model("job");
        assertThat(CoreHarness.lastMessage(again)).isEqualTo("user: Your answer was cut off at the output limit. Answer again,"
                + " complete and shorter.");
        h.answer(again, "Short and whole.");
        assertThat(h.end.output()).isEqualTo("Short and whole.");
        assertThat(h.events(RunEvent.ModelResponded.class).get(0).finishReason()).isEqualTo("LENGTH");
    }

    @Test
    void answersCutOffEveryTimeFailTheStep() {
        CoreHarness h = CoreHarness.with(crew(agent("dev"))).maxOutputRetries(1).start();
        h.answer(h.model("job"), "half", FinishReason.LENGTH);
        h.answer(h.model("job"), "half again", FinishReason.LENGTH);
        assertThat(h.end.status()).isEqualTo(RunStatus.FAILED);
        assertThat(h.end.reason()).isEqualTo("Agent 'dev' gave an answer cut off at the model's output limit 2 times.");
    }

    @Test
    void askHumanIsACheckpointWhoseAnswerIsTheToolResult() {
        CoreHarness h = CoreHarness.start(crew(agent("dev"), CrewPolicy.builder().askHuman(true).build()), Fixtures.workTask());
        Command.CallModel first = h.model("job");
        assertThat(first.request().toolSpecifications()).extracting(s -> s.name()).containsExactly("ask_human");
        h.callTools(first, "ask_human", "{\"question\":\"Which colour?\"}");
        Command.AskHuman ask = h.ask("-ask");
        assertThat(ask.checkpoint().kind()).isEqualTo(Checkpoint.Kind.ASK_HUMAN);
        assertThat(ask.checkpoint().question()).isEqualTo("Which colour?");
        h.decide(ask, Decision.edit("Blue.", "ann"));
        Command.CallModel next = h.model("job");
        assertThat(CoreHarness.lastMessage(next)).isEqualTo("tool ask_human: Blue.");
        h.callTools(next, "ask_human", "{\"question\":\"Sure?\"}");
        h.decide("-ask", Decision.reject("stop asking", "ann"));
        assertThat(CoreHarness.lastMessage(h.model("job"))).isEqualTo("tool ask_human: Error: The human declined to answer: stop asking");
        assertThat(h.allToolCalls).isEmpty();
    }
}
