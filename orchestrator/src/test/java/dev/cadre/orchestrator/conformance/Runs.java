package dev.cadre.orchestrator.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.Agent;
import dev.cadre.api.Checkpoint;
import dev.cadre.api.Persona;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import dev.cadre.api.Task;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolResult;
import dev.cadre.api.crew.Step;
import dev.cadre.orchestrator.RunOptions;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.stream.Collectors;

/** The conformance suite's vocabulary: agents and steps in a line, a run's events as "kind path", waits bounded. */
public final class Runs {

    /** The longest any run in the suite may take: a bound on a wait, not a timing assertion. */
    public static final Duration WAIT = Duration.ofSeconds(30);
    public static final Task TASK = Task.of("job", "Ship the small feature.");

    private Runs() {}

    public static RunOptions id(String runId) {
        return RunOptions.DEFAULTS.withRunId(runId);
    }

    public static Agent agent(String id, Tool... tools) {
        return Agent.resolve(Persona.builder(id).role("the " + id).tools(Arrays.stream(tools).map(Tool::name).toArray(String[]::new))
                .build(), List.of(tools));
    }

    /** A work step: {@code agent} does task {@code id} (its description), seeing the outputs named in {@code context}. */
    public static Step.Work work(Agent agent, String id, String description, String... context) {
        return Step.work(agent, Task.builder(id).description(description).context(context).build());
    }

    /** A tool with one string parameter {@code text} that records each call in {@code calls} and answers "did TEXT". */
    public static Tool tool(String name, RiskLevel risk, Queue<String> calls) {
        ToolSpecification spec = ToolSpecification.builder().name(name).description("The " + name + " tool")
                .parameters(JsonObjectSchema.builder().addStringProperty("text").required("text").build()).build();
        return Tool.blocking(spec, risk, risk == RiskLevel.READ_ONLY, (args, context) -> {
            calls.add(args.get("text").asText());
            return ToolResult.ok("did " + args.get("text").asText());
        });
    }

    public static RunResult result(RunHandle run) {
        RunResult result = run.result().block(WAIT);
        assertThat(result).as("run " + run.runId() + " ended within " + WAIT).isNotNull();
        return result;
    }

    /** The run's result, once it succeeded with {@code output}. */
    public static RunResult succeeded(RunHandle run, String output) {
        RunResult result = result(run);
        assertThat(result.status()).as(result.reason()).isEqualTo(dev.cadre.api.RunStatus.SUCCEEDED);
        assertThat(result.output()).isEqualTo(output);
        return result;
    }

    public static List<RunEvent> events(RunHandle run) {
        return run.events().collectList().block(WAIT);
    }

    /** The {@code n}-th checkpoint (from 1) the run asked, once it asks it. */
    public static Checkpoint checkpoint(RunHandle run, int n) {
        return run.events().ofType(RunEvent.CheckpointRequested.class).skip(n - 1).next()
                .map(RunEvent.CheckpointRequested::checkpoint).block(WAIT);
    }

    /** An event's type tag ({@code step_started}, {@code model_responded}, ...). */
    public static String kind(RunEvent event) {
        return event.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    /** Every event but streamed tokens as "kind path" (the run's own events have an empty path). */
    public static List<String> trace(List<RunEvent> events) {
        return events.stream().filter(e -> !(e instanceof RunEvent.TokenStreamed))
                .map(e -> (kind(e) + " " + e.stepPath()).strip()).toList();
    }

    /** Only the steps' starts, ends and failures, as "kind path". */
    public static List<String> steps(List<RunEvent> events) {
        return events.stream().filter(e -> e instanceof RunEvent.StepStarted || e instanceof RunEvent.StepFinished
                || e instanceof RunEvent.StepFailed).map(e -> kind(e) + " " + e.stepPath()).toList();
    }

    /** The kinds of the events at exactly {@code path}, in order. */
    public static List<String> at(List<RunEvent> events, String path) {
        return events.stream().filter(e -> e.stepPath().equals(path) && !(e instanceof RunEvent.TokenStreamed)).map(Runs::kind).toList();
    }

    /** Asserts every event under {@code child} lies between {@code parent}'s start and finish. */
    public static void assertInside(List<RunEvent> events, String parent, String child) {
        List<String> trace = trace(events);
        int start = trace.indexOf("step_started " + parent);
        int end = trace.indexOf("step_finished " + parent);
        assertThat(start).as(parent + " started").isGreaterThanOrEqualTo(0);
        assertThat(end).as(parent + " finished").isGreaterThan(start);
        for (int i = 0; i < events.size(); i++) {
            String path = events.get(i).stepPath();
            if (path.equals(child) || path.startsWith(child + "/")) {
                assertThat(i).as(trace.get(i) + " inside " + parent).isBetween(start, end);
            }
        }
    }

    /**
     * What an event says, without its run id, sequence number, time and usage: two runs that did the same things have
     * the same signatures, whatever order their parallel branches' events landed in.
     */
    public static String signature(RunEvent e) {
        return kind(e) + " " + e.stepPath() + " " + what(e);
    }


    private static String what(RunEvent e) {
        if (e instanceof RunEvent.RunStarted s) return s.crew() + " " + s.task().id();
        if (e instanceof RunEvent.RunFinished f) return f.output();
        if (e instanceof RunEvent.RunFailed f) return f.reason();
        if (e instanceof RunEvent.RunCancelled c) return c.reason();
        if (e instanceof RunEvent.StepStarted s) return s.agent() + " " + s.kind();
        if (e instanceof RunEvent.StepFinished f) return f.output() + " " + f.outcome();
        if (e instanceof RunEvent.StepFailed f) return f.reason();
        if (e instanceof RunEvent.ModelRequested m) return m.agent() + " " + m.turn() + " " + m.newMessages();
        if (e instanceof RunEvent.ModelResponded m) return m.agent() + " " + m.turn() + " " + m.text() + " " + m.toolCalls();
        if (e instanceof RunEvent.ToolCalled c) return c.callId() + " " + c.tool() + " " + c.arguments();
        if (e instanceof RunEvent.ToolReturned r) return r.callId() + " " + r.tool() + " " + r.result() + " " + r.error();
        if (e instanceof RunEvent.CheckpointRequested c) return c.checkpoint().id() + " " + c.checkpoint().kind();
        if (e instanceof RunEvent.CheckpointResolved r) return r.checkpointId() + " " + r.decision().kind();
        if (e instanceof RunEvent.BudgetWarning w) return w.limit();
        return e.toString();
    }

    public static List<String> signatures(List<RunEvent> events) {
        return events.stream().filter(e -> !(e instanceof RunEvent.TokenStreamed)).map(Runs::signature).collect(Collectors.toList());
    }

    public static long modelAnswers(List<RunEvent> events) {
        return events.stream().filter(e -> e instanceof RunEvent.ModelResponded m && !m.cached()).count();
    }
}
