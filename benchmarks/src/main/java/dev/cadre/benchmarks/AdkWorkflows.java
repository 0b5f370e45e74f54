package dev.cadre.benchmarks;

import com.google.adk.agents.BaseAgent;
import com.google.adk.agents.InvocationContext;
import com.google.adk.agents.LlmAgent;
import com.google.adk.agents.LoopAgent;
import com.google.adk.agents.ParallelAgent;
import com.google.adk.agents.SequentialAgent;
import com.google.adk.events.Event;
import com.google.adk.events.EventActions;
import com.google.adk.models.BaseLlm;
import com.google.adk.models.BaseLlmConnection;
import com.google.adk.models.LlmRequest;
import com.google.adk.models.LlmResponse;
import com.google.adk.runner.InMemoryRunner;
import com.google.adk.runner.Runner;
import com.google.adk.tools.Annotations.Schema;
import com.google.adk.tools.FunctionTool;
import com.google.genai.types.Content;
import com.google.genai.types.FunctionCall;
import com.google.genai.types.FunctionDeclaration;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.Part;
import com.google.genai.types.Tool;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Single;
import io.reactivex.rxjava3.schedulers.Schedulers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The benchmark workflows on Google's Agent Development Kit for Java ({@code com.google.adk:google-adk}).
 *
 * <p>The model is {@link AdkBenchModel}, a {@link BaseLlm} that follows the rule of {@link BenchModel} in ADK and
 * genai types. Every agent is an {@link LlmAgent} (transfer to parent and peers disallowed, so ADK uses its single
 * flow and adds no {@code transfer_to_agent} tool); the tool is a {@link FunctionTool} over the static method
 * {@link #bump(int)}. Agents and runners are built once in the constructor; each call runs the whole workflow through
 * an {@link InMemoryRunner} in a fresh session, which is deleted afterwards so sessions do not pile up over a
 * benchmark run.
 *
 * <ul>
 *   <li>W1: a {@link SequentialAgent} of a1..a5; each writes its answer to state ({@code outputKey}) and the next reads
 *       it through an instruction placeholder (it also sees it in the conversation history).</li>
 *   <li>W2: a {@link LoopAgent} (maxIterations 3) of coder (with {@code bump}) and reviewer. The coder makes a tool
 *       call, ADK runs {@code bump} and calls the model again with the function response; the reviewer has no exit
 *       tool, so it never escalates and the loop runs to its bound.</li>
 *   <li>W3: a {@link ParallelAgent} of p1..p8. ADK subscribes each branch on {@code Schedulers.io()}, so the branches
 *       really run concurrently on separate threads; the runner's event stream completes when all have.</li>
 *   <li>W4: ADK has no debate pattern, so it is composed from ADK's parts: a {@link LoopAgent} of 3 iterations whose
 *       body is a {@link ParallelAgent} of debaters d1..d3 followed by a small custom {@link BaseAgent}
 *       ({@link RoundSnapshot}, no model call) that copies this round's answers to {@code prev_d1..prev_d3} through an
 *       event's {@code stateDelta}; each debater reads the others' previous answers from those keys through
 *       instruction placeholders ({@code {prev_d2?}}), so a fast debater's current answer can never leak into a slow
 *       one's round. A judge, after the loop in a {@link SequentialAgent}, reads {@code {d1} {d2} {d3}}.</li>
 * </ul>
 *
 * <p>{@link #loopAsync()} runs W2 on a second copy of its agents whose model answers after the delay given to the
 * constructor via {@code Flowable.delay} on RxJava's computation scheduler, and completes its stage when the runner's
 * event {@code Flowable} completes; no thread is held while the model "thinks". The sync workflows use the instant
 * model (the same split as {@link BenchModel}'s blocking and streaming forms). Both models share one call counter.
 */
public final class AdkWorkflows implements Workflows {

    private static final String USER = "bench-user";
    private static final String TASK = "Write a function that adds one to a number.";

    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong answers = new AtomicLong();

    private final InMemoryRunner sequentialRunner;
    private final InMemoryRunner loopRunner;
    private final InMemoryRunner parallelRunner;
    private final InMemoryRunner debateRunner;
    private final InMemoryRunner loopAsyncRunner;

    /** Instant model; {@link #loopAsync()} answers instantly too. */
    public AdkWorkflows() {
        this(Duration.ZERO);
    }

    /** {@link #loopAsync()} uses a model answering after {@code delay}; the sync workflows stay instant. */
    public AdkWorkflows(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        AdkBenchModel instant = new AdkBenchModel("bench-instant", Duration.ZERO, calls, answers);
        AdkBenchModel delayed = new AdkBenchModel("bench-delayed", delay, calls, answers);
        FunctionTool bumpTool = FunctionTool.create(AdkWorkflows.class, "bump");

        sequentialRunner = new InMemoryRunner(buildSequential(instant), "adk-w1-sequential");
        loopRunner = new InMemoryRunner(buildLoop(instant, bumpTool), "adk-w2-loop");
        parallelRunner = new InMemoryRunner(buildParallel(instant), "adk-w3-parallel");
        debateRunner = new InMemoryRunner(buildDebate(instant), "adk-w4-debate");
        loopAsyncRunner = new InMemoryRunner(buildLoop(delayed, bumpTool), "adk-w2-loop-async");
    }

    /** The benchmark tool: adds one to {@code n}. */
    @Schema(name = "bump", description = "Adds one to n and returns the result.")
    public static Map<String, Object> bump(@Schema(name = "n", description = "The number to bump.") int n) {
        return Map.of("result", n + 1);
    }

    // ---------------------------------------------------------------- agents

    private static LlmAgent.Builder agent(String name, BaseLlm model, String instruction, String outputKey) {
        return LlmAgent.builder()
                .name(name)
                .description("Benchmark agent " + name)
                .model(model)
                .instruction(instruction)
                .outputKey(outputKey)
                .disallowTransferToParent(true)
                .disallowTransferToPeers(true);
    }

    private static BaseAgent buildSequential(BaseLlm model) {
        List<BaseAgent> steps = new ArrayList<>();
        steps.add(agent("a1", model, "Draft an answer to the user's task.", "s1").build());
        for (int i = 2; i <= 5; i++) {
            steps.add(agent("a" + i, model, "Improve the previous answer: {s" + (i - 1) + "}", "s" + i).build());
        }
        return SequentialAgent.builder().name("w1_sequential").subAgents(steps).build();
    }

    private static BaseAgent buildLoop(BaseLlm model, FunctionTool bumpTool) {
        LlmAgent coder = agent("coder", model,
                "Write code for the user's task; call bump first. Last review: {review?}", "code")
                .tools(bumpTool)
                .build();
        LlmAgent reviewer = agent("reviewer", model, "Review this code and say what to fix: {code}", "review").build();
        return LoopAgent.builder().name("w2_loop").subAgents(coder, reviewer).maxIterations(3).build();
    }

    private static BaseAgent buildParallel(BaseLlm model) {
        List<BaseAgent> branches = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            branches.add(agent("p" + i, model, "Give perspective " + i + " on the user's task.", "p" + i).build());
        }
        return ParallelAgent.builder().name("w3_parallel").subAgents(branches).build();
    }

    private static BaseAgent buildDebate(BaseLlm model) {
        List<BaseAgent> debaters = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            StringBuilder others = new StringBuilder();
            for (int j = 1; j <= 3; j++) {
                if (j != i) {
                    others.append(" d").append(j).append(" said: {prev_d").append(j).append("?}.");
                }
            }
            debaters.add(agent("d" + i, model,
                    "You are debater " + i + ". Argue your answer to the user's task." + others, "d" + i).build());
        }
        BaseAgent round = ParallelAgent.builder().name("w4_round").subAgents(debaters).build();
        BaseAgent snapshot = new RoundSnapshot("w4_snapshot", List.of("d1", "d2", "d3"));
        BaseAgent rounds = LoopAgent.builder().name("w4_rounds").subAgents(round, snapshot).maxIterations(3).build();
        LlmAgent judge = agent("judge", model, "Decide the debate. d1: {d1}; d2: {d2}; d3: {d3}", "verdict").build();
        return SequentialAgent.builder().name("w4_debate").subAgents(rounds, judge).build();
    }

    /**
     * A custom ADK agent (no model call) closing a debate round: it emits one event whose {@code stateDelta} copies
     * each debater's answer to {@code prev_<key>}, the keys the next round's instructions read.
     */
    static final class RoundSnapshot extends BaseAgent {
        private final List<String> keys;

        RoundSnapshot(String name, List<String> keys) {
            super(name, "Snapshots a debate round's answers", List.of(), List.of(), List.of());
            this.keys = List.copyOf(keys);
        }

        @Override
        protected Flowable<Event> runAsyncImpl(InvocationContext ctx) {
            return Flowable.fromCallable(() -> {
                Map<String, Object> state = ctx.session().state();
                Map<String, Object> delta = new HashMap<>();
                for (String key : keys) {
                    Object value = state.get(key);
                    if (value != null) {
                        delta.put("prev_" + key, value);
                    }
                }
                Event.Builder event = Event.builder()
                        .id(Event.generateEventId())
                        .invocationId(ctx.invocationId())
                        .author(name())
                        .actions(EventActions.builder().stateDelta(new ConcurrentHashMap<>(delta)).build());
                ctx.branch().ifPresent(event::branch);
                return event.build();
            });
        }

        @Override
        protected Flowable<Event> runLiveImpl(InvocationContext ctx) {
            return runAsyncImpl(ctx);
        }
    }

    // ---------------------------------------------------------------- workflows

    @Override
    public String sequential() {
        return lastText(runBlocking(sequentialRunner));
    }

    @Override
    public String loop() {
        return lastText(runBlocking(loopRunner));
    }

    @Override
    public String parallel() {
        List<Event> events = runBlocking(parallelRunner);
        Map<String, String> byAgent = new TreeMap<>();
        for (Event e : events) {
            String text = text(e);
            if (e.finalResponse() && !text.isEmpty()) {
                byAgent.put(e.author(), text);
            }
        }
        return byAgent.entrySet().stream().map(en -> en.getKey() + ": " + en.getValue()).collect(Collectors.joining("\n"));
    }

    @Override
    public String debate() {
        return lastText(runBlocking(debateRunner));
    }

    @Override
    public CompletionStage<String> loopAsync() {
        return run(loopAsyncRunner).map(AdkWorkflows::lastText).toCompletionStage();
    }

    @Override
    public long modelCalls() {
        return calls.get();
    }

    @Override
    public void close() {
        for (Runner runner : List.of(sequentialRunner, loopRunner, parallelRunner, debateRunner, loopAsyncRunner)) {
            runner.close().onErrorComplete().blockingAwait();
        }
    }

    private static List<Event> runBlocking(Runner runner) {
        return run(runner).blockingGet();
    }

    /** One full workflow run in a fresh session (deleted afterwards); completes when the event stream does. */
    private static Single<List<Event>> run(Runner runner) {
        Content message = Content.builder().role("user").parts(List.of(Part.fromText(TASK))).build();
        String app = runner.appName();
        return runner.sessionService().createSession(app, USER).flatMap(session ->
                runner.runAsync(USER, session.id(), message).toList().flatMap(events ->
                        runner.sessionService().deleteSession(app, USER, session.id()).toSingleDefault(events)));
    }

    private static String lastText(List<Event> events) {
        for (int i = events.size() - 1; i >= 0; i--) {
            String text = text(events.get(i));
            if (!text.isEmpty()) {
                return text;
            }
        }
        return "";
    }

    private static String text(Event event) {
        return event.content().flatMap(Content::parts).orElse(List.of()).stream()
                .map(p -> p.text().orElse(""))
                .collect(Collectors.joining());
    }

    // ---------------------------------------------------------------- model

    /**
     * {@link BenchModel}'s rule as an ADK {@link BaseLlm}: when the request's config declares tools and its last
     * content is not a function response, call the first declared tool once with {@code {"n":1}}; otherwise answer
     * {@code "answer-<k>"}. Counts each call when the returned {@code Flowable} is subscribed; with a non-zero delay,
     * the response is emitted later on RxJava's computation scheduler, holding no thread meanwhile.
     */
    static final class AdkBenchModel extends BaseLlm {
        private final Duration delay;
        private final AtomicLong calls;
        private final AtomicLong answers;

        AdkBenchModel(String name, Duration delay, AtomicLong calls, AtomicLong answers) {
            super(name);
            this.delay = delay;
            this.calls = calls;
            this.answers = answers;
        }

        @Override
        public Flowable<LlmResponse> generateContent(LlmRequest request, boolean stream) {
            Flowable<LlmResponse> response = Flowable.fromCallable(() -> answer(request));
            return delay.isZero()
                    ? response
                    : response.delay(delay.toNanos(), TimeUnit.NANOSECONDS, Schedulers.computation());
        }

        @Override
        public BaseLlmConnection connect(LlmRequest request) {
            throw new UnsupportedOperationException("live connections are not part of the benchmark");
        }

        private LlmResponse answer(LlmRequest request) {
            long n = calls.incrementAndGet();
            Optional<String> tool = request.config()
                    .flatMap(GenerateContentConfig::tools)
                    .flatMap(tools -> tools.stream()
                            .map(Tool::functionDeclarations)
                            .flatMap(Optional::stream)
                            .flatMap(List::stream)
                            .map(FunctionDeclaration::name)
                            .flatMap(Optional::stream)
                            .findFirst());
            List<Content> contents = request.contents();
            boolean afterTool = !contents.isEmpty()
                    && contents.get(contents.size() - 1).parts().orElse(List.of()).stream()
                            .anyMatch(p -> p.functionResponse().isPresent());
            Part part;
            if (tool.isPresent() && !afterTool) {
                part = Part.builder()
                        .functionCall(FunctionCall.builder().id("call-" + n).name(tool.get()).args(Map.of("n", 1)).build())
                        .build();
            } else {
                part = Part.fromText("answer-" + answers.incrementAndGet());
            }
            return LlmResponse.builder()
                    .content(Content.builder().role("model").parts(List.of(part)).build())
                    .build();
        }
    }
}
