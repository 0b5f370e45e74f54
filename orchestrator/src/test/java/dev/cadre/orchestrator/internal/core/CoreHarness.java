package dev.cadre.orchestrator.internal.core;

import dev.cadre.api.Decision;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.PriceTable;
import dev.cadre.api.RunEvent;
import dev.cadre.api.Task;
import dev.cadre.api.ToolResult;
import dev.cadre.api.Usage;
import dev.cadre.api.crew.Crew;
import dev.cadre.orchestrator.TurnInterceptor;
import dev.cadre.orchestrator.internal.JsonSchemas;
import dev.cadre.orchestrator.internal.RecordedRun;
import dev.cadre.orchestrator.redaction.Redactor;
import dev.cadre.testkit.ScriptedModel;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.TokenCountEstimator;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Drives a {@link Core} by hand in a test: no threads, no model, no journal file. Commands the core gives are kept
 * (events numbered and redacted as a driver would), and the test answers the open calls it chooses, in the order it
 * chooses. On a resumed core, an event the journal already holds is not journaled again, and one that differs from the
 * journal's (apart from its number and time) is kept in {@link #replayMismatches}.
 *
 * <p>Over 300 lines: it is the one harness every test of the core drives, and its parts (set-up, answering, reading
 * prompts and events) are used together.
 */
final class CoreHarness {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final ModelRegistry MODELS = ModelRegistry.builder()
            .model("scripted:m", ScriptedModel.builder().build())
            .model("scripted:cheap", ScriptedModel.builder().build())
            .defaultModel("scripted:m").build();

    final Core core;
    final List<RunEvent> events = new ArrayList<>();
    /** The calls still open (a test answers and so removes them). */
    final List<Command.CallModel> modelCalls = new ArrayList<>();
    final List<Command.CallTool> toolCalls = new ArrayList<>();
    final List<Command.AskHuman> asks = new ArrayList<>();
    /** Every call the core asked for, answered or not. */
    final List<Command.CallModel> allModelCalls = new ArrayList<>();
    final List<Command.CallTool> allToolCalls = new ArrayList<>();
    final List<Command.AskHuman> allAsks = new ArrayList<>();
    final List<Command.StartTimer> timers = new ArrayList<>();
    final List<Command.StepOutput> outputs = new ArrayList<>();
    final List<String> replayMismatches = new ArrayList<>();
    Command.EndRun end;
    Instant now = T0;
    private final RecordedRun facts;
    private final Redactor redactor;

    /** How a test sets up the core; {@link #start()} starts it. */
    static final class Setup {
        private final Crew crew;
        private Task task = Task.of("t", "Do it.");
        private RecordedRun journal = RecordedRun.empty();
        private int maxOutputRetries = 2;
        private Redactor redactor = Redactor.none();
        private Map<String, String> initialContext = Map.of();
        private Instant startAt = T0;
        private List<TurnInterceptor> interceptors = List.of();
        private Map<String, TokenCountEstimator> estimators = Map.of();

        private Setup(Crew crew) {
            this.crew = crew;
        }

        Setup task(Task t) {
            this.task = t;
            return this;
        }

        Setup journal(RecordedRun j) {
            this.journal = j;
            return this;
        }

        Setup maxOutputRetries(int n) {
            this.maxOutputRetries = n;
            return this;
        }

        Setup redactor(Redactor r) {
            this.redactor = r;
            return this;
        }

        Setup initialContext(Map<String, String> context) {
            this.initialContext = context;
            return this;
        }

        /** The users' turn interceptors and token estimators (by model reference). */
        Setup interceptors(List<TurnInterceptor> list, Map<String, TokenCountEstimator> byModel) {
            this.interceptors = list;
            this.estimators = byModel;
            return this;
        }

        /** The time the driver starts (or resumes) the core at; the run itself started at {@link #T0}. */
        Setup at(Instant when) {
            this.startAt = when;
            return this;
        }

        CoreHarness start() {
            CoreHarness h = new CoreHarness(this);
            h.now = startAt;
            h.take(h.core.start(h.now));
            return h;
        }
    }

    static Setup with(Crew crew) {
        return new Setup(crew);
    }

    private CoreHarness(Setup s) {
        this.facts = s.journal;
        this.redactor = s.redactor;
        this.core = new Core(new Core.Setup("run-1", s.crew, s.task, facts, MODELS, PriceTable.NONE, new JsonSchemas(), s.redactor,
                4, s.maxOutputRetries, T0, Crew.outputNames(s.crew.process()), s.initialContext, null, java.util.Map.of(), s.interceptors, s.estimators));
        if (!facts.isEmpty()) {
            events.addAll(facts.events());
        } else {
            events.add(new RunEvent.RunStarted("run-1", "", 1, T0, s.crew.name(), s.task, null));
        }
    }

    static CoreHarness start(Crew crew, Task task) {
        return with(crew).task(task).start();
    }

    /** A core resumed from {@code journal} (the events of an earlier run, its {@code run_started} first). */
    static CoreHarness start(Crew crew, Task task, RecordedRun journal) {
        return with(crew).task(task).journal(journal).start();
    }

    /** A core with the users' turn interceptors and token estimators (by model reference), resumed from {@code journal}. */
    static CoreHarness start(Crew crew, Task task, RecordedRun journal, List<TurnInterceptor> interceptors,
                             Map<String, TokenCountEstimator> estimators) {
        return with(crew).task(task).journal(journal).interceptors(interceptors, estimators).start();
    }

    static CoreHarness start(Crew crew, Task task, Redactor redactor) {
        return with(crew).task(task).redactor(redactor).start();
    }

    void take(List<Command> commands) {
        for (Command c : commands) {
            if (c instanceof Command.Record r) {
                RunEvent e = redactor.redact(r.event().create("run-1", events.size() + 1, now));
                RunEvent earlier = facts.get(RecordedRun.key(e));
                if (earlier == null || earlier.getClass() != e.getClass()) {
                    events.add(e);
                } else {
                    RunEvent again = redactor.redact(r.event().create("run-1", earlier.seq(), earlier.timestamp()));
                    if (!again.equals(earlier)) {
                        replayMismatches.add("journal: " + earlier + "\nreplay:  " + again);
                    }
                }
            } else if (c instanceof Command.CallModel m) {
                modelCalls.add(m);
                allModelCalls.add(m);
            } else if (c instanceof Command.CallTool t) {
                toolCalls.add(t);
                allToolCalls.add(t);
            } else if (c instanceof Command.AskHuman a) {
                asks.add(a);
                allAsks.add(a);
            } else if (c instanceof Command.StartTimer t) {
                timers.add(t);
            } else if (c instanceof Command.StepOutput o) {
                outputs.add(o);
            } else if (c instanceof Command.EndRun e) {
                end = e;
            }
        }
    }

    void feed(Input input) {
        take(core.accept(input, now));
    }

    void later(Duration d) {
        now = now.plus(d);
    }

    /** The open model call at a step path (exactly that path), removed from the open ones. */
    Command.CallModel model(String path) {
        return takeOne(modelCalls, c -> c.stepPath().equals(path), "model call at " + path);
    }

    Command.CallModel nextModel() {
        if (modelCalls.isEmpty()) throw new AssertionError("no model call is open; events: " + kinds());
        return modelCalls.remove(0);
    }

    Command.CallTool tool(String name) {
        return takeOne(toolCalls, c -> c.tool().name().equals(name), "tool call " + name);
    }

    Command.AskHuman ask(String idPart) {
        return takeOne(asks, a -> a.checkpoint().id().contains(idPart), "checkpoint " + idPart);
    }

    private static <T> T takeOne(List<T> open, Predicate<T> which, String what) {
        for (int i = 0; i < open.size(); i++) {
            if (which.test(open.get(i))) return open.remove(i);
        }
        throw new AssertionError("no open " + what + " among " + open);
    }

    /** Answers a model call with text (10 tokens in, 5 out). */
    void answer(Command.CallModel call, String text) {
        answer(call, text, FinishReason.STOP);
    }

    void answer(Command.CallModel call, String text, FinishReason finish) {
        feed(new Input.ModelAnswered(call.key(), ChatResponse.builder().aiMessage(AiMessage.from(text))
                .finishReason(finish).tokenUsage(new TokenUsage(10, 5)).build(), false, Usage.ZERO));
    }

    /** Answers the model call at {@code path} with text. */
    void answer(String path, String text) {
        answer(model(path), text);
    }

    /** The model call at {@code path} fails (after the driver's retries). */
    void modelFails(String path, String reason) {
        feed(new Input.ModelFailed(model(path).key(), reason));
    }

    /** Answers a model call with tool calls, given as name and JSON arguments pairs. */
    void callTools(Command.CallModel call, String... nameThenArguments) {
        List<ToolExecutionRequest> requests = new ArrayList<>();
        for (int i = 0; i < nameThenArguments.length; i += 2) {
            requests.add(ToolExecutionRequest.builder().id("call-" + call.turn() + "-" + (i / 2))
                    .name(nameThenArguments[i]).arguments(nameThenArguments[i + 1]).build());
        }
        feed(new Input.ModelAnswered(call.key(), ChatResponse.builder().aiMessage(AiMessage.from(requests))
                .tokenUsage(new TokenUsage(10, 5)).build(), false, Usage.ZERO));
    }

    void callTools(String path, String... nameThenArguments) {
        callTools(model(path), nameThenArguments);
    }

    void toolDone(Command.CallTool call, String text) {
        feed(new Input.ToolDone(call.key(), ToolResult.ok(text)));
    }

    void decide(Command.AskHuman ask, Decision decision) {
        feed(new Input.Decided(ask.checkpoint().id(), decision));
    }

    void decide(String idPart, Decision decision) {
        decide(ask(idPart), decision);
    }

    /** How a test answers model calls and decides checkpoints while driving a run to its end. */
    interface ModelScript extends BiConsumer<CoreHarness, Command.CallModel> {}

    interface Decider extends BiFunction<CoreHarness, Command.AskHuman, Decision> {}

    /**
     * Answers whatever is open until the run ends: model calls by {@code models}, tool calls with a text naming the tool
     * and its arguments, checkpoints by {@code decider}; each input 7 seconds after the one before.
     */
    CoreHarness runToEnd(ModelScript models, Decider decider) {
        CoreHarness h = this;
        int inputs = 0;
        while (h.end == null) {
            if (++inputs > 500) throw new AssertionError("the run does not end; events: " + h.kinds());
            h.later(Duration.ofSeconds(7));
            if (!h.modelCalls.isEmpty()) {
                models.accept(h, h.modelCalls.remove(0));
            } else if (!h.toolCalls.isEmpty()) {
                Command.CallTool t = h.toolCalls.remove(0);
                h.toolDone(t, t.tool().name() + " did " + t.arguments());
            } else if (!h.asks.isEmpty()) {
                Command.AskHuman ask = h.asks.remove(0);
                h.decide(ask, decider.apply(h, ask));
            } else {
                throw new AssertionError("nothing is open and the run has not ended; events: " + h.kinds());
            }
        }
        return h;
    }

    /** The kinds and paths of the events so far, e.g. {@code step_started seq}. */
    List<String> kinds() {
        return events.stream().map(CoreHarness::describe).toList();
    }

    static String describe(RunEvent e) {
        String kind = e.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase();
        return e.stepPath().isEmpty() ? kind : kind + " " + e.stepPath();
    }

    <T extends RunEvent> List<T> events(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** The one event of {@code type} at {@code path}. */
    <T extends RunEvent> T event(Class<T> type, String path) {
        List<T> found = events(type).stream().filter(e -> e.stepPath().equals(path)).toList();
        if (found.size() != 1) throw new AssertionError(found.size() + " " + type.getSimpleName() + " at " + path + "; events: " + kinds());
        return found.get(0);
    }

    Set<String> openPaths() {
        return Set.copyOf(modelCalls.stream().map(Command.CallModel::stepPath).toList());
    }

    RecordedRun journal() {
        return RecordedRun.of(events);
    }

    /** The text of a model request's messages, one per line with its role, as the model would read them. */
    static String prompt(Command.CallModel call) {
        return call.request().messages().stream().map(CoreHarness::text).collect(Collectors.joining("\n"));
    }

    /** The last message of a model request (a correction, a tool result). */
    static String lastMessage(Command.CallModel call) {
        List<ChatMessage> messages = call.request().messages();
        return text(messages.get(messages.size() - 1));
    }

    private static String text(ChatMessage m) {
        if (m instanceof SystemMessage s) return "system: " + s.text();
        if (m instanceof UserMessage u) return "user: " + (u.hasSingleText() ? u.singleText() : u.toString());
        if (m instanceof AiMessage a) return "assistant: " + (a.text() == null ? "" : a.text())
                + (a.hasToolExecutionRequests() ? " " + a.toolExecutionRequests() : "");
        if (m instanceof ToolExecutionResultMessage t) return "tool " + t.toolName() + ": " + t.text();
        return m.toString();
    }
}
