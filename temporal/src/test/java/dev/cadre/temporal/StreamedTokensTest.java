package dev.cadre.temporal;

import static dev.cadre.orchestrator.conformance.Runs.agent;
import static dev.cadre.orchestrator.conformance.Runs.work;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.HumanGate;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Step;
import dev.cadre.orchestrator.conformance.CrewDriver;
import dev.cadre.orchestrator.conformance.Runs;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import io.temporal.api.history.v1.HistoryEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streamed tokens on the Temporal driver: the model activity streams into the journal store's live channel, the run's
 * handle shows the tokens before each call's journaled answer, and neither the workflow's history nor the journal holds
 * a token (both keep the whole answer).
 */
class StreamedTokensTest {

    static final String DRAFT = "Quokkas marmalade zephyrs across fjords.";
    static final String FINAL = "Edited: quokkas marmalade zephyrs, briskly.";

    @TempDir
    Path store;
    private TemporalCrewDriver driver;

    private static Crew crew() {
        return Crew.of("streamed", Step.sequential("doc", work(agent("drafter"), "draft", "Draft: {task}"),
                work(agent("editor"), "final", "Edit the draft.", "draft")));
    }

    private TemporalCrewDriver driver(ModelRegistry models, java.util.function.UnaryOperator<TemporalCadre.Builder> more) {
        driver = new TemporalCrewDriver(new CrewDriver.Setup(models, List.of(), HumanGate.autoApprove(), store), JournalKey.generate(), more);
        return driver;
    }

    private static ModelRegistry scripted() {
        return ModelRegistry.of("scripted:m", ScriptedModel.builder().atStep("doc/draft", Reply.text(DRAFT))
                .atStep("doc/final", Reply.text(FINAL)).build());
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.close();
        }
    }

    @Test
    void aSubscriberSeesEachCallsTokensBeforeItsJournaledAnswerAndNeitherHistoryNorJournalHoldsAToken() throws Exception {
        driver(scripted(), b -> b);
        // subscribed before the run starts, as `cadre run --temporal` and the console are while it runs
        CompletableFuture<List<RunEvent>> seen = driver.cadre().handle("streamed").events().collectList().toFuture();
        RunResult result = Runs.result(driver.run(crew(), Runs.TASK, Runs.id("streamed").withStreaming(true)));
        assertThat(result.status()).as(result.reason()).isEqualTo(RunStatus.SUCCEEDED);
        List<RunEvent> events = seen.get(10, TimeUnit.SECONDS);

        assertThat(tokensOf(events, "drafter")).isEqualTo(DRAFT);
        assertThat(tokensOf(events, "editor")).isEqualTo(FINAL);
        assertThat(events.stream().filter(RunEvent.TokenStreamed.class::isInstance).count()).as("one token a word")
                .isEqualTo(DRAFT.split(" ").length + FINAL.split(" ").length);
        List<RunEvent> journal = driver.journal("streamed");
        assertThat(journal).noneMatch(RunEvent.TokenStreamed.class::isInstance);
        assertThat(events).filteredOn(e -> !(e instanceof RunEvent.TokenStreamed)).as("the rest is the journal, in order")
                .isEqualTo(journal);
        assertThat(journal).filteredOn(RunEvent.ModelResponded.class::isInstance).extracting(e -> ((RunEvent.ModelResponded) e).text())
                .containsExactly(DRAFT, FINAL);
        try (Stream<Path> files = Files.walk(store.resolve("runs"))) {
            assertThat(files.filter(Files::isRegularFile).map(StreamedTokensTest::text).collect(Collectors.joining()))
                    .as("no file in the runs directory holds a token").doesNotContain("token_streamed");
        }

        String history = driver.environment().getWorkflowClient().fetchHistory("streamed").getEvents().stream()
                .map(HistoryEvent::toString).collect(Collectors.joining("\n"));
        assertThat(history).as("the whole answers, in the model activity's results").contains(DRAFT, FINAL);
        String rest = history.replace(DRAFT, "").replace(FINAL, "");
        assertThat(rest).as("a token outside the whole answers").doesNotContain("marmalade", "zephyrs", "fjords", "briskly");
    }

    @Test
    void aSubscriberThatJoinsAfterTheRunGetsTheWholeAnswerFromTheJournalAndARunThatDoesNotStreamShowsNoToken() throws Exception {
        driver(scripted(), b -> b);
        RunResult streamed = Runs.result(driver.run(crew(), Runs.TASK, Runs.id("late").withStreaming(true)));
        List<RunEvent> late = driver.cadre().handle("late").events().collectList().block(Duration.ofSeconds(10));

        assertThat(streamed.output()).isEqualTo(FINAL);
        assertThat(late).noneMatch(RunEvent.TokenStreamed.class::isInstance).isEqualTo(driver.journal("late"));

        CompletableFuture<List<RunEvent>> seen = driver.cadre().handle("plain").events().collectList().toFuture();
        RunResult plain = Runs.result(driver.run(crew(), Runs.TASK, Runs.id("plain")));
        assertThat(plain.output()).isEqualTo(FINAL);
        assertThat(seen.get(10, TimeUnit.SECONDS)).noneMatch(RunEvent.TokenStreamed.class::isInstance).isEqualTo(driver.journal("plain"));
    }

    @Test
    void cancellingARunCancelsTheStreamOfItsModelCallAndPublishesNoMore() throws Exception {
        AtomicBoolean streamCancelled = new AtomicBoolean();
        CompletableFuture<StreamingChatResponseHandler> streaming = new CompletableFuture<>();
        StreamingChatModel endless = new StreamingChatModel() {
            @Override
            public void chat(ChatRequest request, ChatRequestOptions options, StreamingChatResponseHandler handler) {
                StreamingHandle handle = new StreamingHandle() {
                    @Override
                    public void cancel() {
                        streamCancelled.set(true);
                    }

                    @Override
                    public boolean isCancelled() {
                        return streamCancelled.get();
                    }
                };
                handler.onPartialResponse(new PartialResponse("first "), new PartialResponseContext(handle));
                streaming.complete(handler);   // and never completes the answer
            }
        };
        ModelRegistry models = ModelRegistry.builder().model("scripted:m", ScriptedModel.builder().build())
                .streamingModel("scripted:m", endless).defaultModel("scripted:m").build();
        driver(models, b -> b.heartbeatTimeout(Duration.ofSeconds(1)));
        CompletableFuture<List<RunEvent>> seen = driver.cadre().handle("cancelled").events().collectList().toFuture();
        RunHandle run = driver.run(crew(), Runs.TASK, Runs.id("cancelled").withStreaming(true));
        StreamingChatResponseHandler handler = streaming.get(10, TimeUnit.SECONDS);

        run.cancel();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!streamCancelled.get() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        handler.onPartialResponse("after the cancel");

        assertThat(streamCancelled).as("the model's stream was cancelled with the activity").isTrue();
        assertThat(Runs.result(run).status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(seen.get(10, TimeUnit.SECONDS)).filteredOn(RunEvent.TokenStreamed.class::isInstance)
                .extracting(e -> ((RunEvent.TokenStreamed) e).token()).containsExactly("first ");
    }

    /** The tokens of {@code agent}'s call, checked to come after its request and before its response; joined. */
    private static String tokensOf(List<RunEvent> events, String agent) {
        int requested = indexOf(events, RunEvent.ModelRequested.class, agent);
        int responded = indexOf(events, RunEvent.ModelResponded.class, agent);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i) instanceof RunEvent.TokenStreamed t && t.agent().equals(agent)) {
                assertThat(i).as("token '%s' of %s between its request (#%d) and its response (#%d)", t.token(), agent, requested, responded)
                        .isBetween(requested + 1, responded - 1);
                assertThat(t.seq()).as("the sequence number of the last journaled event before it").isEqualTo(events.get(requested).seq());
                text.append(t.token());
            }
        }
        return text.toString();
    }

    private static int indexOf(List<RunEvent> events, Class<? extends RunEvent> type, String agent) {
        for (int i = 0; i < events.size(); i++) {
            RunEvent e = events.get(i);
            if (type.isInstance(e) && (e instanceof RunEvent.ModelRequested r ? r.agent() : ((RunEvent.ModelResponded) e).agent()).equals(agent)) {
                return i;
            }
        }
        throw new AssertionError("No " + type.getSimpleName() + " of " + agent + " in " + events);
    }

    private static String text(Path file) {
        try {
            return Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
