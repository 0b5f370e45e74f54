package dev.cadre.opentelemetry;

import static dev.cadre.opentelemetry.Fixtures.counts;
import static dev.cadre.opentelemetry.Fixtures.sums;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.cadre.api.Agent;
import dev.cadre.api.Decision;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.Persona;
import dev.cadre.api.PriceTable;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Task;
import dev.cadre.api.ToolResult;
import dev.cadre.api.crew.Crew;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.api.crew.Review;
import dev.cadre.api.crew.Step;
import dev.cadre.api.crew.Until;
import dev.cadre.api.crew.Worker;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.trace.data.SpanData;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real runs (ScriptedModel, the real orchestrator) traced into the SDK's in-memory exporter and metric reader. */
class OpenTelemetryListenerTest {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final String MODEL = "openai:gpt-4.1-mini";
    static final AttributeKey<String> RUN_ID = AttributeKey.stringKey("cadre.run_id");
    static final AttributeKey<String> PATH = AttributeKey.stringKey("cadre.step.path");
    static final AttributeKey<String> AGENT = AttributeKey.stringKey("gen_ai.agent.name");

    @TempDir
    Path runs;

    final Fixtures otel = new Fixtures();
    final OpenTelemetryListener tracing = OpenTelemetryListener.of(otel.sdk);

    @AfterEach
    void close() {
        otel.close();
    }

    Orchestrator.Builder orchestrator(ChatModel model) {
        return Orchestrator.builder().models(ModelRegistry.of(MODEL, model)).runsDirectory(runs).listener(tracing);
    }

    static Agent agent(String id) {
        return Agent.of(Persona.builder(id).role(id).build());
    }

    /** An agent whose tools are resolved against the orchestrator's. */
    static Agent agent(Orchestrator orchestrator, String id, String... tools) {
        return orchestrator.agent(Persona.builder(id).role(id).tools(tools).build());
    }

    static RunResult finish(RunHandle run) {
        return run.result().block(WAIT);
    }

    void assertEverySpanCarries(String runId) {
        assertThat(otel.spans()).isNotEmpty().allSatisfy(s -> assertThat(s.getAttributes().get(RUN_ID)).as(s.getName()).isEqualTo(runId));
    }

    @Test
    void aSequentialRunIsOneTraceWithGenAiSpansAndTheEventsTimes() {
        ScriptedModel model = ScriptedModel.builder()
                .agent("researcher", Reply.text("Reactor is reactive.").withUsage(120, 30))
                .agent("writer", Reply.text("DRAFT").withUsage(200, 50)).build();
        Crew crew = Crew.of("blog", Step.sequential("blog",
                Step.work(agent("researcher"), Task.of("research", "Research {task}")),
                Step.work(agent("writer"), Task.builder("draft").description("Draft it.").context("research").build())));
        Orchestrator orchestrator = orchestrator(model).prices(PriceTable.NONE.with(MODEL, "2", "8")).build();
        RunHandle run = orchestrator.run(crew, Task.of("goal", "Reactor"));
        assertThat(finish(run).status()).isEqualTo(RunStatus.SUCCEEDED);
        List<RunEvent> events = run.eventList().block(WAIT);

        SpanData root = otel.one("invoke_workflow blog");
        assertThat(root.getParentSpanContext().isValid()).isFalse();
        assertThat(root.getAttributes().get(AttributeKey.stringKey("cadre.crew"))).isEqualTo("blog");
        assertThat(root.getAttributes().get(AttributeKey.stringKey("cadre.run.status"))).isEqualTo("succeeded");
        assertThat(root.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens"))).isEqualTo(320L);
        assertThat(otel.spans()).extracting(s -> s.getTraceId()).containsOnly(root.getTraceId());
        assertEverySpanCarries(run.runId());

        SpanData chat = otel.at("chat", "blog/research");
        assertThat(chat.getName()).isEqualTo("chat gpt-4.1-mini");
        assertThat(chat.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(chat.getAttributes().asMap()).containsEntry(AttributeKey.stringKey("gen_ai.operation.name"), "chat")
                .containsEntry(AttributeKey.stringKey("gen_ai.provider.name"), "openai")
                .containsEntry(AttributeKey.stringKey("gen_ai.system"), "openai")
                .containsEntry(AttributeKey.stringKey("gen_ai.request.model"), "gpt-4.1-mini")
                .containsEntry(AttributeKey.longKey("gen_ai.usage.input_tokens"), 120L)
                .containsEntry(AttributeKey.longKey("gen_ai.usage.output_tokens"), 30L)
                .containsEntry(AGENT, "researcher");
        assertThat(chat.getAttributes().get(AttributeKey.doubleKey("cadre.cost"))).isCloseTo(0.00048, within(1e-12));
        assertThat(otel.ancestry(chat)).isEqualTo("chat gpt-4.1-mini < invoke_agent researcher < cadre.step sequential < invoke_workflow blog");
        SpanData writer = otel.at("invoke_agent", "blog/draft");
        assertThat(writer.getAttributes().get(AttributeKey.stringKey("gen_ai.operation.name"))).isEqualTo("invoke_agent");

        RunEvent.ModelRequested requested = events.stream().filter(RunEvent.ModelRequested.class::isInstance)
                .map(RunEvent.ModelRequested.class::cast).filter(e -> e.agent().equals("writer")).findFirst().orElseThrow();
        RunEvent.ModelResponded responded = events.stream().filter(RunEvent.ModelResponded.class::isInstance)
                .map(RunEvent.ModelResponded.class::cast).filter(e -> e.agent().equals("writer")).findFirst().orElseThrow();
        SpanData writerChat = otel.at("chat", "blog/draft");
        assertThat(writerChat.getStartEpochNanos()).isEqualTo(nanos(requested.timestamp()));
        assertThat(writerChat.getEndEpochNanos()).isEqualTo(nanos(responded.timestamp()));
        assertThat(root.getEndEpochNanos()).isEqualTo(nanos(events.get(events.size() - 1).timestamp()));

        Collection<MetricData> metrics = otel.collect();
        assertThat(sums(metrics, "cadre.runs", "cadre.run.status")).containsExactly(Map.entry("succeeded", 1L));
        assertThat(sums(metrics, "cadre.tokens", "gen_ai.agent.name")).containsOnly(Map.entry("researcher", 150L), Map.entry("writer", 250L));
        assertThat(sums(metrics, "cadre.tokens", "gen_ai.token.type")).containsOnly(Map.entry("input", 320L), Map.entry("output", 80L));
        assertThat(counts(metrics, "gen_ai.client.operation.duration", "gen_ai.request.model")).containsExactly(Map.entry("gpt-4.1-mini", 2L));
        assertThat(counts(metrics, "cadre.step.duration", "cadre.step.kind")).containsOnly(Map.entry("agent", 2L), Map.entry("sequential", 1L));
        double cost = Fixtures.metric(metrics, "cadre.cost").getDoubleSumData().getPoints().stream().mapToDouble(p -> p.getValue()).sum();
        assertThat(cost).isCloseTo(finish(run).usage().cost().doubleValue(), within(1e-12)).isPositive();
    }

    static long nanos(java.time.Instant at) {
        return TimeUnit.SECONDS.toNanos(at.getEpochSecond()) + at.getNano();
    }

    @Test
    void parallelBranchesOnDifferentThreadsKeepTheirModelAndToolSpansUnderTheirOwnStep() {
        int branches = 3;
        ScriptedModel.Builder script = ScriptedModel.builder();
        for (int i = 0; i < branches; i++) {
            script.agent("worker" + i, Reply.dynamic(r -> Reply.toolCall("lookup", "{\"text\":\"" + ScriptedModel.lastUserText(r) + "\"}")),
                    Reply.dynamic(r -> Reply.text("done: " + ScriptedModel.lastToolResult(r))));
        }
        ScriptedModel scripted = script.build();
        CountDownLatch allInFlight = new CountDownLatch(branches);
        ChatModel model = new ChatModel() {
            @Override
            public ChatResponse chat(ChatRequest request, ChatRequestOptions options) {
                if (ScriptedModel.lastToolResult(request).isEmpty()) {
                    // every branch's first call waits for the others: they can all get here only if they run at once
                    allInFlight.countDown();
                    try {
                        assertThat(allInFlight.await(20, TimeUnit.SECONDS)).as("all branches in flight at once").isTrue();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
                return scripted.chat(request, options);
            }

            @Override
            public ChatResponse doChat(ChatRequest request) {
                return chat(request, ChatRequestOptions.EMPTY);
            }
        };
        Fixtures.TextTool lookup = new Fixtures.TextTool("lookup", RiskLevel.READ_ONLY, (text, ctx) -> ToolResult.ok("found " + text));
        Orchestrator orchestrator = orchestrator(model).tool(lookup).build();
        Step[] steps = new Step[branches];
        for (int i = 0; i < branches; i++) {
            steps[i] = Step.work(agent(orchestrator, "worker" + i, "lookup"), Task.of("part" + i, "Part " + i));
        }
        RunHandle run = orchestrator.run(Crew.of("fan", Step.parallel("fan", branches, steps)), Task.of("goal", "Fan out."));
        assertThat(finish(run).status()).isEqualTo(RunStatus.SUCCEEDED);

        Set<String> threads = scripted.requests().stream().filter(r -> r.turn() == 1).map(ScriptedModel.RecordedRequest::thread)
                .collect(Collectors.toSet());
        assertThat(threads).as("first calls ran on distinct threads").hasSize(branches);
        SpanData fan = otel.at("cadre.step parallel", "fan");
        for (int b = 0; b < branches; b++) {
            int i = b;
            SpanData step = otel.at("invoke_agent worker" + i, "fan/part" + i);
            assertThat(step.getParentSpanId()).isEqualTo(fan.getSpanId());
            List<SpanData> children = otel.spans().stream().filter(s -> s.getParentSpanId().equals(step.getSpanId())).toList();
            assertThat(children).extracting(SpanData::getName)
                    .containsExactlyInAnyOrder("chat gpt-4.1-mini", "execute_tool lookup", "chat gpt-4.1-mini");
            assertThat(children).allSatisfy(c -> assertThat(c.getAttributes().get(AGENT)).isEqualTo("worker" + i));
            SpanData tool = children.stream().filter(c -> c.getName().startsWith("execute_tool")).findFirst().orElseThrow();
            assertThat(tool.getAttributes().asMap()).containsEntry(AttributeKey.stringKey("gen_ai.tool.name"), "lookup")
                    .containsEntry(AttributeKey.stringKey("gen_ai.operation.name"), "execute_tool")
                    .containsKey(AttributeKey.stringKey("gen_ai.tool.call.id"));
            assertThat(tool.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        }
        assertEverySpanCarries(run.runId());
        assertThat(sums(otel.collect(), "cadre.tool.calls", "cadre.tool.outcome")).containsExactly(Map.entry("ok", 3L));
    }

    @Test
    void nestedLoopsNestTheirSteps() {
        ScriptedModel model = ScriptedModel.builder().agent("coder", Reply.text("a"), Reply.text("b"), Reply.text("c"), Reply.text("d"))
                .agent("reviewer", Reply.text("ok"), Reply.text("ok")).build();
        Step inner = Step.loop("inner", Until.iterations(2), 5, Step.work(agent("coder"), Task.of("code", "Code.")));
        Step outer = Step.loop("outer", Until.iterations(2), 5, inner, Step.work(agent("reviewer"), Task.of("review", "Review.")));
        RunHandle run = orchestrator(model).build().run(Crew.of("loops", outer), Task.of("goal", "Loop."));
        assertThat(finish(run).status()).isEqualTo(RunStatus.SUCCEEDED);

        SpanData deepest = otel.at("invoke_agent coder", "outer/iteration-2/inner/iteration-2/code");
        assertThat(otel.ancestry(deepest)).isEqualTo("invoke_agent coder < cadre.step loop < cadre.step loop < invoke_workflow loops");
        SpanData innerOfSecond = otel.parent(deepest);
        assertThat(innerOfSecond.getAttributes().get(PATH)).isEqualTo("outer/iteration-2/inner");
        assertThat(otel.named("cadre.step loop")).hasSize(3);
        assertThat(otel.named("invoke_agent coder")).hasSize(4);
        assertThat(otel.named("chat gpt-4.1-mini")).hasSize(6)
                .allSatisfy(chat -> assertThat(otel.parent(chat).getName()).startsWith("invoke_agent"));
        assertEverySpanCarries(run.runId());
    }

    static Reply delegate(String worker, String subtask) {
        return Reply.toolCall("delegate", "{\"worker\":\"" + worker + "\",\"subtask\":\"" + subtask + "\"}");
    }

    @Test
    void aDelegatedWorkerAndANestedTeamRunInsideTheirManagersDelegateCall() {
        Agent lead = agent("lead");
        Agent platformLead = agent("platform-lead");
        Step.Hierarchical platform = new Step.Hierarchical("platform", platformLead, null, List.of(Worker.agent(agent("coder"))), 3, 3);
        Step.Hierarchical company = new Step.Hierarchical("company", lead, null,
                List.of(Worker.team("platform", platform), Worker.agent(agent("writer"))), 3, 3);
        ScriptedModel model = ScriptedModel.builder()
                .agent("lead", delegate("platform", "build it"), delegate("writer", "document it"),
                        Reply.toolCall("finish", "{\"answer\":\"Built and documented.\"}"))
                .agent("platform-lead", delegate("coder", "write the code"), Reply.toolCall("finish", "{\"answer\":\"Built.\"}"))
                .agent("coder", Reply.text("Code written."))
                .agent("writer", Reply.text("Docs written.")).build();
        RunHandle run = orchestrator(model).build().run(Crew.of("company", company), Task.of("goal", "Ship it."));
        assertThat(finish(run).status()).isEqualTo(RunStatus.SUCCEEDED);

        SpanData coder = otel.at("invoke_agent coder", "company/delegation-1/platform/delegation-1/coder");
        assertThat(otel.ancestry(coder)).isEqualTo("invoke_agent coder < execute_tool delegate < invoke_agent platform-lead"
                + " < cadre.step hierarchical < execute_tool delegate < invoke_agent lead < cadre.step hierarchical"
                + " < invoke_workflow company");
        SpanData writer = otel.at("invoke_agent writer", "company/delegation-2/writer");
        SpanData writersDelegation = otel.parent(writer);
        assertThat(writersDelegation.getName()).isEqualTo("execute_tool delegate");
        assertThat(otel.parent(writersDelegation).getAttributes().get(PATH)).isEqualTo("company/lead");
        SpanData firstDelegation = otel.parent(otel.at("cadre.step hierarchical", "company/delegation-1/platform"));
        assertThat(firstDelegation.getSpanId()).isNotEqualTo(writersDelegation.getSpanId());
        assertEverySpanCarries(run.runId());
    }

    @Test
    void aDebateKeepsEachRoundsDebatersUnderTheDebate() {
        Reply yes = Reply.text("{\"answer\":\"yes\"}");
        Reply no = Reply.text("{\"answer\":\"no\"}");
        ScriptedModel model = ScriptedModel.builder().agent("optimist", yes, yes).agent("skeptic", no, yes).agent("pedant", yes, yes).build();
        Step.Debate debate = Step.debate("debate", Task.of("q", "Yes or no?"), 2, agent("optimist"), agent("skeptic"), agent("pedant"));
        RunHandle run = orchestrator(model).build().run(Crew.of("d", debate), Task.of("goal", "Decide."));
        assertThat(finish(run).status()).isEqualTo(RunStatus.SUCCEEDED);

        SpanData debateSpan = otel.at("cadre.step debate", "debate");
        assertThat(debateSpan.getAttributes().get(AttributeKey.stringKey("cadre.step.outcome"))).isEqualTo("consensus in round 1");
        for (String round : List.of("round-0", "round-1")) {
            for (String debater : List.of("optimist", "skeptic", "pedant")) {
                SpanData step = otel.at("invoke_agent " + debater, "debate/" + round + "/" + debater);
                assertThat(step.getParentSpanId()).isEqualTo(debateSpan.getSpanId());
            }
        }
        assertThat(sums(otel.collect(), "cadre.tokens", "gen_ai.agent.name")).containsOnlyKeys("optimist", "skeptic", "pedant");
    }

    @Test
    void aFailingToolAndAFailingModelMarkTheirSpansTheStepAndTheRunAsErrors() {
        Fixtures.TextTool broken = new Fixtures.TextTool("broken", RiskLevel.READ_ONLY, (t, c) -> ToolResult.error("disk full"));
        ScriptedModel model = ScriptedModel.builder().agent("p", Reply.toolCall("broken", "{\"text\":\"x\"}"),
                Reply.fail(new IllegalStateException("provider down"))).build();
        Orchestrator orchestrator = orchestrator(model).tool(broken).build();
        RunHandle run = orchestrator.run(agent(orchestrator, "p", "broken"), Task.of("t", "Try."));
        RunResult result = finish(run);
        assertThat(result.status()).isEqualTo(RunStatus.FAILED);

        SpanData tool = otel.one("execute_tool broken");
        assertThat(tool.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(tool.getStatus().getDescription()).isEqualTo("disk full");
        List<SpanData> chats = otel.named("chat gpt-4.1-mini");
        assertThat(chats).hasSize(2);
        assertThat(chats).filteredOn(c -> c.getStatus().getStatusCode() == StatusCode.ERROR).singleElement()
                .satisfies(c -> assertThat(c.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("_OTHER"));
        SpanData step = otel.at("invoke_agent p", "t");
        assertThat(step.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(step.getStatus().getDescription()).contains("provider down");
        SpanData root = otel.one("invoke_workflow p");
        assertThat(root.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(root.getStatus().getDescription()).isEqualTo(result.reason());
        assertEverySpanCarries(run.runId());

        Collection<MetricData> metrics = otel.collect();
        assertThat(sums(metrics, "cadre.runs", "cadre.run.status")).containsExactly(Map.entry("failed", 1L));
        assertThat(sums(metrics, "cadre.tool.calls", "cadre.tool.outcome")).containsExactly(Map.entry("error", 1L));
        assertThat(counts(metrics, "cadre.step.duration", "cadre.step.status")).containsExactly(Map.entry("error", 1L));
        assertThat(counts(metrics, "gen_ai.client.operation.duration", "error.type")).containsOnly(Map.entry("null", 1L),
                Map.entry("_OTHER", 1L));
    }

    @Test
    void checkpointWaitsAreSpansUnderTheToolCallOrStepTheyHoldAndAreMeasured() {
        Fixtures.TextTool write = new Fixtures.TextTool("write", RiskLevel.WRITES, (t, c) -> ToolResult.ok("written"));
        ScriptedModel model = ScriptedModel.builder().agent("p", Reply.toolCall("write", "{\"text\":\"x\"}"), Reply.text("Done.")).build();
        Orchestrator orchestrator = orchestrator(model).tool(write).build();
        Agent p = agent(orchestrator, "p", "write");
        Crew crew = Crew.of("gated", Step.sequential("gated", new Step.Work("job", p, Task.of("job", "Write."), Review.afterWork())));
        RunHandle run = orchestrator.run(crew, Task.of("goal", "Write."));
        List<String> decided = new CopyOnWriteArrayList<>();
        run.events().filter(RunEvent.CheckpointRequested.class::isInstance).map(e -> ((RunEvent.CheckpointRequested) e).checkpoint())
                .subscribe(c -> {
                    decided.add(c.kind().name());
                    run.resolve(c.id(), Decision.approve("tester"));
                });
        assertThat(finish(run).status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(decided).containsExactly("TOOL_APPROVAL", "REVIEW_AFTER");

        SpanData approval = otel.one("cadre.checkpoint tool_approval");
        assertThat(otel.parent(approval).getName()).isEqualTo("execute_tool write");
        assertThat(approval.getAttributes().asMap()).containsEntry(AttributeKey.stringKey("cadre.checkpoint.decision"), "approve")
                .containsEntry(AttributeKey.stringKey("cadre.checkpoint.decided_by"), "tester")
                .containsEntry(AttributeKey.stringKey("cadre.checkpoint.risk"), "writes");
        SpanData review = otel.one("cadre.checkpoint review_after");
        assertThat(otel.parent(review).getName()).isEqualTo("cadre.step sequential");
        assertEverySpanCarries(run.runId());
        assertThat(counts(otel.collect(), "cadre.checkpoint.wait.duration", "cadre.checkpoint.kind"))
                .containsOnly(Map.entry("tool_approval", 1L), Map.entry("review_after", 1L));
    }

    @Test
    void aRunStartedUnderASpanJoinsItsTraceAndToolsFindTheirSpan() {
        List<SpanContext> seenByTool = new CopyOnWriteArrayList<>();
        Fixtures.TextTool traced = new Fixtures.TextTool("traced", RiskLevel.READ_ONLY, (t, ctx) -> {
            seenByTool.add(tracing.context(ctx).map(c -> Span.fromContext(c).getSpanContext()).orElse(SpanContext.getInvalid()));
            return ToolResult.ok("ok");
        });
        ScriptedModel model = ScriptedModel.builder().agent("p", Reply.toolCall("traced", "{\"text\":\"x\"}"), Reply.text("Done.")).build();
        Orchestrator orchestrator = orchestrator(model).tool(traced).build();
        Span request = otel.sdk.getTracer("test").spanBuilder("POST /work").startSpan();
        RunHandle run;
        Scope scope = request.makeCurrent();
        try {
            run = orchestrator.run(agent(orchestrator, "p", "traced"), Task.of("t", "Work."));
        } finally {
            scope.close();
        }
        assertThat(finish(run).status()).isEqualTo(RunStatus.SUCCEEDED);
        request.end();

        SpanData root = otel.one("invoke_workflow p");
        assertThat(root.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
        SpanData tool = otel.one("execute_tool traced");
        assertThat(seenByTool).containsExactly(tool.getSpanContext());
        assertThat(tracing.context(run.runId(), "t")).as("nothing is kept once the run ends").isEmpty();
    }

    @Test
    void aResumedRunIsOneWholeTraceAndCountsOnlyWhatHappensAfterTheRestart() throws Exception {
        Fixtures.TextTool write = new Fixtures.TextTool("write", RiskLevel.WRITES, (t, c) -> ToolResult.ok("written"));
        ScriptedModel script = ScriptedModel.builder()
                .agent("p", Reply.toolCall("write", "{\"text\":\"x\"}").withUsage(100, 10), Reply.text("Done.").withUsage(7, 3)).build();
        Path first = runs.resolve("first");
        Orchestrator before = Orchestrator.builder().models(ModelRegistry.of(MODEL, script)).runsDirectory(first).tool(write).build();
        Crew crew = Crew.of("p", Step.work(agent(before, "p", "write"), Task.of("t", "Write.")));
        RunHandle waiting = before.run(crew, Task.of("goal", "Write."), dev.cadre.orchestrator.RunOptions.DEFAULTS.withRunId("r"));
        String approval = waiting.events().filter(RunEvent.CheckpointRequested.class::isInstance).next()
                .map(e -> ((RunEvent.CheckpointRequested) e).checkpoint().id()).block(WAIT);
        // "Restart": a new, traced orchestrator resumes a copy of the journal as it is now
        Path second = java.nio.file.Files.createDirectories(runs.resolve("second"));
        try (var store = dev.cadre.orchestrator.journal.LocalJournalStore.open(first);
             var copy = java.nio.file.Files.newOutputStream(second.resolve("r.jsonl"))) {
            store.export("r", copy);   // as `cadre runs export r --out` writes it: the second reads it as an older run's file
        }
        waiting.cancel();
        ScriptedModel rest = ScriptedModel.builder().agent("p", Reply.text("Done.").withUsage(7, 3)).build();
        Orchestrator after = orchestrator(rest).runsDirectory(second).tool(write).build();
        RunHandle resumed = after.resume("r", crew, dev.cadre.orchestrator.RunOptions.DEFAULTS);
        resumed.events().filter(RunEvent.CheckpointRequested.class::isInstance).next().block(WAIT);
        resumed.resolve(approval, Decision.approve("alice"));
        assertThat(finish(resumed).status()).isEqualTo(RunStatus.SUCCEEDED);

        SpanData root = otel.one("invoke_workflow p");
        assertThat(root.getAttributes().get(AttributeKey.booleanKey("cadre.resumed"))).isTrue();
        assertThat(otel.spans()).extracting(SpanData::getTraceId).containsOnly(root.getTraceId());
        assertThat(otel.named("chat gpt-4.1-mini")).as("the recorded call and the new one").hasSize(2)
                .allSatisfy(chat -> assertThat(otel.parent(chat).getName()).isEqualTo("invoke_agent p"));
        assertThat(otel.parent(otel.one("cadre.checkpoint tool_approval")).getName()).isEqualTo("execute_tool write");
        assertEverySpanCarries("r");
        Collection<MetricData> metrics = otel.collect();
        assertThat(sums(metrics, "cadre.tokens", "gen_ai.token.type")).as("the recorded call was counted before the restart")
                .containsOnly(Map.entry("input", 7L), Map.entry("output", 3L));
        assertThat(sums(metrics, "cadre.runs", "cadre.run.status")).containsExactly(Map.entry("succeeded", 1L));
        assertThat(counts(metrics, "cadre.checkpoint.wait.duration", "cadre.checkpoint.decision")).containsExactly(Map.entry("approve", 1L));
    }
}
