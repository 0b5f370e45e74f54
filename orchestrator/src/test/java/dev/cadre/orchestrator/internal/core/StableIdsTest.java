package dev.cadre.orchestrator.internal.core;

import static dev.cadre.orchestrator.internal.core.Fixtures.agent;
import static dev.cadre.orchestrator.internal.core.Fixtures.work;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.Decision;
import dev.cadre.api.RunEvent;
import dev.cadre.api.Usage;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.CrewPolicy;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every command and checkpoint has an id that is the same when the run is replayed, whatever ids the model gives. */
class StableIdsTest {

    /** Answers with one tool call whose id the model chose ({@code null}: it gave none). */
    static void callWithId(CoreHarness h, Command.CallModel call, String id, String tool, String arguments) {
        h.feed(new Input.ModelAnswered(call.key(), ChatResponse.builder().aiMessage(AiMessage.from(List.of(
                ToolExecutionRequest.builder().id(id).name(tool).arguments(arguments).build()))).build(), false, Usage.ZERO));
    }

    @Test
    void aModelThatReusesCallIdsAcrossTurnsStillGetsEachAnswerOnResume() {
        Crew crew = Crew.of("a", work("job", agent("dev"), "Go.")).withPolicy(CrewPolicy.builder().askHuman(true).build());
        CoreHarness h = CoreHarness.start(crew, Fixtures.workTask());
        callWithId(h, h.model("job"), "0", "ask_human", "{\"question\":\"First?\"}");
        h.decide("job#0-ask", Decision.edit("one", "ann"));
        callWithId(h, h.model("job"), "0", "ask_human", "{\"question\":\"Second?\"}");
        Command.AskHuman second = h.ask("-ask");
        assertThat(second.checkpoint().id()).isEqualTo("job#0-ask-2");
        h.decide(second, Decision.edit("two", "ann"));
        assertThat(CoreHarness.lastMessage(h.model("job"))).isEqualTo("tool ask_human: two");

        CoreHarness resumed = CoreHarness.with(crew).journal(h.journal()).start();
        assertThat(resumed.allAsks).isEmpty();
        assertThat(CoreHarness.lastMessage(resumed.model("job"))).isEqualTo("tool ask_human: two");
        assertThat(resumed.replayMismatches).isEmpty();
    }

    @Test
    void toolCallsWithoutIdsGetTheSameIdsOnResume() {
        Crew crew = Crew.of("a", work("job", agent("dev", Fixtures.read()), "Go."));
        CoreHarness h = CoreHarness.start(crew, Fixtures.workTask());
        callWithId(h, h.model("job"), null, "read", "{\"path\":\"a\"}");
        Command.CallTool read = h.tool("read");
        assertThat(read.context().callId()).isEqualTo("dev-1-1");
        h.toolDone(read, "A");

        CoreHarness resumed = CoreHarness.with(crew).journal(h.journal()).start();
        assertThat(resumed.allToolCalls).isEmpty();
        assertThat(resumed.openPaths()).containsExactly("job");
        assertThat(resumed.replayMismatches).isEmpty();
        assertThat(resumed.events(RunEvent.ToolReturned.class)).extracting(RunEvent.ToolReturned::callId).containsExactly("dev-1-1");
    }

    @Test
    void callKeysNameTheStepTheTurnAndTheCall() {
        Crew crew = Crew.of("a", work("job", agent("dev", Fixtures.read()), "Go."));
        CoreHarness h = CoreHarness.start(crew, Fixtures.workTask());
        Command.CallModel first = h.model("job");
        assertThat(first.key()).isEqualTo("job|1");
        h.callTools(first, "read", "{\"path\":\"a\"}", "read", "{\"path\":\"b\"}");
        assertThat(h.toolCalls).extracting(Command.CallTool::key).containsExactly("job|1|call-1-0|0", "job|1|call-1-1|1");
        // an answer the core no longer waits for (a duplicate delivery) changes nothing
        h.toolDone(h.toolCalls.get(0), "A");
        int events = h.events.size();
        h.toolDone(h.allToolCalls.get(0), "A again");
        assertThat(h.events).hasSize(events);
    }
}
