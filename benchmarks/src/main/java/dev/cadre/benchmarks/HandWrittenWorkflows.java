package dev.cadre.benchmarks;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.agent.tool.ToolSpecifications;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The floor: the same workflows as plain Java calling LangChain4j's {@code ChatModel} directly, with no framework,
 * no events, no journal. Messages are built the way a careful hand-written agent would (system prompt, the earlier
 * output as context, the tool round trip). Parallel uses a plain executor. Built with a {@link HandJournal}
 * ({@code handwritten-journaled}), W1-W4 also append the events Cadre journals for them to the default store.
 */
public final class HandWrittenWorkflows implements Workflows {

    private final BenchModel model;
    private final ScheduledExecutorService timer;
    private final ExecutorService pool = Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "handwritten-parallel");
        t.setDaemon(true);
        return t;
    });
    private final List<ToolSpecification> tools = ToolSpecifications.toolSpecificationsFrom(BumpTool.class);
    private final BumpTool bump = new BumpTool();
    private final HandJournal journal;
    private static final dev.cadre.api.Task TASK = dev.cadre.api.Task.of("bench", "Do the benchmark task.");

    public HandWrittenWorkflows() {
        this(Duration.ZERO);
    }

    public HandWrittenWorkflows(Duration delay) {
        this(delay, null);
    }

    /** With {@code journal} ({@code null}: none) every workflow's events are appended to it. */
    HandWrittenWorkflows(Duration delay, HandJournal journal) {
        this.timer = delay.isZero() ? null : BenchModel.timer("handwritten-model-timer");
        this.model = new BenchModel(delay, timer);
        this.journal = journal;
    }

    private HandJournal.Run start(String crew) {
        return journal == null ? null : journal.start(crew, TASK);
    }

    private static String finish(HandJournal.Run run, String output) {
        if (run != null) {
            run.finished(output);
        }
        return output;
    }

    private String ask(HandJournal.Run run, String agent, String task, String context) {
        List<ChatMessage> messages = List.of(SystemMessage.from("You are " + agent + "."),
                UserMessage.from(context == null ? task : task + "\n\nContext:\n" + context));
        if (run != null) {
            run.stepStarted(agent, agent, task);
        }
        ChatResponse response = model.chat(ChatRequest.builder().messages(messages).build());
        String text = response.aiMessage().text();
        if (run != null) {
            run.model(agent, agent, messages, response, 1);
            run.stepFinished(agent, text);
        }
        return text;
    }

    private String askWithTool(HandJournal.Run run, String agent, String task, String context) {
        List<ChatMessage> messages = new ArrayList<>(List.of(SystemMessage.from("You are " + agent + "."),
                UserMessage.from(context == null ? task : task + "\n\nContext:\n" + context)));
        if (run != null) {
            run.stepStarted(agent, agent, task);
        }
        for (int turn = 1; ; turn++) {
            ChatResponse response = model.chat(ChatRequest.builder().messages(messages).toolSpecifications(tools).build());
            AiMessage ai = response.aiMessage();
            if (run != null) {
                run.model(agent, agent, turn == 1 ? messages : messages.subList(messages.size() - 1, messages.size()), response, turn);
            }
            if (!ai.hasToolExecutionRequests()) {
                if (run != null) {
                    run.stepFinished(agent, ai.text());
                }
                return ai.text();
            }
            messages.add(ai);
            for (ToolExecutionRequest call : ai.toolExecutionRequests()) {
                String result = execute(call);
                if (run != null) {
                    run.tool(agent, agent, call, result, turn);
                }
                messages.add(ToolExecutionResultMessage.from(call, result));
            }
        }
    }

    private String execute(ToolExecutionRequest call) {
        String args = call.arguments();
        int n = Integer.parseInt(args.replaceAll("[^0-9-]", ""));
        return Integer.toString(bump.bump(n));
    }

    @Override
    public String sequential() {
        HandJournal.Run run = start("w1-sequential");
        String previous = null;
        for (int i = 1; i <= 5; i++) {
            previous = ask(run, "a" + i, "Step " + i + " of the task.", previous);
        }
        return finish(run, previous);
    }

    @Override
    public String loop() {
        HandJournal.Run run = start("w2-loop");
        String review = null;
        for (int i = 0; i < 3; i++) {
            String code = askWithTool(run, "coder", "Write the code.", review);
            review = ask(run, "reviewer", "Review the code.", code);
            if (review.contains("APPROVED")) {
                break;
            }
        }
        return finish(run, review);
    }

    @Override
    public String parallel() {
        HandJournal.Run run = start("w3-parallel");
        List<CompletableFuture<String>> parts = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            int k = i;
            parts.add(CompletableFuture.supplyAsync(() -> ask(run, "p" + k, "Part " + k + " of the task.", null), pool));
        }
        StringBuilder joined = new StringBuilder();
        for (CompletableFuture<String> part : parts) {
            joined.append(part.join()).append('\n');
        }
        return finish(run, joined.toString());
    }

    @Override
    public String debate() {
        HandJournal.Run run = start("w4-debate");
        String[] answers = new String[3];
        for (int round = 0; round < 3; round++) {
            String[] next = new String[3];
            for (int d = 0; d < 3; d++) {
                StringBuilder others = null;
                if (round > 0) {
                    others = new StringBuilder();
                    for (int o = 0; o < 3; o++) {
                        if (o != d) {
                            others.append("d").append(o + 1).append(": ").append(answers[o]).append('\n');
                        }
                    }
                }
                next[d] = ask(run, "d" + (d + 1), "Answer the question.", others == null ? null : others.toString());
            }
            answers = next;
        }
        return finish(run, ask(run, "judge", "Decide the question.", String.join("\n", answers)));
    }

    /** W2 as a chain of callbacks on the streaming model: no thread waits for the model. */
    @Override
    public CompletionStage<String> loopAsync() {
        return iteration(0, null);
    }

    private CompletionStage<String> iteration(int i, String review) {
        if (i == 3) {
            return CompletableFuture.completedFuture(review);
        }
        List<ChatMessage> messages = new ArrayList<>(List.of(SystemMessage.from("You are coder."),
                UserMessage.from(review == null ? "Write the code." : "Write the code.\n\nContext:\n" + review)));
        return streamWithTool(messages)
                .thenCompose(code -> stream(List.of(SystemMessage.from("You are reviewer."),
                        UserMessage.from("Review the code.\n\nContext:\n" + code)), List.of()))
                .thenCompose(r -> r.aiMessage().text().contains("APPROVED")
                        ? CompletableFuture.completedFuture(r.aiMessage().text())
                        : iteration(i + 1, r.aiMessage().text()));
    }

    private CompletionStage<String> streamWithTool(List<ChatMessage> messages) {
        return stream(messages, tools).thenCompose(r -> {
            AiMessage ai = r.aiMessage();
            if (!ai.hasToolExecutionRequests()) {
                return CompletableFuture.completedFuture(ai.text());
            }
            List<ChatMessage> more = new ArrayList<>(messages);
            more.add(ai);
            for (ToolExecutionRequest call : ai.toolExecutionRequests()) {
                more.add(ToolExecutionResultMessage.from(call, execute(call)));
            }
            return streamWithTool(more);
        });
    }

    private CompletionStage<ChatResponse> stream(List<ChatMessage> messages, List<ToolSpecification> specs) {
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        model.chat(ChatRequest.builder().messages(messages).toolSpecifications(specs).build(), new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {}

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        return done;
    }

    @Override
    public long modelCalls() {
        return model.calls();
    }

    @Override
    public void cleanUp() {
        if (journal != null) {
            journal.reset();
        }
    }

    @Override
    public void close() {
        if (journal != null) {
            journal.close();
        }
        pool.shutdownNow();
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
