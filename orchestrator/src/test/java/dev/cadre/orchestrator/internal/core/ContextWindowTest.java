package dev.cadre.orchestrator.internal.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.Budget;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Task;
import dev.cadre.api.crew.ContextLimits;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.CrewPolicy;
import dev.cadre.orchestrator.FixedTokenCounts;
import dev.cadre.orchestrator.internal.RecordedRun;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.TokenCountEstimator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The context window against the core alone: long tool results cut, long conversations compacted, tokens counted. */
class ContextWindowTest {

    static Crew crew(ContextLimits limits) {
        return TurnInterceptorsTest.CREW.withPolicy(CrewPolicy.builder().context(limits).build());
    }

    static CoreHarness start(Crew crew, Map<String, TokenCountEstimator> estimators) {
        return CoreHarness.start(crew, Task.of("t", "Write."), RecordedRun.empty(), List.of(), estimators);
    }

    static ToolExecutionResultMessage lastToolResult(Command.CallModel call) {
        List<ChatMessage> messages = call.request().messages();
        return (ToolExecutionResultMessage) messages.get(messages.size() - 1);
    }

    /** One tool round: the model calls lookup, the tool answers {@code result}; gives the next model call. */
    static Command.CallModel round(CoreHarness h, Command.CallModel call, String result) {
        h.callTools(call, "lookup", "{\"word\":\"w" + call.turn() + "\"}");
        h.toolDone(h.tool("lookup"), result);
        return h.nextModel();
    }

    @Test
    void aLongToolResultIsCutWithANoteWhileTheJournalKeepsItWhole() {
        CoreHarness h = start(crew(ContextLimits.DEFAULT.withMaxToolResultChars(1_000)), Map.of());
        String longResult = "a".repeat(3_000) + "END";
        Command.CallModel next = round(h, h.nextModel(), longResult);

        String seen = lastToolResult(next).text();
        assertThat(seen).startsWith("a".repeat(800)).endsWith("a".repeat(197) + "END")
                .contains("[... 2003 of 3003 characters cut here: a tool result is shown up to 1000 characters ...]");
        assertThat(h.events(RunEvent.ToolReturned.class).get(0).result()).isEqualTo(longResult);
        assertThat(h.events(RunEvent.ModelRequested.class).get(1).newMessages())
                .containsExactly(new RunEvent.PromptMessage("tool", seen));
        h.answer(next, "done");
        assertThat(h.end.status()).isEqualTo(RunStatus.SUCCEEDED);
    }

    @Test
    void aShortToolResultIsShownWholeAndNotJournaledTwice() {
        CoreHarness h = start(crew(ContextLimits.DEFAULT), Map.of());
        Command.CallModel next = round(h, h.nextModel(), "short");
        assertThat(lastToolResult(next).text()).isEqualTo("short");
        assertThat(h.events(RunEvent.ModelRequested.class).get(1).newMessages()).isEmpty();
    }

    @Test
    void cuttingKeepsSurrogatePairsWhole() {
        String text = "\uD83D\uDE00".repeat(300);
        String cut = ContextWindow.cut(text, 201);
        // a lone surrogate would show as a code point of its own
        assertThat(cut.codePoints().filter(cp -> cp >= 0xD800 && cp <= 0xDFFF)).isEmpty();
        assertThat(ContextWindow.cut("short", 200)).isEqualTo("short");
    }

    @Test
    void aConversationNearingTheWindowKeepsTheTaskAndTheLastExchangesAndNotesTheOlderToolResults() {
        // a window of 1,000 tokens is compacted above 800 tokens, about 3,200 characters; each result is 1,200 characters
        CoreHarness h = start(crew(new ContextLimits(20_000, 1_000, 1)), Map.of());
        Command.CallModel call = h.nextModel();
        call = round(h, call, "1".repeat(1_200));
        call = round(h, call, "2".repeat(1_200));
        assertThat(call.request().messages()).noneMatch(m -> m instanceof ToolExecutionResultMessage t
                && t.text().startsWith(ContextWindow.COMPACTED));
        call = round(h, call, "3".repeat(1_200));

        List<ChatMessage> sent = call.request().messages();
        List<String> results = sent.stream().filter(m -> m instanceof ToolExecutionResultMessage)
                .map(m -> ((ToolExecutionResultMessage) m).text()).toList();
        assertThat(results).containsExactly(
                "[Removed to fit the context window: an earlier result of tool 'lookup' (1200 characters).]",
                "[Removed to fit the context window: an earlier result of tool 'lookup' (1200 characters).]",
                "3".repeat(1_200));
        assertThat(sent.get(1).toString()).contains("Write a slogan.");
        // the compacted request journals its whole prompt, system message first, notes included
        List<RunEvent.PromptMessage> journaled = h.events(RunEvent.ModelRequested.class).get(3).newMessages();
        assertThat(journaled.get(0).role()).isEqualTo("system");
        assertThat(journaled).extracting(RunEvent.PromptMessage::role)
                .containsExactly("system", "user", "assistant", "tool", "assistant", "tool", "assistant", "tool");
        assertThat(journaled.get(3).text()).startsWith(ContextWindow.COMPACTED);
        assertThat(journaled.get(2).text()).isEqualTo("[tool calls: lookup {\"word\":\"w1\"}]");

        // the next request builds on the compacted conversation: only what is new is journaled
        call = round(h, call, "short");
        assertThat(h.events(RunEvent.ModelRequested.class).get(4).newMessages()).isEmpty();
        h.answer(call, "done");
        assertThat(h.end.status()).isEqualTo(RunStatus.SUCCEEDED);
    }

    @Test
    void aResumedRunCompactsTheSameWay() {
        Crew crew = crew(new ContextLimits(20_000, 1_000, 1));
        CoreHarness first = start(crew, Map.of());
        Command.CallModel call = first.nextModel();
        for (int i = 1; i <= 3; i++) {
            call = round(first, call, String.valueOf(i).repeat(1_200));
        }
        first.answer(call, "done");

        List<RunEvent> journal = first.events;
        CoreHarness resumed = CoreHarness.start(crew, Task.of("t", "Write."), RecordedRun.of(journal.subList(0, journal.size() - 1)),
                List.of(), Map.of());
        assertThat(resumed.modelCalls).isEmpty();
        assertThat(resumed.end.output()).isEqualTo("done");
        assertThat(resumed.events).isEqualTo(journal);
    }

    static final TokenCountEstimator HUNDRED_A_MESSAGE = new FixedTokenCounts(100);

    @Test
    void theModelsTokenCountEstimatorDecidesWhenToCompact() {
        // ten short messages are 1,000 tokens by the estimator (over 800), a few dozen by characters / 4
        Crew crew = crew(new ContextLimits(20_000, 1_000, 1));
        CoreHarness counted = start(crew, Map.of("scripted:m", HUNDRED_A_MESSAGE));
        CoreHarness byCharacters = start(crew, Map.of());
        for (CoreHarness h : List.of(counted, byCharacters)) {
            Command.CallModel call = h.nextModel();
            for (int i = 0; i < 4; i++) {
                call = round(h, call, "r" + i);
            }
            h.answer(call, "done");
        }
        assertThat(counted.events(RunEvent.ModelRequested.class)).anyMatch(r -> r.newMessages().stream()
                .anyMatch(m -> m.text().startsWith(ContextWindow.COMPACTED)));
        assertThat(byCharacters.events(RunEvent.ModelRequested.class)).noneMatch(r -> r.newMessages().stream()
                .anyMatch(m -> m.text() != null && m.text().startsWith(ContextWindow.COMPACTED)));
    }

    @Test
    void budgetsCountThePromptWithTheModelsEstimator() {
        Crew crew = TurnInterceptorsTest.CREW.withPolicy(CrewPolicy.builder().runBudget(new Budget(150L, null, null, null)).build());
        CoreHarness byCharacters = start(crew, Map.of());
        assertThat(byCharacters.modelCalls).hasSize(1);

        CoreHarness counted = start(crew, Map.of("scripted:m", HUNDRED_A_MESSAGE));
        assertThat(counted.modelCalls).isEmpty();
        assertThat(counted.end.status()).isEqualTo(RunStatus.FAILED);
        assertThat(counted.end.reason()).contains("Budget exceeded").contains("tokens");
    }
}
