package dev.cadre.orchestrator.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.Checkpoint;
import dev.cadre.api.HumanGate;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import dev.cadre.api.Task;
import dev.cadre.api.crew.Crew;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample crews (personas' built-in crew files: coder-reviewer, debate, hierarchical) on a driver, whole and resumed
 * after cuts. The crews come from the subclass, loaded with personas' {@code CrewLoader} and the tools module's
 * workspace tools, which the orchestrator's tests cannot depend on (personas' tests depend on the orchestrator):
 * the samples module runs this suite for the local driver, and a Temporal module can run it the same way.
 */
public abstract class SampleCrewsConformance {

    @TempDir
    protected Path store;

    @TempDir
    protected Path workspace;

    /** A driver made with {@code setup}; drivers made over the same store share their runs. */
    protected abstract CrewDriver newDriver(CrewDriver.Setup setup);

    /** The built-in crew {@code name}, loaded for a workspace rooted at {@code workspace} (its tools bound there). */
    protected abstract Crew sampleCrew(String name, Path workspace);

    protected CrewDriver driver(ScriptedModel model) {
        return newDriver(new CrewDriver.Setup(ModelRegistry.of("scripted:m", model), List.of(), HumanGate.autoApprove(), store));
    }

    /** Cut after every third event: each crew's runs are long, and every event kind falls in some cut. */
    protected List<Integer> cutPoints(int events) {
        return IntStream.range(1, events).filter(k -> k % 3 == 1 || k == events - 1).boxed().toList();
    }

    static ScriptedModel coderReviewerModel() {
        String iteration = "coder-reviewer/review-loop/iteration-";
        return ScriptedModel.builder()
                .atStep(iteration + "1/code", Reply.toolCall("workspace_read", "{\"path\":\"App.java\"}"),
                        Reply.toolCall("workspace_write", "{\"path\":\"App.java\",\"content\":\"class App { int v = 1; }\\n\"}"),
                        Reply.text("App.java holds v"))
                .atStep(iteration + "1/review", Reply.text("{\"verdict\":\"CHANGES_REQUESTED\",\"feedback\":\"call it value\"}"))
                .atStep(iteration + "2/code",
                        Reply.toolCall("workspace_write", "{\"path\":\"App.java\",\"content\":\"class App { int value = 1; }\\n\"}"),
                        Reply.text("App.java holds value"))
                .atStep(iteration + "2/review", Reply.text("{\"verdict\":\"APPROVED\",\"feedback\":\"good\"}"))
                .atStep("coder-reviewer/summary", Reply.text("App.java now names its field value; the reviewer approved."))
                .build();
    }

    @Test
    void theCoderReviewerCrewChangesTheWorkspaceUntilTheReviewerApprovesAndAHumanSignsOff() throws Exception {
        Files.writeString(workspace.resolve("App.java"), "class App {}\n");
        Crew crew = sampleCrew("coder-reviewer", workspace);
        ScriptedModel model = coderReviewerModel();
        RunHandle run = driver(model).run(crew, Task.of("fix", "Give App a field."), Runs.id("coder-reviewer"));

        RunResult result = Runs.succeeded(run, "App.java now names its field value; the reviewer approved.");
        assertThat(result.outcomes()).containsEntry("coder-reviewer/review-loop",
                "converged after 2 iterations: review.verdict is APPROVED");
        assertThat(Files.readString(workspace.resolve("App.java"))).isEqualTo("class App { int value = 1; }\n");
        List<RunEvent> events = Runs.events(run);
        assertThat(events).filteredOn(RunEvent.CheckpointRequested.class::isInstance)
                .extracting(e -> ((RunEvent.CheckpointRequested) e).checkpoint().kind()).as("writes ask; a sign-off ends the run")
                .containsExactly(Checkpoint.Kind.TOOL_APPROVAL, Checkpoint.Kind.TOOL_APPROVAL, Checkpoint.Kind.REVIEW_AFTER);
        assertThat(Runs.steps(events)).startsWith("step_started coder-reviewer", "step_started coder-reviewer/review-loop",
                "step_started coder-reviewer/review-loop/iteration-1/code").endsWith("step_finished coder-reviewer");
        assertThat(model.requestsFor("coder").get(3).lastUserText()).as("the coder's second iteration sees the review").contains("call it value");
    }

    @Test
    void theCoderReviewerCrewResumesAfterCutsWritingTheSameWorkspace() throws Exception {
        Crew crew = sampleCrew("coder-reviewer", workspace);
        Cuts.assertResumesAfterEachCut(this::driver, SampleCrewsConformance::coderReviewerModel, crew,
                Task.of("fix", "Give App a field."), this::cutPoints, new Writes(workspace));
        assertThat(Files.readString(workspace.resolve("App.java"))).isEqualTo("class App { int value = 1; }\n");
    }

    /** The workspace as the coder-reviewer crew finds it (App.java), and the writes a kept journal says were done. */
    record Writes(Path root) implements Cuts.World {
        @Override
        public void reset() {
            write("App.java", "class App {}\n");
        }

        @Override
        public void replay(List<RunEvent> kept) {
            java.util.Map<String, String> called = new java.util.HashMap<>();
            for (RunEvent e : kept) {
                if (e instanceof RunEvent.ToolCalled c && c.tool().equals("workspace_write")) {
                    called.put(c.stepPath() + " " + c.callId(), c.arguments());
                }
                if (e instanceof RunEvent.ToolReturned r && r.tool().equals("workspace_write") && !r.error()) {
                    try {
                        var args = dev.cadre.api.CadreJson.mapper().readTree(called.get(r.stepPath() + " " + r.callId()));
                        write(args.get("path").asText(), args.get("content").asText());
                    } catch (java.io.IOException ex) {
                        throw new java.io.UncheckedIOException(ex);
                    }
                }
            }
        }

        private void write(String path, String content) {
            try {
                Files.writeString(root.resolve(path), content);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    static ScriptedModel debateModel() {
        String[][] answers = {{"yes", "no", "maybe"}, {"yes", "no", "yes"}, {"yes", "no", "yes"}};
        String[] debaters = {"advocate", "critic", "pragmatist"};
        ScriptedModel.Builder model = ScriptedModel.builder();
        for (int round = 0; round < answers.length; round++) {
            for (int d = 0; d < debaters.length; d++) {
                model.atStep("debate/round-" + round + "/" + debaters[d],
                        Reply.text("{\"answer\":\"" + answers[round][d] + "\",\"reasons\":\"round " + round + "\"}"));
            }
        }
        return model.atStep("debate/judge", Reply.text("Yes: the advocate's evidence holds.")).build();
    }

    @Test
    void theDebateCrewArguesTwoRoundsAndTheJudgeDecides() {
        Crew crew = sampleCrew("debate", workspace);
        ScriptedModel model = debateModel();
        RunHandle run = driver(model).run(crew, Task.of("q", "Should we adopt virtual threads?"), Runs.id("debate"));

        RunResult result = Runs.succeeded(run, "Yes: the advocate's evidence holds.");
        assertThat(result.outcomes()).containsEntry("debate", "judge decided after round 2");
        assertThat(model.requests()).hasSize(10);
        List<RunEvent> events = Runs.events(run);
        for (String path : List.of("debate/round-0/critic", "debate/round-2/pragmatist", "debate/judge")) {
            assertThat(Runs.at(events, path)).containsExactly("step_started", "model_requested", "model_responded", "step_finished");
            Runs.assertInside(events, "debate", path);
        }
        assertThat(model.requestsFor("judge").get(0).lastUserText()).contains("round 2");
        Cuts.assertResumesAfterEachCut(this::driver, SampleCrewsConformance::debateModel, crew, Task.of("q", "Should we?"),
                this::cutPoints);
    }

    static ScriptedModel hierarchicalModel() {
        return ScriptedModel.builder()
                .atStep("team/lead",
                        Reply.toolCall("delegate", "{\"worker\":\"coder\",\"subtask\":\"Add Calculator.min\"}"),
                        Reply.toolCall("delegate", "{\"worker\":\"tester\",\"subtask\":\"Test Calculator.min\"}"),
                        Reply.toolCall("delegate", "{\"worker\":\"writer\",\"subtask\":\"Document Calculator.min\"}"),
                        Reply.toolCall("finish", "{\"answer\":\"min added, tested and documented.\"}"))
                .atStep("team/delegation-1/coder", Reply.text("Added min."))
                .atStep("team/delegation-2/tester", Reply.text("Tested min."))
                .atStep("team/delegation-3/writer", Reply.text("Documented min.")).build();
    }

    @Test
    void theHierarchicalCrewDelegatesToEachWorkerAndTheLeadFinishes() {
        Crew crew = sampleCrew("hierarchical", workspace);
        RunHandle run = driver(hierarchicalModel()).run(crew, Task.of("f", "Add Calculator.min"), Runs.id("hierarchical"));

        RunResult result = Runs.succeeded(run, "min added, tested and documented.");
        assertThat(result.outcomes()).containsEntry("team", "3 delegations");
        assertThat(result.outputs()).containsEntry("team/delegation-1/coder", "Added min.")
                .containsEntry("team/delegation-2/tester", "Tested min.").containsEntry("team/delegation-3/writer", "Documented min.");
        assertThat(Runs.steps(Runs.events(run))).containsExactly("step_started team", "step_started team/lead",
                "step_started team/delegation-1/coder", "step_finished team/delegation-1/coder",
                "step_started team/delegation-2/tester", "step_finished team/delegation-2/tester",
                "step_started team/delegation-3/writer", "step_finished team/delegation-3/writer",
                "step_finished team/lead", "step_finished team");
        Cuts.assertResumesAfterEachCut(this::driver, SampleCrewsConformance::hierarchicalModel, crew, Task.of("f", "Add min"),
                this::cutPoints);
    }
}
