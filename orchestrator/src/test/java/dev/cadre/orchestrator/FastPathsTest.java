package dev.cadre.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.ModelRegistry;
import dev.cadre.api.Persona;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Task;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolResult;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Step;
import dev.cadre.orchestrator.journal.MemoryJournalStore;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.data.message.AiMessage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The local driver's fast paths: a streaming model's answer is handled on the model's own callback thread, a tool
 * that says it does not block runs right there, only blocking tools hop to the blocking scheduler; and each run's
 * mailbox lets one callback at a time into its core however many threads deliver them at once.
 */
class FastPathsTest {

    static final Duration WAIT = Duration.ofSeconds(20);
    final Scheduler blocking = Schedulers.newBoundedElastic(4, 100, "test-blocking");
    final AtomicInteger callbacks = new AtomicInteger();
    final List<Thread> callbackThreads = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        blocking.dispose();
    }

    /** Streams {@code model}'s answers from threads of its own, named {@code provider-callback-N}, like an HTTP client's. */
    StreamingChatModel onItsOwnThreads(java.util.function.Function<ChatRequest, ChatResponse> model, CyclicBarrier together) {
        return new StreamingChatModel() {
            @Override
            public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
                Thread callback = new Thread(() -> {
                    try {
                        if (together != null) {
                            together.await();
                        }
                        handler.onCompleteResponse(model.apply(request));
                    } catch (Exception e) {
                        handler.onError(e);
                    }
                }, "provider-callback-" + callbacks.incrementAndGet());
                callbackThreads.add(callback);
                callback.start();
            }
        };
    }

    static Tool tool(String name, boolean blocks, List<String> threads) {
        return tool(name, blocks, threads, () -> { });
    }

    /** The same, doing {@code first} before it notes its thread. */
    static Tool tool(String name, boolean blocks, List<String> threads, Runnable first) {
        ToolSpecification spec = ToolSpecification.builder().name(name).description("Notes its thread")
                .parameters(JsonObjectSchema.builder().addStringProperty("text", "the text").required("text").build()).build();
        Tool tool = Tool.of(spec, RiskLevel.READ_ONLY, true, (args, context) -> {
            first.run();
            threads.add(Thread.currentThread().getName());
            return Mono.just(ToolResult.ok("noted"));
        });
        return blocks ? tool : Tool.nonBlocking(spec, RiskLevel.READ_ONLY, true, tool::invoke);
    }

    @Test
    void aStreamingAnswerGoesOnOnItsCallbackThreadAndANonBlockingToolRunsThereWhileABlockingOneHops() {
        List<String> inline = new CopyOnWriteArrayList<>();
        List<String> hopped = new CopyOnWriteArrayList<>();
        List<String> asked = new CopyOnWriteArrayList<>();
        ScriptedModel scripted = ScriptedModel.builder().anyAgent(
                Reply.toolCall("quick_note", "{\"text\":\"a\"}"), Reply.toolCall("slow_note", "{\"text\":\"b\"}"),
                Reply.text("done")).build();
        // The first answer comes once the caller's thread has left the run's mailbox: while a thread drains it, that
        // thread takes what arrives (the mailbox's rule), so an answer racing the caller's drain could be taken on it.
        java.util.concurrent.CountDownLatch callerLeft = new java.util.concurrent.CountDownLatch(1);
        java.util.function.Function<ChatRequest, ChatResponse> answers = request -> {
            try {
                callerLeft.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return scripted.chat(request);
        };
        Orchestrator orchestrator = Orchestrator.builder()
                .models(ModelRegistry.builder().model("test:m", scripted).streamingModel("test:m", onItsOwnThreads(answers, null))
                        .defaultModel("test:m").build())
                // the blocking tool answers once the callback thread that asked for it has left the mailbox (it ends then):
                // a result arriving while that thread still drains would be taken there, by the mailbox's rule
                .tools(List.of(tool("quick_note", false, inline), tool("slow_note", true, hopped, () -> awaitEnd(callbackThreads.get(1)))))
                .journalStore(new MemoryJournalStore()).blockingScheduler(blocking)
                .interceptor(new TurnInterceptor() {
                    @Override
                    public Request beforeModelRequest(Turn turn, List<ChatMessage> messages) {
                        asked.add(Thread.currentThread().getName());
                        return Request.send(messages);
                    }
                })
                .build();
        Persona writer = Persona.builder("writer").role("Writer").goal("Note").tools("quick_note", "slow_note").build();

        RunHandle run = orchestrator.run(orchestrator.agent(writer), Task.of("t", "Note twice."), RunOptions.DEFAULTS.withStreaming(true));
        callerLeft.countDown();

        assertThat(run.result().block(WAIT).status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(inline).singleElement().asString().as("no hand-off: the callback thread of the answer that asked")
                .isEqualTo("provider-callback-1");
        assertThat(hopped).singleElement().asString().startsWith("test-blocking");
        assertThat(asked).as("each next request is made where the last result came in").containsExactly(
                Thread.currentThread().getName(), "provider-callback-1", asked.get(2));
        assertThat(asked.get(2)).startsWith("test-blocking");
    }

    static void awaitEnd(Thread thread) {
        try {
            thread.join(WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void oneRunsMailboxLetsOneCallbackAtATimeIntoItsCoreWhenManyThreadsDeliverAtOnce() {
        int branches = 8;
        CyclicBarrier together = new CyclicBarrier(branches);
        ChatResponse done = ChatResponse.builder().aiMessage(AiMessage.from("done")).build();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger entries = new AtomicInteger();
        TurnInterceptor counting = new TurnInterceptor() {
            @Override
            public Answer afterModelAnswer(Turn turn, String answer) {
                int now = inside.incrementAndGet();
                most.accumulateAndGet(now, Math::max);
                entries.incrementAndGet();
                try {
                    Thread.sleep(5);   // widen the window another thread would need to get in
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                inside.decrementAndGet();
                return Answer.accept();
            }
        };
        Orchestrator orchestrator = Orchestrator.builder()
                .models(ModelRegistry.builder().model("test:m", new ChatModel() {
                            @Override
                            public ChatResponse doChat(ChatRequest request) {
                                return done;
                            }
                        }).streamingModel("test:m", onItsOwnThreads(request -> done, together))
                        .defaultModel("test:m").build())
                .journalStore(new MemoryJournalStore()).blockingScheduler(blocking).interceptor(counting).build();
        Step[] work = IntStream.range(0, branches).mapToObj(i -> (Step) Step.work(
                orchestrator.agent(Persona.builder("w" + i).role("Writer").goal("Write").build()), Task.of("n" + i, "Write " + i + ".")))
                .toArray(Step[]::new);

        RunHandle run = orchestrator.run(Crew.of("fan", Step.parallel("fan", branches, work)), Task.of("go", "Go."),
                RunOptions.DEFAULTS.withStreaming(true));

        assertThat(run.result().block(WAIT).reason()).isNull();
        assertThat(callbacks).as("every branch answered on a thread of its own, all at once").hasValue(branches);
        assertThat(entries).hasValue(branches);
        assertThat(most).as("callbacks in the core at the same time").hasValue(1);
    }
}
