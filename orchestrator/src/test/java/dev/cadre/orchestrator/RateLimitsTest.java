package dev.cadre.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cadre.api.Agent;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.Persona;
import dev.cadre.api.RateLimit;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Task;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.CrewPolicy;
import dev.cadre.api.crew.RetryPolicy;
import dev.cadre.api.crew.Review;
import dev.cadre.api.crew.Step;
import dev.cadre.orchestrator.journal.MemoryJournalStore;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.output.TokenUsage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Shared rate limits through the orchestrator, on virtual time (no timed assertions): many runs against one limited
 * model never go over it, and a 429 from a real OpenAI client's loopback server makes every run wait.
 */
class RateLimitsTest {

    final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    final Persona writer = Persona.builder("writer").role("Writer").goal("Write").model("test:limited").build();
    final Queue events = new Queue();
    HttpServer server;

    /** Every event of every run, from its start (live events included). */
    static final class Queue extends ConcurrentLinkedQueue<RunEvent> {
        List<RunEvent.RateLimitWait> waits(String runId) {
            return stream().filter(e -> e instanceof RunEvent.RateLimitWait w && w.runId().equals(runId))
                    .map(RunEvent.RateLimitWait.class::cast).toList();
        }
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
        time.dispose();
    }

    Orchestrator.Builder orchestrator(ChatModel model) {
        return Orchestrator.builder()
                .models(ModelRegistry.builder().model("test:limited", model).build())
                .journalStore(new MemoryJournalStore())
                .blockingScheduler(Schedulers.immediate())   // calls run where they are let go: at the virtual instant
                .rateLimitTimer(time)
                .listener(run -> run.events().subscribe(events::add));
    }

    Crew crew(CrewPolicy policy) {
        return Crew.of("solo", new Step.Work("note", Agent.of(writer), null, Review.NONE)).withPolicy(policy);
    }

    /** Answers at once and notes the virtual time of every call. */
    record Counting(VirtualTimeScheduler time, List<Long> calls) implements ChatModel {
        @Override
        public ChatResponse doChat(ChatRequest request) {
            calls.add(time.now(TimeUnit.MILLISECONDS));
            return ChatResponse.builder().aiMessage(AiMessage.from("done")).tokenUsage(new TokenUsage(10, 5)).build();
        }
    }

    @Test
    void manyRunsAgainstOneLimitedModelNeverGoOverTheStricterOfTheOrchestratorsAndTheCrewsLimit() {
        Counting model = new Counting(time, new CopyOnWriteArrayList<>());
        Orchestrator orchestrator = orchestrator(model).rateLimit("test:limited", RateLimit.perMinute(10, 0)).build();
        Crew crew = crew(CrewPolicy.builder().rateLimit("test:limited", RateLimit.perMinute(4, 0)).build());

        List<RunHandle> runs = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            runs.add(orchestrator.run(crew, Task.of("t" + i, "Write note " + i + ".")));
        }
        assertThat(model.calls()).hasSize(4);
        for (int second = 0; second < 9 * 61; second++) {
            time.advanceTimeBy(Duration.ofSeconds(1));
        }

        assertThat(runs).allSatisfy(run -> assertThat(run.result().block(Duration.ofSeconds(5)).status()).isEqualTo(RunStatus.SUCCEEDED));
        List<Long> calls = model.calls();
        assertThat(calls).hasSize(30).isSorted();
        for (int i = 0; i + 4 < calls.size(); i++) {
            assertThat(calls.get(i + 4) - calls.get(i)).as("calls %d and %d", i, i + 4).isGreaterThanOrEqualTo(60_000);
        }
        assertThat(runs.subList(4, 30)).allSatisfy(run -> assertThat(events.waits(run.runId()))
                .singleElement().satisfies(w -> {
                    assertThat(w.reason()).isIn("requests per minute", "calls waiting before it");
                    assertThat(w.model()).isEqualTo("test:limited");
                    assertThat(w.agent()).isEqualTo("writer");
                }));
        assertThat(runs.subList(0, 4)).allSatisfy(run -> assertThat(events.waits(run.runId())).isEmpty());
    }

    @Test
    void a429FromTheProviderMakesEveryRunWaitThenAllFinish() throws IOException {
        AtomicInteger requests = new AtomicInteger();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/chat/completions", exchange -> answer(exchange, requests.incrementAndGet() == 1));
        server.start();
        ChatModel openAi = OpenAiChatModel.builder().baseUrl("http://127.0.0.1:" + server.getAddress().getPort() + "/v1")
                .apiKey("test").modelName("gpt-test").maxRetries(0).build();
        Orchestrator orchestrator = orchestrator(openAi).build();
        Crew crew = crew(CrewPolicy.builder().retry(new RetryPolicy(3, Duration.ofSeconds(10), Duration.ofSeconds(30), 0)).build());

        RunHandle first = orchestrator.run(crew, Task.of("first", "Write the first note."));
        assertThat(requests).hasValue(1);   // a 429: the model is paused for every run
        List<RunHandle> others = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            others.add(orchestrator.run(crew, Task.of("t" + i, "Write note " + i + ".")));
        }
        time.advanceTimeBy(Duration.ofSeconds(9));
        assertThat(requests).as("nobody calls the model while it is paused").hasValue(1);
        assertThat(others).allSatisfy(run -> assertThat(events.waits(run.runId())).singleElement()
                .satisfies(w -> assertThat(w.reason()).isEqualTo("the provider asked to wait")));

        time.advanceTimeBy(Duration.ofSeconds(2));
        assertThat(others).allSatisfy(run -> assertThat(run.result().block(Duration.ofSeconds(5)).status()).isEqualTo(RunStatus.SUCCEEDED));
        assertThat(first.result().block(Duration.ofSeconds(5)).status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(requests).hasValue(7);
    }

    @Test
    void aProviderSayingNothingRemainsPausesTheModelUntilItsReset() throws IOException {
        AtomicInteger requests = new AtomicInteger();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/chat/completions", exchange -> {
            exchange.getResponseHeaders().add("x-ratelimit-limit-requests", "3");
            exchange.getResponseHeaders().add("x-ratelimit-remaining-requests", requests.incrementAndGet() == 1 ? "0" : "1");
            exchange.getResponseHeaders().add("x-ratelimit-reset-requests", "20s");
            answer(exchange, false);
        });
        server.start();
        ChatModel openAi = OpenAiChatModel.builder().baseUrl("http://127.0.0.1:" + server.getAddress().getPort() + "/v1")
                .apiKey("test").modelName("gpt-test").maxRetries(0).build();
        Orchestrator orchestrator = orchestrator(openAi).build();
        Crew crew = crew(CrewPolicy.DEFAULT);

        orchestrator.run(crew, Task.of("first", "Write the first note.")).result().block(Duration.ofSeconds(5));
        RunHandle second = orchestrator.run(crew, Task.of("second", "Write the second note."));
        time.advanceTimeBy(Duration.ofSeconds(19));
        assertThat(requests).hasValue(1);
        time.advanceTimeBy(Duration.ofSeconds(1));
        assertThat(second.result().block(Duration.ofSeconds(5)).status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(orchestrator.rateLimit("test:limited")).contains(RateLimit.perMinute(3, 0));   // learned
    }

    private static void answer(HttpExchange exchange, boolean tooMany) throws IOException {
        exchange.getRequestBody().readAllBytes();
        byte[] body = (tooMany
                ? "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}"
                : "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-test\",\"choices\":[{\"index\":0,"
                        + "\"message\":{\"role\":\"assistant\",\"content\":\"done\"},\"finish_reason\":\"stop\"}],"
                        + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15}}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(tooMany ? 429 : 200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
