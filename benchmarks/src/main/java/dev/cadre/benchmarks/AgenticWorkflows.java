package dev.cadre.benchmarks;

import dev.langchain4j.agentic.Agent;
import dev.langchain4j.agentic.AgenticServices;
import dev.langchain4j.agentic.UntypedAgent;
import dev.langchain4j.agentic.scope.AgenticScope;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.UserMessage;
import dev.langchain4j.service.V;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The benchmark workflows on LangChain4j's agentic module ({@code langchain4j-agentic}), written with the module's
 * own idioms: typed agents built by {@link AgenticServices#agentBuilder(Class)} from interfaces annotated with
 * {@link Agent}, {@link UserMessage} and {@link V}, each writing its answer to the agentic scope under its
 * {@code outputKey}, composed with {@link AgenticServices#sequenceBuilder()}, {@link AgenticServices#loopBuilder()}
 * and {@link AgenticServices#parallelBuilder()}.
 *
 * <p>Every agent system is built once, in the constructor; each workflow call invokes it with a fresh map of inputs,
 * so the module creates a fresh (ephemeral) agentic scope per call and the run starts from empty state.
 *
 * <ul>
 *   <li>W1: a sequence of a1..a5, each reading and rewriting the scope key {@code text} (5 model calls).</li>
 *   <li>W2: a loop (maxIterations 3) of a coder, which has the {@code bump} tool, and a reviewer; the exit condition
 *       (review equals {@code "approved"}) never holds, so the loop runs to its bound. Each coder turn is one model
 *       call asking for {@code bump}, the tool execution, and one model call answering (3 x 3 = 9 model calls).</li>
 *   <li>W3: a parallel of p1..p8 on {@link #parallelExecutor}, joined by the parallel's output function (8 calls).</li>
 *   <li>W4: the agentic module has no debate pattern, so it is built here from its parts: a sequence of
 *       (a loop of 3 rounds whose body is a parallel of 3 debaters) and then a judge agent. Before each round the
 *       parallel's {@code beforeCall} hook snapshots every debater's previous answer in the agentic scope into
 *       {@code othersN} (the other two debaters' answers), so the concurrently running debaters each read the others'
 *       answers from the previous round and never a half-finished current round (3 x 3 + 1 = 10 calls).</li>
 * </ul>
 *
 * <p>{@link #loopAsync()}: the agentic module's agents are blocking (an agent invocation holds its thread until the
 * model answers), so there is no non-blocking form. {@link #AgenticWorkflows(Duration)} builds the systems on a
 * model whose {@code chat} sleeps {@code delay} (blocking, {@link Thread#sleep}) before answering, and
 * {@code loopAsync} runs the blocking {@link #loop()} on a fixed pool of {@value #ASYNC_THREADS} threads: it is
 * thread-per-run, so at most {@value #ASYNC_THREADS} runs are in flight at once and the rest queue.
 */
public final class AgenticWorkflows implements Workflows {

    /** Threads for {@link #loopAsync()}: one per in-flight run, since the module's agents block. */
    static final int ASYNC_THREADS = 256;

    // ---- agent interfaces -------------------------------------------------------------------------------------

    public interface Step {
        @Agent(description = "Improves the text")
        @UserMessage("Improve this text: {{text}}")
        String step(@V("text") String text);
    }

    public interface Coder {
        @Agent(description = "Writes code for the task, taking the review into account")
        @UserMessage("Write code for {{task}}. Use the bump tool. Last review: {{review}}")
        String code(@V("task") String task, @V("review") String review);
    }

    public interface Reviewer {
        @Agent(description = "Reviews the code; answers approved when it is good")
        @UserMessage("Review this code, answer approved if it is good: {{code}}")
        String review(@V("code") String code);
    }

    public interface Analyst {
        @Agent(description = "Analyses the topic from one angle")
        @UserMessage("Analyse {{topic}}")
        String analyse(@V("topic") String topic);
    }

    public interface Debater1 {
        @Agent(description = "Debater 1")
        @UserMessage("You are debater 1 on {{topic}}. The others said last round: {{others1}}")
        String argue(@V("topic") String topic, @V("others1") String others);
    }

    public interface Debater2 {
        @Agent(description = "Debater 2")
        @UserMessage("You are debater 2 on {{topic}}. The others said last round: {{others2}}")
        String argue(@V("topic") String topic, @V("others2") String others);
    }

    public interface Debater3 {
        @Agent(description = "Debater 3")
        @UserMessage("You are debater 3 on {{topic}}. The others said last round: {{others3}}")
        String argue(@V("topic") String topic, @V("others3") String others);
    }

    public interface Judge {
        @Agent(description = "Decides the debate")
        @UserMessage("Decide the debate on {{topic}}: 1: {{d1}} 2: {{d2}} 3: {{d3}}")
        String decide(@V("topic") String topic, @V("d1") String d1, @V("d2") String d2, @V("d3") String d3);
    }

    // ---- state --------------------------------------------------------------------------------------------------

    private final BenchModel bench;
    private final ExecutorService parallelExecutor;
    private final ExecutorService asyncExecutor;

    private final UntypedAgent sequential;
    private final UntypedAgent loop;
    private final UntypedAgent parallel;
    private final UntypedAgent debate;

    /** Instant model. */
    public AgenticWorkflows() {
        this(Duration.ZERO);
    }

    /**
     * Model that answers after {@code delay}, blocking the calling thread meanwhile (the module's agents block);
     * {@link Duration#ZERO} answers at once.
     */
    public AgenticWorkflows(Duration delay) {
        this(delay, null);
    }

    /** As {@link #AgenticWorkflows(Duration)}, showing every model request to {@code requests} (for tests). */
    AgenticWorkflows(Duration delay, Consumer<ChatRequest> requests) {
        this.bench = new BenchModel();
        ChatModel model = delay.isZero() && requests == null ? bench : new SleepingModel(bench, delay, requests);
        this.parallelExecutor = Executors.newCachedThreadPool(daemonThreads("agentic-parallel-"));
        this.asyncExecutor = Executors.newFixedThreadPool(ASYNC_THREADS, daemonThreads("agentic-async-"));

        // W1: a1..a5 in sequence, each rewriting "text".
        Object[] steps = new Object[5];
        for (int i = 0; i < steps.length; i++) {
            steps[i] = AgenticServices.agentBuilder(Step.class)
                    .chatModel(model).name("a" + (i + 1)).outputKey("text").build();
        }
        this.sequential = AgenticServices.sequenceBuilder()
                .subAgents(steps).outputKey("text").build();

        // W2: coder (with the bump tool) and reviewer, 3 iterations; the reviewer never approves.
        Coder coder = AgenticServices.agentBuilder(Coder.class)
                .chatModel(model).name("coder").tools(new BumpTool())
                .defaultKeyValue("review", "none").outputKey("code").build();
        Reviewer reviewer = AgenticServices.agentBuilder(Reviewer.class)
                .chatModel(model).name("reviewer").outputKey("review").build();
        this.loop = AgenticServices.loopBuilder()
                .subAgents(coder, reviewer)
                .maxIterations(3)
                .exitCondition(scope -> "approved".equals(scope.readState("review", "")))
                .outputKey("code")
                .build();

        // W3: p1..p8 fanned out on the executor, joined by the parallel's output function.
        Object[] analysts = new Object[8];
        for (int i = 0; i < analysts.length; i++) {
            analysts[i] = AgenticServices.agentBuilder(Analyst.class)
                    .chatModel(model).name("p" + (i + 1)).outputKey("p" + (i + 1)).build();
        }
        this.parallel = AgenticServices.parallelBuilder()
                .subAgents(analysts)
                .executor(parallelExecutor)
                .output(AgenticWorkflows::joinAnalyses)
                .build();

        // W4: debate = sequence(loop(3 rounds, parallel(d1, d2, d3)), judge).
        Debater1 d1 = AgenticServices.agentBuilder(Debater1.class)
                .chatModel(model).name("d1").outputKey("d1").build();
        Debater2 d2 = AgenticServices.agentBuilder(Debater2.class)
                .chatModel(model).name("d2").outputKey("d2").build();
        Debater3 d3 = AgenticServices.agentBuilder(Debater3.class)
                .chatModel(model).name("d3").outputKey("d3").build();
        UntypedAgent round = AgenticServices.parallelBuilder()
                .name("round")
                .subAgents(d1, d2, d3)
                .executor(parallelExecutor)
                .beforeCall(AgenticWorkflows::snapshotPreviousRound)
                .build();
        UntypedAgent rounds = AgenticServices.loopBuilder()
                .name("rounds")
                .subAgents(round)
                .maxIterations(3)
                .exitCondition(scope -> false) // no consensus check: BenchModel's answers never agree
                .build();
        Judge judge = AgenticServices.agentBuilder(Judge.class)
                .chatModel(model).name("judge").outputKey("verdict").build();
        this.debate = AgenticServices.sequenceBuilder()
                .subAgents(rounds, judge).outputKey("verdict").build();
    }

    private static Object joinAnalyses(AgenticScope scope) {
        StringBuilder joined = new StringBuilder();
        for (int i = 1; i <= 8; i++) {
            if (i > 1) {
                joined.append('\n');
            }
            joined.append(scope.readState("p" + i, ""));
        }
        return joined.toString();
    }

    /** Before each round: each debater's view of the other two debaters' previous answers. */
    private static void snapshotPreviousRound(AgenticScope scope) {
        String a1 = scope.readState("d1", "(none)");
        String a2 = scope.readState("d2", "(none)");
        String a3 = scope.readState("d3", "(none)");
        scope.writeState("others1", "2: " + a2 + " 3: " + a3);
        scope.writeState("others2", "1: " + a1 + " 3: " + a3);
        scope.writeState("others3", "1: " + a1 + " 2: " + a2);
    }

    private static Map<String, Object> topic(String topic) {
        return Map.of("topic", topic);
    }

    @Override
    public String sequential() {
        return (String) sequential.invoke(Map.of("text", "topic"));
    }

    @Override
    public String loop() {
        return (String) loop.invoke(Map.of("task", "task"));
    }

    @Override
    public String parallel() {
        return (String) parallel.invoke(topic("topic"));
    }

    @Override
    public String debate() {
        return (String) debate.invoke(topic("topic"));
    }

    /** Thread-per-run: the blocking {@link #loop()} on the fixed pool (the module has no non-blocking agents). */
    @Override
    public CompletionStage<String> loopAsync() {
        return CompletableFuture.supplyAsync(this::loop, asyncExecutor);
    }

    @Override
    public long modelCalls() {
        return bench.calls();
    }

    @Override
    public void close() {
        asyncExecutor.shutdownNow();
        parallelExecutor.shutdownNow();
        try {
            asyncExecutor.awaitTermination(5, TimeUnit.SECONDS);
            parallelExecutor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** {@link BenchModel} answering after a fixed delay, holding the calling thread meanwhile. */
    private static final class SleepingModel implements ChatModel {
        private final BenchModel delegate;
        private final long delayNanos;
        private final Consumer<ChatRequest> requests;

        SleepingModel(BenchModel delegate, Duration delay, Consumer<ChatRequest> requests) {
            this.delegate = delegate;
            this.delayNanos = delay.toNanos();
            this.requests = requests;
        }

        @Override
        public ChatResponse chat(ChatRequest request) {
            if (requests != null) {
                requests.accept(request);
            }
            if (delayNanos > 0) {
                sleep();
            }
            return delegate.chat(request);
        }

        @Override
        public ChatResponse doChat(ChatRequest request) {
            return chat(request);
        }

        private void sleep() {
            try {
                TimeUnit.NANOSECONDS.sleep(delayNanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the model was thinking", e);
            }
        }
    }
}
