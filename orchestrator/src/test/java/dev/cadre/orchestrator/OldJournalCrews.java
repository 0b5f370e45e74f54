package dev.cadre.orchestrator;

import dev.cadre.api.Agent;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.Persona;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.Task;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolResult;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Review;
import dev.cadre.api.crew.Step;
import dev.cadre.api.crew.Until;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.orchestrator.redaction.Redactor;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The crews, scripts and key of the journals in {@code src/test/resources/journals/v1}: those journals were written by
 * the engine before the deterministic core (commit 66a69dc) running exactly these crews on these scripts, so
 * {@link OldJournalsTest} can resume them. Change nothing here without writing the journals again with that engine.
 */
final class OldJournalCrews {

    private OldJournalCrews() {}

    /** The key the fixtures were written with (a test key, not a secret). */
    static final JournalKey KEY = JournalKey.of("cadre journal fixtures, schema v1 (test key)".getBytes(StandardCharsets.UTF_8));
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-30T10:00:00Z"), ZoneOffset.UTC);
    static final Task TASK = Task.of("job", "Ship the small feature.");

    static Tool readFile() {
        ToolSpecification spec = ToolSpecification.builder().name("read_file").description("Reads a file")
                .parameters(JsonObjectSchema.builder().addStringProperty("text").required("text").build()).build();
        return Tool.blocking(spec, RiskLevel.READ_ONLY, true, (args, context) -> ToolResult.ok("content of " + args.get("text").asText()));
    }

    static Agent agent(String id, Tool... tools) {
        Persona.Builder persona = Persona.builder(id).role(id);
        if (tools.length > 0) {
            persona.tools(java.util.Arrays.stream(tools).map(Tool::name).toArray(String[]::new));
        }
        return Agent.resolve(persona.build(), List.of(tools));
    }

    static Orchestrator orchestrator(Path runs, ScriptedModel model) {
        return Orchestrator.builder().models(ModelRegistry.of("scripted:m", model)).runsDirectory(runs).journalKey(KEY)
                .clock(CLOCK).redactor(Redactor.none()).build();
    }

    // ---- sequential, with a read-only tool call: complete ----

    static Crew sequential() {
        return Crew.of("v1-sequential", Step.sequential("pipeline",
                Step.work(agent("planner"), Task.of("plan", "Plan: {task}")),
                Step.work(agent("coder", readFile()), Task.builder("code").description("Code the plan.").context("plan").build()),
                Step.work(agent("writer"), Task.builder("summary").description("Summarise.").context("code").build())));
    }

    static ScriptedModel sequentialModel() {
        return ScriptedModel.builder()
                .atStep("pipeline/plan", Reply.text("read a.txt, then change it"))
                .atStep("pipeline/code", Reply.toolCall("read_file", "{\"text\":\"a.txt\"}"), Reply.text("changed a.txt"))
                .atStep("pipeline/summary", Reply.text("a.txt changed after reading it"))
                .build();
    }

    // ---- loop: cut after the first iteration ----

    static Crew loop() {
        return Crew.of("v1-loop", Step.loop("review-loop", Until.verdict("review", "verdict", "APPROVED"), 3,
                Step.work(agent("coder"), Task.builder("code").description("Code: {task}").context("review").build()),
                Step.work(agent("reviewer"), Task.builder("review").description("Review.").context("code").build())));
    }

    static ScriptedModel loopModel() {
        return ScriptedModel.builder()
                .atStep("review-loop/iteration-1/code", Reply.text("draft 1"))
                .atStep("review-loop/iteration-1/review", Reply.text("{\"verdict\":\"CHANGES_REQUESTED\"}"))
                .atStep("review-loop/iteration-2/code", Reply.text("draft 2"))
                .atStep("review-loop/iteration-2/review", Reply.text("{\"verdict\":\"APPROVED\"}"))
                .build();
    }

    // ---- parallel, then a merge: cut after the first branch finished ----

    static Crew parallel() {
        return Crew.of("v1-parallel", Step.sequential("research",
                Step.parallel("fan", 3,
                        Step.work(agent("alpha"), Task.of("a", "Look at A.")),
                        Step.work(agent("beta"), Task.of("b", "Look at B.")),
                        Step.work(agent("gamma"), Task.of("c", "Look at C."))),
                Step.work(agent("merger"), Task.builder("merge").description("Merge.").context("fan").build())));
    }

    static ScriptedModel parallelModel() {
        return ScriptedModel.builder()
                .atStep("research/fan/a", Reply.text("A is fine"))
                .atStep("research/fan/b", Reply.text("B is slow"))
                .atStep("research/fan/c", Reply.text("C is new"))
                .atStep("research/merge", Reply.text("fix B first"))
                .build();
    }

    // ---- a step reviewed after its work: cut while it waits at the checkpoint ----

    static Crew reviewed() {
        return Crew.of("v1-reviewed", Step.sequential("doc",
                Step.work(agent("drafter"), Task.of("draft", "Draft: {task}")),
                Step.work(agent("editor"), Task.builder("final").description("Edit.").context("draft").build()).reviewed(Review.afterWork())));
    }

    static ScriptedModel reviewedModel() {
        return ScriptedModel.builder()
                .atStep("doc/draft", Reply.text("a rough draft"))
                .atStep("doc/final", Reply.text("the final text"))
                .build();
    }

    // ---- hierarchical: complete ----

    static Crew hierarchical() {
        return Crew.of("v1-hierarchical", Step.hierarchical("team", agent("manager"), Task.of("feature", "Ship it."), 5,
                agent("builder"), agent("tester")));
    }

    static ScriptedModel hierarchicalModel() {
        return ScriptedModel.builder()
                .atStep("team/manager",
                        Reply.toolCall("delegate", "{\"worker\":\"builder\",\"subtask\":\"build it\"}"),
                        Reply.toolCall("delegate", "{\"worker\":\"tester\",\"subtask\":\"test it\"}"),
                        Reply.toolCall("finish", "{\"answer\":\"built and tested\"}"))
                .atStep("team/delegation-1/builder", Reply.text("built"))
                .atStep("team/delegation-2/tester", Reply.text("tested"))
                .build();
    }

    // ---- debate by majority, and a vote: complete ----

    static Crew debate() {
        return Crew.of("v1-debate", Step.debate("debate", Task.of("question", "Yes or no?"), 1,
                agent("pro"), agent("con"), agent("neutral")));
    }

    static ScriptedModel debateModel() {
        return ScriptedModel.builder()
                .agent("pro", Reply.text("{\"answer\":\"yes\"}"), Reply.text("{\"answer\":\"yes\"}"))
                .agent("con", Reply.text("{\"answer\":\"no\"}"), Reply.text("{\"answer\":\"yes\"}"))
                .agent("neutral", Reply.text("{\"answer\":\"no\"}"), Reply.text("{\"answer\":\"yes\"}"))
                .build();
    }

    static Crew vote() {
        return Crew.of("v1-vote", new Step.Vote("vote", List.of(agent("v1"), agent("v2")), Task.of("question", "Pick a colour."), 2, null));
    }

    static ScriptedModel voteModel() {
        return ScriptedModel.builder()
                .agent("v1", Reply.text("{\"answer\":\"red\"}"), Reply.text("{\"answer\":\"red\"}"))
                .agent("v2", Reply.text("{\"answer\":\"blue\"}"), Reply.text("{\"answer\":\"red\"}"))
                .build();
    }
}
