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
import dev.langchain4j.model.TokenCountEstimator;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Drives a {@link Core} by hand in a test: no threads, no model, no journal file. Commands the core gives are kept
 * (events numbered as a driver would), and the test answers the open calls it chooses, in the order it chooses.
 */
final class CoreHarness {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final ModelRegistry MODELS = ModelRegistry.of("scripted:m", ScriptedModel.builder().build());

    final Core core;
    final List<RunEvent> events = new ArrayList<>();
    final List<Command.CallModel> modelCalls = new ArrayList<>();
    final List<Command.CallTool> toolCalls = new ArrayList<>();
    final List<Command.AskHuman> asks = new ArrayList<>();
    final List<Command.StartTimer> timers = new ArrayList<>();
    final List<Command.StepOutput> outputs = new ArrayList<>();
    Command.EndRun end;
    Instant now = T0;
    private final RecordedRun facts;

    private CoreHarness(Crew crew, Task task, RecordedRun facts, int maxOutputRetries, Redactor redactor) {
        this(crew, task, facts, maxOutputRetries, redactor, List.of(), Map.of());
    }

    private CoreHarness(Crew crew, Task task, RecordedRun facts, int maxOutputRetries, Redactor redactor,
                        List<TurnInterceptor> interceptors, Map<String, TokenCountEstimator> estimators) {
        this.facts = facts;
        this.core = new Core(new Core.Setup("run-1", crew, task, facts, MODELS, PriceTable.NONE, new JsonSchemas(), redactor, 4,
                maxOutputRetries, T0, Crew.outputNames(crew.process()), Map.of(), interceptors, estimators));
        if (!facts.isEmpty()) {
            events.addAll(facts.events());
        } else {
            events.add(new RunEvent.RunStarted("run-1", "", 1, T0, crew.name(), task, null));
        }
    }

    static CoreHarness start(Crew crew, Task task) {
        return start(crew, task, RecordedRun.empty());
    }

    /** A core resumed from {@code journal} (the events of an earlier run, its {@code run_started} first). */
    static CoreHarness start(Crew crew, Task task, RecordedRun journal) {
        CoreHarness h = new CoreHarness(crew, task, journal, 2, Redactor.none());
        h.take(h.core.start(h.now));
        return h;
    }

    /** A core with the users' turn interceptors and token estimators (by model reference), resumed from {@code journal}. */
    static CoreHarness start(Crew crew, Task task, RecordedRun journal, List<TurnInterceptor> interceptors,
                             Map<String, TokenCountEstimator> estimators) {
        CoreHarness h = new CoreHarness(crew, task, journal, 2, Redactor.none(), interceptors, estimators);
        h.take(h.core.start(h.now));
        return h;
    }

    static CoreHarness start(Crew crew, Task task, Redactor redactor) {
        CoreHarness h = new CoreHarness(crew, task, RecordedRun.empty(), 2, redactor);
        h.take(h.core.start(h.now));
        return h;
    }

    void take(List<Command> commands) {
        for (Command c : commands) {
            if (c instanceof Command.Record r) {
                RunEvent e = r.event().create("run-1", events.size() + 1, now);
                RunEvent earlier = facts.get(RecordedRun.key(e));
                if (earlier == null || earlier.getClass() != e.getClass()) {
                    events.add(e);
                }
            } else if (c instanceof Command.CallModel m) {
                modelCalls.add(m);
            } else if (c instanceof Command.CallTool t) {
                toolCalls.add(t);
            } else if (c instanceof Command.AskHuman a) {
                asks.add(a);
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
        feed(new Input.ModelAnswered(call.key(), ChatResponse.builder().aiMessage(AiMessage.from(text))
                .tokenUsage(new TokenUsage(10, 5)).build(), false, Usage.ZERO));
    }

    /** Answers the model call at {@code path} with text. */
    void answer(String path, String text) {
        answer(model(path), text);
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

    void toolDone(Command.CallTool call, String text) {
        feed(new Input.ToolDone(call.key(), ToolResult.ok(text)));
    }

    void decide(Command.AskHuman ask, Decision decision) {
        feed(new Input.Decided(ask.checkpoint().id(), decision));
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

    Set<String> openPaths() {
        return Set.copyOf(modelCalls.stream().map(Command.CallModel::stepPath).toList());
    }

    RecordedRun journal() {
        return RecordedRun.of(events);
    }
}
