package dev.cadre.testkit;

import dev.cadre.api.ModelCallAttributes;
import dev.cadre.api.RunEvent;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A LangChain4j {@link ChatModel} and {@link StreamingChatModel} whose answers are scripted, for tests that must not
 * call a real provider. Answers are scripted per agent (persona id) and turn: the n-th call made by agent
 * {@code coder} gets the n-th reply scripted for {@code coder}. Rules with a predicate on the request answer first.
 * The agent is read from the call's {@link ModelCallAttributes#AGENT} attribute, which Cadre's orchestrator sets.
 *
 * <p>Every request is recorded for assertions. When the script runs out, the call fails with a
 * {@link ScriptExhaustedException} naming the agent and the turn. Thread-safe.
 *
 * <pre>{@code
 * ScriptedModel model = ScriptedModel.builder()
 *     .agent("coder", Reply.toolCall("workspace_read", "{\"path\":\"App.java\"}"), Reply.text("Fixed the bug."))
 *     .agent("reviewer", Reply.text("{\"verdict\":\"APPROVED\"}"))
 *     .build();
 * }</pre>
 */
public final class ScriptedModel extends TestChatModel {

    /** One request the model received. */
    public record RecordedRequest(String agent, int turn, ChatRequest request, String thread, boolean nonBlockingThread,
                                  java.time.Instant at) {
        /** The text of the last user message, or {@code ""}. */
        public String lastUserText() {
            return ScriptedModel.lastUserText(request);
        }
    }

    private record Rule(Predicate<ChatRequest> when, Reply reply) {}

    private static final String ANY = "";
    private static final Pattern WORD = Pattern.compile("\\S+\\s*|\\s+");

    private final List<Rule> rules;
    private final Map<String, List<Reply>> steps;
    private final Map<String, List<Reply>> scripts;
    private final Map<String, Deque<Reply>> remaining = new LinkedHashMap<>();
    private final Map<String, Integer> turns = new LinkedHashMap<>();
    private final List<RecordedRequest> requests = new ArrayList<>();
    private final Scheduler timer;

    private ScriptedModel(Builder builder) {
        this.rules = List.copyOf(builder.rules);
        Map<String, List<Reply>> stepCopy = new LinkedHashMap<>();
        builder.steps.forEach((path, replies) -> stepCopy.put(path, List.copyOf(replies)));
        this.steps = stepCopy;
        Map<String, List<Reply>> copy = new LinkedHashMap<>();
        builder.scripts.forEach((agent, replies) -> copy.put(agent, List.copyOf(replies)));
        this.scripts = copy;
        copy.forEach((agent, replies) -> remaining.put(agent, new ArrayDeque<>(replies)));
        this.timer = builder.timer;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A model answering every call, from any agent, with the given replies in order. */
    public static ScriptedModel of(Reply... replies) {
        return builder().anyAgent(replies).build();
    }

    /**
     * A model that answers exactly as the model answered in a recorded run: each agent gets the responses its
     * {@link RunEvent.ModelResponded} events hold, in order. Replaying a journal with it reproduces the run.
     */
    public static ScriptedModel replaying(List<RunEvent> events) {
        Builder builder = builder();
        events.stream()
                .filter(RunEvent.ModelResponded.class::isInstance)
                .map(RunEvent.ModelResponded.class::cast)
                .filter(e -> !e.cached())
                .sorted(Comparator.comparingLong(RunEvent::seq))
                .forEach(e -> {
                    Reply reply;
                    if (e.toolCalls() != null && !e.toolCalls().isEmpty()) {
                        reply = Reply.toolCalls(e.toolCalls().stream()
                                .map(c -> ToolExecutionRequest.builder().id(c.id()).name(c.name()).arguments(c.arguments()).build())
                                .toArray(ToolExecutionRequest[]::new));
                        if (e.text() != null) {
                            reply = reply.withText(e.text());
                        }
                    } else {
                        reply = Reply.text(e.text() == null ? "" : e.text());
                    }
                    reply = reply.withUsage((int) e.usage().inputTokens(), (int) e.usage().outputTokens());
                    builder.agent(e.agent() == null ? ANY : e.agent(), reply);
                });
        return builder.build();
    }

    /** Every request received so far, in arrival order. */
    public synchronized List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /** The requests made by one agent, in order. */
    public synchronized List<RecordedRequest> requestsFor(String agent) {
        return requests.stream().filter(r -> agent.equals(r.agent())).toList();
    }

    /** How many scripted replies have not been used, over all agents. */
    public synchronized int unusedReplies() {
        return remaining.values().stream().mapToInt(Deque::size).sum();
    }

    /** The text of the last user message of a request, or {@code ""}. */
    public static String lastUserText(ChatRequest request) {
        List<ChatMessage> messages = request.messages();
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i) instanceof UserMessage user) {
                return user.hasSingleText() ? user.singleText() : user.toString();
            }
        }
        return "";
    }

    /** The text of the last tool result in a request, or {@code ""}. */
    public static String lastToolResult(ChatRequest request) {
        List<ChatMessage> messages = request.messages();
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i) instanceof ToolExecutionResultMessage result) {
                return result.text();
            }
        }
        return "";
    }

    // ---- ChatModel ----

    @Override
    public ChatResponse chat(ChatRequest request, ChatRequestOptions options) {
        Answer answer = next(request, options);
        if (!answer.reply.delay().isZero()) {
            TestChatModel.pause(answer.reply.delay(), "ScriptedModel");
        }
        if (answer.reply.failure() != null) {
            throw answer.reply.failure();
        }
        return answer.response;
    }

    // ---- StreamingChatModel ----

    @Override
    public void chat(ChatRequest request, ChatRequestOptions options, StreamingChatResponseHandler handler) {
        Answer answer;
        try {
            answer = next(request, options);
        } catch (RuntimeException e) {
            handler.onError(e);
            return;
        }
        Runnable emit = () -> {
            if (answer.reply.failure() != null) {
                handler.onError(answer.reply.failure());
                return;
            }
            String text = answer.response.aiMessage().text();
            if (text != null) {
                Matcher m = WORD.matcher(text);
                while (m.find()) {
                    handler.onPartialResponse(m.group());
                }
            }
            handler.onCompleteResponse(answer.response);
        };
        if (answer.reply.delay().isZero()) {
            emit.run();
        } else {
            timer.schedule(emit, answer.reply.delay().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    // ---- capabilities ----

    @Override
    public Set<Capability> supportedCapabilities() {
        return Set.of(Capability.RESPONSE_FORMAT_JSON_SCHEMA);
    }

    // ---- the script ----

    private record Answer(Reply reply, ChatResponse response) {}

    private synchronized Answer next(ChatRequest request, ChatRequestOptions options) {
        Map<Object, Object> attributes = options == null ? Map.of() : options.listenerAttributes();
        Object agentAttribute = attributes == null ? null : attributes.get(ModelCallAttributes.AGENT);
        String agent = agentAttribute == null ? ANY : agentAttribute.toString();
        int turn = turns.merge(agent, 1, Integer::sum);
        Thread thread = Thread.currentThread();
        requests.add(new RecordedRequest(agent, turn, request, thread.getName(), Schedulers.isInNonBlockingThread(),
                java.time.Instant.now()));

        Reply reply = null;
        Object path = attributes == null ? null : attributes.get(ModelCallAttributes.STEP_PATH);
        Object stepTurn = attributes == null ? null : attributes.get(ModelCallAttributes.TURN);
        List<Reply> stepScript = path == null ? null : steps.get(path.toString());
        if (stepScript != null) {
            int t = stepTurn instanceof Integer i ? i : 1;
            if (t > stepScript.size()) {
                throw new ScriptExhaustedException("ScriptedModel has no reply for step '" + path + "' turn " + t
                        + ": its script has " + stepScript.size() + " replies");
            }
            reply = stepScript.get(t - 1);
        }
        for (Rule rule : rules) {
            if (reply != null) {
                break;
            }
            if (rule.when.test(request)) {
                reply = rule.reply;
                break;
            }
        }
        if (reply == null) {
            Deque<Reply> queue = remaining.get(agent);
            if (queue == null || queue.isEmpty()) {
                queue = remaining.get(ANY);
            }
            if (queue == null || queue.isEmpty()) {
                throw exhausted(agent, turn, request);
            }
            reply = queue.poll();
        }
        reply = reply.resolve(request);
        int idTurn = stepTurn instanceof Integer i ? i : turn;
        return new Answer(reply, reply.failure() != null ? null : response(agent, idTurn, request, reply));
    }

    private ScriptExhaustedException exhausted(String agent, int turn, ChatRequest request) {
        String who = agent.equals(ANY) ? "a call without an agent" : "agent '" + agent + "'";
        String last = lastUserText(request);
        if (last.length() > 160) {
            last = last.substring(0, 157) + "...";
        }
        String script;
        if (scripts.containsKey(agent)) {
            script = "its script has " + scripts.get(agent).size() + " replies";
        } else {
            Set<String> known = new TreeSet<>(scripts.keySet());
            known.remove(ANY);
            script = "no replies are scripted for it (scripted agents: " + (known.isEmpty() ? "none" : String.join(", ", known)) + ")";
        }
        return new ScriptExhaustedException("ScriptedModel has no reply for " + who + " turn " + turn + ": " + script
                + "; the last user message was: \"" + last + "\"");
    }

    private ChatResponse response(String agent, int turn, ChatRequest request, Reply reply) {
        List<ToolExecutionRequest> calls = new ArrayList<>();
        int index = 0;
        for (ToolExecutionRequest call : reply.toolCalls()) {
            // deterministic ids (agent, turn, position), so a resumed run's calls carry the ids the first run's did
            String id = call.id() != null ? call.id() : "call_" + (agent.equals(ANY) ? "any" : agent) + "_" + turn + "_" + (++index);
            calls.add(ToolExecutionRequest.builder().id(id).name(call.name()).arguments(call.arguments()).build());
        }
        AiMessage message = calls.isEmpty() ? AiMessage.from(reply.text())
                : AiMessage.builder().text(reply.text()).toolExecutionRequests(calls).build();
        int input = reply.inputTokens() != null ? reply.inputTokens() : estimateTokens(request);
        int output = reply.outputTokens() != null ? reply.outputTokens() : estimateTokens(message);
        return ChatResponse.builder()
                .aiMessage(message)
                .tokenUsage(new TokenUsage(input, output))
                .finishReason(calls.isEmpty() ? FinishReason.STOP : FinishReason.TOOL_EXECUTION)
                .modelName("scripted")
                .build();
    }

    /** About four characters per token, at least one token: deterministic, so tests can assert usage. */
    static int estimateTokens(ChatRequest request) {
        int chars = 0;
        for (ChatMessage message : request.messages()) {
            chars += textOf(message).length();
        }
        return Math.max(1, (chars + 3) / 4);
    }

    static int estimateTokens(AiMessage message) {
        int chars = message.text() == null ? 0 : message.text().length();
        if (message.hasToolExecutionRequests()) {
            for (ToolExecutionRequest call : message.toolExecutionRequests()) {
                chars += call.name().length() + (call.arguments() == null ? 0 : call.arguments().length());
            }
        }
        return Math.max(1, (chars + 3) / 4);
    }

    private static String textOf(ChatMessage message) {
        if (message instanceof SystemMessage m) return m.text();
        if (message instanceof UserMessage m) return m.hasSingleText() ? m.singleText() : m.toString();
        if (message instanceof AiMessage m) return m.text() == null ? "" : m.text();
        if (message instanceof ToolExecutionResultMessage m) return m.text();
        return message.toString();
    }

    /** Builds a {@link ScriptedModel}. */
    public static final class Builder {
        private final List<Rule> rules = new ArrayList<>();
        private final Map<String, List<Reply>> steps = new LinkedHashMap<>();
        private final Map<String, List<Reply>> scripts = new LinkedHashMap<>();
        private Scheduler timer = Schedulers.parallel();

        private Builder() {}

        /** Appends replies to an agent's script: its first call gets the first reply, and so on. */
        public Builder agent(String agent, Reply... replies) {
            scripts.computeIfAbsent(agent, a -> new ArrayList<>()).addAll(List.of(replies));
            return this;
        }

        /**
         * Replies for the calls made at one step path, by the call's turn within the step (from the call's
         * {@link ModelCallAttributes#TURN} attribute): the same step and turn always get the same reply, however many
         * calls came before. This is what makes a resumed run, which skips recorded calls, answer as the first did.
         */
        public Builder atStep(String stepPath, Reply... replies) {
            steps.computeIfAbsent(stepPath, p -> new ArrayList<>()).addAll(List.of(replies));
            return this;
        }

        /** Replies for calls of agents that have no script of their own (or whose script ran out). */
        public Builder anyAgent(Reply... replies) {
            return agent(ANY, replies);
        }

        /** Answers every request matching {@code when} with {@code reply}, before any per-agent script. */
        public Builder when(Predicate<ChatRequest> when, Reply reply) {
            rules.add(new Rule(when, reply));
            return this;
        }

        /** The scheduler that times delayed streaming answers (default: Reactor's parallel scheduler). */
        public Builder timer(Scheduler timer) {
            this.timer = timer;
            return this;
        }

        public ScriptedModel build() {
            return new ScriptedModel(this);
        }
    }
}
