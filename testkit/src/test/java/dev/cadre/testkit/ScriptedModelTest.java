package dev.cadre.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.api.ModelCallAttributes;
import dev.cadre.api.RunEvent;
import dev.cadre.api.Usage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ScriptedModelTest {

    static ChatRequest ask(String text) {
        return ChatRequest.builder().messages(UserMessage.from(text)).build();
    }

    static ChatRequestOptions as(String agent) {
        return ChatRequestOptions.builder().addListenerAttribute(ModelCallAttributes.AGENT, agent).build();
    }

    @Test
    void answersPerAgentAndTurn() {
        ScriptedModel model = ScriptedModel.builder()
                .agent("coder", Reply.toolCall("workspace_read", "{\"path\":\"A.java\"}"), Reply.text("fixed"))
                .agent("reviewer", Reply.text("APPROVED"))
                .build();

        ChatResponse first = model.chat(ask("fix it"), as("coder"));
        assertThat(first.aiMessage().toolExecutionRequests()).singleElement().satisfies(call -> {
            assertThat(call.name()).isEqualTo("workspace_read");
            assertThat(call.arguments()).isEqualTo("{\"path\":\"A.java\"}");
            assertThat(call.id()).isEqualTo("call_coder_1_1");
        });
        assertThat(model.chat(ask("review"), as("reviewer")).aiMessage().text()).isEqualTo("APPROVED");
        assertThat(model.chat(ask("go on"), as("coder")).aiMessage().text()).isEqualTo("fixed");

        assertThat(model.requests()).extracting(ScriptedModel.RecordedRequest::agent).containsExactly("coder", "reviewer", "coder");
        assertThat(model.requestsFor("coder")).extracting(ScriptedModel.RecordedRequest::turn).containsExactly(1, 2);
        assertThat(model.requestsFor("coder").get(1).lastUserText()).isEqualTo("go on");
        assertThat(model.unusedReplies()).isZero();
    }

    @Test
    void predicateRulesAnswerFirstAndRepeat() {
        ScriptedModel model = ScriptedModel.builder()
                .when(r -> ScriptedModel.lastUserText(r).contains("weather"), Reply.text("sunny"))
                .anyAgent(Reply.text("generic"))
                .build();
        assertThat(model.chat(ask("the weather?")).aiMessage().text()).isEqualTo("sunny");
        assertThat(model.chat(ask("weather again?")).aiMessage().text()).isEqualTo("sunny");
        assertThat(model.chat(ask("something else")).aiMessage().text()).isEqualTo("generic");
    }

    @Test
    void failsNamingAgentAndTurnWhenTheScriptRunsOut() {
        ScriptedModel model = ScriptedModel.builder().agent("coder", Reply.text("one"), Reply.text("two")).build();
        model.chat(ask("a"), as("coder"));
        model.chat(ask("b"), as("coder"));
        assertThatThrownBy(() -> model.chat(ask("and now?"), as("coder")))
                .isInstanceOf(ScriptExhaustedException.class)
                .hasMessage("ScriptedModel has no reply for agent 'coder' turn 3: its script has 2 replies; the last user message was: \"and now?\"");
        assertThatThrownBy(() -> model.chat(ask("hi"), as("judge")))
                .hasMessage("ScriptedModel has no reply for agent 'judge' turn 1: no replies are scripted for it (scripted agents: coder); the last user message was: \"hi\"");
    }

    @Test
    void reportsScriptedOrEstimatedTokenUsage() {
        ScriptedModel model = ScriptedModel.of(Reply.text("12345678").withUsage(100, 7), Reply.text("12345678"));
        assertThat(model.chat(ask("x")).tokenUsage().inputTokenCount()).isEqualTo(100);
        ChatResponse estimated = model.chat(ask("1234567890123456"));
        assertThat(estimated.tokenUsage().inputTokenCount()).isEqualTo(4);
        assertThat(estimated.tokenUsage().outputTokenCount()).isEqualTo(2);
    }

    @Test
    void failuresAreThrownAsScripted() {
        ScriptedModel model = ScriptedModel.of(Reply.fail(new IllegalStateException("429 Too Many Requests")));
        assertThatThrownBy(() -> model.chat(ask("x"))).hasMessage("429 Too Many Requests");
    }

    @Test
    void streamsWordsThenTheCompleteResponseWithoutHoldingAThreadWhileDelayed() throws Exception {
        ScriptedModel model = ScriptedModel.of(Reply.text("Hello brave new world").after(Duration.ofSeconds(1)));
        List<String> parts = new CopyOnWriteArrayList<>();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        model.chat(ask("x"), as("writer"), new StreamingChatResponseHandler() {
            public void onPartialResponse(String token) { parts.add(token); }
            public void onCompleteResponse(ChatResponse r) { done.complete(r); }
            public void onError(Throwable e) { done.completeExceptionally(e); }
        });
        // chat() returned before the delayed answer: nothing has been streamed yet, nothing is complete.
        assertThat(parts).as("chat() returns at once; the answer comes later").isEmpty();
        assertThat(done).isNotDone();
        ChatResponse response = done.get(5, TimeUnit.SECONDS);
        assertThat(String.join("", parts)).isEqualTo("Hello brave new world");
        assertThat(parts).hasSize(4);
        assertThat(response.aiMessage().text()).isEqualTo("Hello brave new world");
    }

    @Test
    void replaysTheModelAnswersOfARecordedRun() {
        Instant t = Instant.EPOCH;
        Usage usage = new Usage(11, 3, 1, 0, null, 0, 0);
        List<RunEvent> journal = List.of(
                new RunEvent.ModelResponded("r", "s", 1, t, "coder", "openai:x", 1, null,
                        List.of(new RunEvent.ToolCall("c1", "workspace_read", "{}")), "TOOL_EXECUTION", usage, false),
                new RunEvent.ModelResponded("r", "s", 3, t, "reviewer", "openai:x", 1, "APPROVED", List.of(), "STOP", usage, false),
                new RunEvent.ModelResponded("r", "s", 2, t, "coder", "openai:x", 2, "done", List.of(), "STOP", usage, false));
        ScriptedModel model = ScriptedModel.replaying(journal);
        ChatResponse first = model.chat(ask("a"), as("coder"));
        assertThat(first.aiMessage().toolExecutionRequests().get(0).id()).isEqualTo("c1");
        assertThat(first.tokenUsage().inputTokenCount()).isEqualTo(11);
        assertThat(model.chat(ask("b"), as("coder")).aiMessage().text()).isEqualTo("done");
        assertThat(model.chat(ask("c"), as("reviewer")).aiMessage().text()).isEqualTo("APPROVED");
    }
}
