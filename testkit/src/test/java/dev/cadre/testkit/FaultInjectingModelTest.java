package dev.cadre.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cadre.api.ModelCallAttributes;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import java.net.SocketException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FaultInjectingModelTest {

    static final ToolSpecification READ = ToolSpecification.builder().name("read")
            .parameters(JsonObjectSchema.builder().addStringProperty("path").required("path").build()).build();

    static ChatRequest request(boolean withTools) {
        ChatRequest.Builder builder = ChatRequest.builder().messages(UserMessage.from("go"));
        return withTools ? builder.toolSpecifications(READ).build() : builder.build();
    }

    static ChatRequestOptions at(String path, int turn) {
        return ChatRequestOptions.builder().addListenerAttribute(ModelCallAttributes.RUN_ID, "run-1")
                .addListenerAttribute(ModelCallAttributes.STEP_PATH, path).addListenerAttribute(ModelCallAttributes.AGENT, "coder")
                .addListenerAttribute(ModelCallAttributes.TURN, turn).build();
    }

    static Throwable failureOf(Fault fault) {
        FaultInjectingModel model = FaultInjectingModel.around(ScriptedModel.of(Reply.text("hi"))).rate(1).only(fault).build();
        return catchThrowable(() -> model.chat(request(false), at("s", 1)));
    }

    @Test
    void failuresAreTheExceptionsLangChain4jProvidersThrow() {
        Throwable rateLimited = failureOf(Fault.RATE_LIMITED);
        assertThat(rateLimited).isInstanceOf(RateLimitException.class).hasMessageContaining("Please try again in 20ms.");
        assertThat(((HttpException) rateLimited.getCause()).statusCode()).isEqualTo(429);

        Throwable serverError = failureOf(Fault.SERVER_ERROR);
        assertThat(serverError).isInstanceOf(InternalServerException.class);
        assertThat(((HttpException) serverError.getCause()).statusCode()).isEqualTo(500);

        assertThat(failureOf(Fault.TIMEOUT)).isInstanceOf(TimeoutException.class).isInstanceOf(RetriableException.class)
                .hasCauseInstanceOf(HttpTimeoutException.class);
        assertThat(failureOf(Fault.CONNECTION_RESET)).isExactlyInstanceOf(LangChain4jException.class)
                .hasCauseInstanceOf(SocketException.class).hasMessageContaining("Connection reset");
        assertThat(failureOf(Fault.STREAM_CUT)).hasCauseInstanceOf(SocketException.class);
    }

    @Test
    void rateZeroPassesEveryCallThroughAndCountsNothing() {
        FaultInjectingModel model = FaultInjectingModel.around(ScriptedModel.of(Reply.text("a"), Reply.text("b"))).rate(0).build();
        assertThat(model.chat(request(false), at("s", 1)).aiMessage().text()).isEqualTo("a");
        assertThat(model.chat(request(false), at("s", 2)).aiMessage().text()).isEqualTo("b");
        assertThat(model.calls()).isEqualTo(2);
        assertThat(model.injectedTotal()).isZero();
        assertThat(model.retries()).isZero();
        assertThat(model.maxAttempts()).isEqualTo(1);
        assertThat(model.summary()).isEqualTo("2 calls, 0 faults injected, 0 retries");
    }

    @Test
    void aRetryGetsTheAnswerTheFailedCallsWouldHaveHad() {
        ScriptedModel scripted = ScriptedModel.of(Reply.text("first answer"), Reply.text("second answer"));
        FaultInjectingModel model = FaultInjectingModel.around(scripted).rate(0)
                .at("s", 1, Fault.SERVER_ERROR, Fault.STREAM_CUT, Fault.RATE_LIMITED).build();
        assertThatThrownBy(() -> model.chat(request(false), at("s", 1))).isInstanceOf(InternalServerException.class);
        assertThatThrownBy(() -> model.chat(request(false), at("s", 1))).hasCauseInstanceOf(SocketException.class);
        assertThatThrownBy(() -> model.chat(request(false), at("s", 1))).isInstanceOf(RateLimitException.class);
        assertThat(model.chat(request(false), at("s", 1)).aiMessage().text()).isEqualTo("first answer");
        assertThat(model.chat(request(false), at("s", 2)).aiMessage().text()).isEqualTo("second answer");
        assertThat(scripted.requests()).as("the cut stream asked the wrapped model once; its retry reused that answer").hasSize(2);
        assertThat(model.retries()).isEqualTo(3);
        assertThat(model.maxAttempts()).isEqualTo(4);
        assertThat(model.injected()).containsEntry(Fault.SERVER_ERROR, 1L).containsEntry(Fault.STREAM_CUT, 1L)
                .containsEntry(Fault.RATE_LIMITED, 1L).containsEntry(Fault.TIMEOUT, 0L);
        assertThat(model.summary()).isEqualTo("5 calls, 3 faults injected (RATE_LIMITED 1, SERVER_ERROR 1, STREAM_CUT 1), 3 retries");
    }

    @Test
    void aBadAnswerTakesATurnAndTheStepScriptGoesOnWhereItWas() {
        ScriptedModel scripted = ScriptedModel.builder().atStep("s", Reply.text("one"), Reply.text("two")).build();
        FaultInjectingModel model = FaultInjectingModel.around(scripted).rate(0).at("s", 1, Fault.EMPTY_ANSWER)
                .at("s", 2, Fault.TRUNCATED_ANSWER).build();
        assertThat(model.chat(request(false), at("s", 1)).aiMessage().text()).isEmpty();
        ChatResponse truncated = model.chat(request(false), at("s", 2));
        assertThat(truncated.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(model.chat(request(false), at("s", 3)).aiMessage().text()).isEqualTo("one");
        assertThat(model.chat(request(false), at("s", 4)).aiMessage().text()).isEqualTo("two");
        assertThat(model.retries()).isZero();
    }

    @Test
    void truncatedAnswersStopMidTextAtTheOutputLimit() {
        FaultInjectingModel model = FaultInjectingModel.around(ScriptedModel.of(Reply.text("The fix casts the sum to double.")))
                .rate(0).at("s", 1, Fault.TRUNCATED_ANSWER).build();
        ChatResponse response = model.chat(request(false), at("s", 1));
        assertThat(response.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(response.aiMessage().text()).isEqualTo("The fix casts ");
    }

    @Test
    void toolCallFaultsGiveArgumentsThatAreNotJsonAndToolsThatDoNotExist() {
        ScriptedModel scripted = ScriptedModel.of(Reply.toolCall("read", "{\"path\":\"App.java\"}"), Reply.text("done"));
        FaultInjectingModel model = FaultInjectingModel.around(scripted).rate(0)
                .at("s", 1, Fault.MALFORMED_TOOL_ARGUMENTS).at("s", 2, Fault.UNKNOWN_TOOL).at("s", 3, Fault.TRUNCATED_ANSWER).build();
        ObjectMapper json = new ObjectMapper();

        ToolExecutionRequest malformed = model.chat(request(true), at("s", 1)).aiMessage().toolExecutionRequests().get(0);
        assertThat(malformed.name()).isEqualTo("read");
        assertThatThrownBy(() -> json.readTree(malformed.arguments())).isInstanceOf(JsonProcessingException.class);

        ToolExecutionRequest unknown = model.chat(request(true), at("s", 2)).aiMessage().toolExecutionRequests().get(0);
        assertThat(unknown.name()).isEqualTo("functions_read");
        assertThat(unknown.arguments()).isEqualTo("{\"path\":\"App.java\"}");

        ChatResponse cut = model.chat(request(true), at("s", 3));
        assertThat(cut.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThatThrownBy(() -> json.readTree(cut.aiMessage().toolExecutionRequests().get(0).arguments()))
                .isInstanceOf(JsonProcessingException.class);

        ToolExecutionRequest real = model.chat(request(true), at("s", 4)).aiMessage().toolExecutionRequests().get(0);
        assertThat(real.name()).isEqualTo("read");
        assertThat(real.arguments()).isEqualTo("{\"path\":\"App.java\"}");
        assertThat(model.chat(request(true), at("s", 5)).aiMessage().text()).isEqualTo("done");
    }

    @Test
    void toolFaultsAreOnlyInjectedWhenTheRequestOffersTools() {
        FaultInjectingModel model = FaultInjectingModel.around(ScriptedModel.of(Reply.text("a"), Reply.text("b")))
                .rate(1).only(Fault.MALFORMED_TOOL_ARGUMENTS, Fault.UNKNOWN_TOOL).build();
        assertThat(model.chat(request(false), at("s", 1)).aiMessage().text()).isEqualTo("a");
        assertThat(model.injectedTotal()).isZero();
        assertThat(model.chat(request(true), at("s", 2)).aiMessage().hasToolExecutionRequests()).isTrue();
        assertThat(model.injectedTotal()).isEqualTo(1);
    }

    @Test
    void aCutStreamSendsPartOfTheAnswerThenFailsAndItsRetryStreamsAllOfIt() throws Exception {
        FaultInjectingModel model = FaultInjectingModel.around(ScriptedModel.of(Reply.text("one two three four")))
                .rate(0).at("s", 1, Fault.STREAM_CUT).build();
        List<String> tokens = new ArrayList<>();
        CompletableFuture<Throwable> failed = new CompletableFuture<>();
        model.chat(request(false), at("s", 1), handler(tokens, new CompletableFuture<>(), failed));
        assertThat(failed.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(SocketException.class);
        assertThat(tokens).containsExactly("one ", "two ");

        List<String> again = new ArrayList<>();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        model.chat(request(false), at("s", 1), handler(again, done, new CompletableFuture<>()));
        assertThat(done.get(5, TimeUnit.SECONDS).aiMessage().text()).isEqualTo("one two three four");
        assertThat(String.join("", again)).isEqualTo("one two three four");
    }

    @Test
    void aStreamingTimeoutFailsAfterItsDelayWithoutHoldingAThread() throws Exception {
        FaultInjectingModel model = FaultInjectingModel.around(ScriptedModel.of(Reply.text("late")))
                .rate(1).only(Fault.TIMEOUT).timeoutAfter(Duration.ofMillis(30)).build();
        CompletableFuture<Throwable> failed = new CompletableFuture<>();
        model.chat(request(false), at("s", 1), handler(new ArrayList<>(), new CompletableFuture<>(), failed));
        assertThat(failed.get(5, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
    }

    @Test
    void theSameSeedInjectsTheSameFaultsAndTheRateHolds() {
        Map<Fault, Long> first = drive(FaultInjectingModel.around(ScriptedModel.builder().when(r -> true, Reply.text("x")).build())
                .rate(0.2).seed(11).build());
        Map<Fault, Long> second = drive(FaultInjectingModel.around(ScriptedModel.builder().when(r -> true, Reply.text("x")).build())
                .rate(0.2).seed(11).build());
        assertThat(second).isEqualTo(first);
        long total = first.values().stream().mapToLong(Long::longValue).sum();
        assertThat(total).as("about 20% of 2,000 calls").isBetween(320L, 480L);
        assertThat(first.values()).as("every kind appears").allMatch(n -> n > 0);
    }

    @Test
    void aWeightOfZeroNeverInjectsThatFault() {
        FaultInjectingModel model = FaultInjectingModel.around(ScriptedModel.builder().when(r -> true, Reply.text("x")).build())
                .rate(1).weight(Fault.EMPTY_ANSWER, 0).weight(Fault.TIMEOUT, 3).build();
        Map<Fault, Long> injected = drive(model);
        assertThat(injected.get(Fault.EMPTY_ANSWER)).isZero();
        assertThat(injected.get(Fault.TIMEOUT)).isGreaterThan(injected.get(Fault.SERVER_ERROR));
    }

    @Test
    void invalidSettingsAreOneClearSentence() {
        assertThatThrownBy(() -> FaultInjectingModel.around(ScriptedModel.of()).rate(1.5))
                .hasMessage("Fault rate 1.5 is invalid: use a number from 0 to 1.");
        assertThatThrownBy(() -> FaultInjectingModel.around(ScriptedModel.of()).weight(Fault.TIMEOUT, -1))
                .hasMessage("Weight -1.0 for fault TIMEOUT is invalid: use a number of 0 or more.");
        assertThatThrownBy(() -> FaultInjectingModel.around(ScriptedModel.of()).at("s", 0, Fault.TIMEOUT))
                .hasMessage("Turn 0 is invalid: turns count from 1.");
    }

    /** 2,000 calls over 20 steps of 100 turns each, tools offered; failures are caught and the next turn goes on. */
    static Map<Fault, Long> drive(FaultInjectingModel model) {
        for (int step = 0; step < 20; step++) {
            for (int turn = 1; turn <= 100; turn++) {
                try {
                    model.chat(request(true), at("step-" + step, turn));
                } catch (RuntimeException e) {
                    assertThat(e).isInstanceOf(LangChain4jException.class);
                }
            }
        }
        return model.injected();
    }

    static StreamingChatResponseHandler handler(List<String> tokens, CompletableFuture<ChatResponse> done,
                                                CompletableFuture<Throwable> failed) {
        return TestChatModel.handler(tokens::add, done::complete, failed::complete);
    }
}
