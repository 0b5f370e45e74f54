package dev.cadre.benchmarks;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-memory model every implementation uses, as a LangChain4j {@link ChatModel} and {@link StreamingChatModel}.
 * The rule (peers whose model interface is not LangChain4j's follow the same rule in their own types):
 * when the request offers tools and its last message is not a tool result, call the first tool once with
 * {@code {"n":1}}; otherwise answer {@code "answer-<k>"}, where k counts answers, so no two answers agree (a debate
 * never stops early on consensus, a reviewer never approves).
 *
 * <p>The blocking {@link #chat(ChatRequest)} answers at once. The streaming form answers after {@code delay}, on
 * {@code timer} and without holding a thread meanwhile (the S1 scale case).
 */
public final class BenchModel implements ChatModel, StreamingChatModel {

    private static final TokenUsage USAGE = new TokenUsage(10, 5);

    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong answers = new AtomicLong();
    private final Duration delay;
    private final ScheduledExecutorService timer;

    public BenchModel() {
        this(Duration.ZERO, null);
    }

    public BenchModel(Duration delay, ScheduledExecutorService timer) {
        this.delay = delay;
        this.timer = timer;
    }

    /**
     * The timer that delivers delayed answers: two daemon threads, as a model client's I/O pool would be (the rest of
     * each run continues on these threads, as it would on an HTTP client's).
     */
    public static ScheduledExecutorService timer(String name) {
        AtomicLong n = new AtomicLong();
        return java.util.concurrent.Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public long calls() {
        return calls.get();
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        return answer(request);
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
        return answer(request);
    }

    @Override
    public void chat(ChatRequest request, StreamingChatResponseHandler handler) {
        ChatResponse response = answer(request);
        if (delay.isZero() || timer == null) {
            handler.onCompleteResponse(response);
        } else {
            timer.schedule(() -> handler.onCompleteResponse(response), delay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        chat(request, handler);
    }

    @Override
    public dev.langchain4j.model.chat.request.ChatRequestParameters defaultRequestParameters() {
        return dev.langchain4j.model.chat.request.DefaultChatRequestParameters.EMPTY;
    }

    @Override
    public List<dev.langchain4j.model.chat.listener.ChatModelListener> listeners() {
        return List.of();
    }

    @Override
    public dev.langchain4j.model.ModelProvider provider() {
        return dev.langchain4j.model.ModelProvider.OTHER;
    }

    @Override
    public java.util.Set<dev.langchain4j.model.chat.Capability> supportedCapabilities() {
        return java.util.Set.of();
    }

    private ChatResponse answer(ChatRequest request) {
        calls.incrementAndGet();
        List<ChatMessage> messages = request.messages();
        List<ToolSpecification> tools = request.toolSpecifications();
        boolean afterTool = !messages.isEmpty() && messages.get(messages.size() - 1) instanceof ToolExecutionResultMessage;
        AiMessage message;
        if (tools != null && !tools.isEmpty() && !afterTool) {
            message = AiMessage.from(ToolExecutionRequest.builder()
                    .id("call-" + calls.get()).name(tools.get(0).name()).arguments("{\"n\":1}").build());
            return ChatResponse.builder().aiMessage(message).tokenUsage(USAGE).finishReason(FinishReason.TOOL_EXECUTION).build();
        }
        message = AiMessage.from("answer-" + answers.incrementAndGet());
        return ChatResponse.builder().aiMessage(message).tokenUsage(USAGE).finishReason(FinishReason.STOP).build();
    }
}
