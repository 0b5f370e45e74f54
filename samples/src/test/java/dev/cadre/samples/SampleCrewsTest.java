package dev.cadre.samples;

import static dev.cadre.testkit.CadreAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.Checkpoint;
import dev.cadre.api.HumanGate;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import dev.cadre.api.Task;
import dev.cadre.api.crew.Crew;
import dev.cadre.cli.demo.DemoProject;
import dev.cadre.cli.demo.DemoScript;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.personas.PersonaLibrary;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.tools.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleCrewsTest {

    @TempDir
    Path dir;

    static final Duration WAIT = Duration.ofSeconds(120);

    Orchestrator orchestrator(ScriptedModel model) {
        return Orchestrator.builder().models(ModelRegistry.of("scripted:demo", model)).runsDirectory(dir.resolve("runs"))
                .gate(HumanGate.autoApprove()).build();
    }

    void runCoderReviewer(Crew crew, Path project) throws Exception {
        ScriptedModel model = DemoScript.model();
        RunHandle run = orchestrator(model).run(crew, Task.of("fix", DemoScript.TASK));
        RunResult result = run.result().block(WAIT);
        assertThat(result).succeeded();
        assertThat(result.output()).contains("average(2, 3) = 2.5");
        assertThat(result.outcomes()).containsEntry("coder-reviewer/review-loop", "converged after 1 iteration: review.verdict is APPROVED");
        assertThat(Files.readString(project.resolve("src/Calculator.java"))).contains("return (double) sum / values.length;");
        List<RunEvent> events = run.events().collectList().block(WAIT);
        List<String> results = events.stream().filter(e -> e instanceof RunEvent.ToolReturned r && r.tool().equals("run_command"))
                .map(e -> ((RunEvent.ToolReturned) e).result()).toList();
        assertThat(results.get(0)).contains("FAIL testAverageKeepsFractions").contains("3 passed, 1 failed");
        assertThat(results.get(1)).contains("4 passed, 0 failed");
        assertThat(results.get(2)).as("the reviewer runs the tests itself").contains("4 passed, 0 failed");
        String diff = events.stream().filter(e -> e instanceof RunEvent.ToolReturned r && r.tool().equals("git_diff"))
                .map(e -> ((RunEvent.ToolReturned) e).result()).findFirst().orElseThrow();
        assertThat(diff).as("the reviewer reads the diff").contains("-        return sum / values.length;")
                .contains("+        return (double) sum / values.length;");
        List<Checkpoint.Kind> kinds = events.stream().filter(RunEvent.CheckpointRequested.class::isInstance)
                .map(e -> ((RunEvent.CheckpointRequested) e).checkpoint().kind()).toList();
        assertThat(kinds).as("writing and running ask first; a sign-off ends the run")
                .contains(Checkpoint.Kind.TOOL_APPROVAL).last().isEqualTo(Checkpoint.Kind.REVIEW_AFTER);
        assertThat(model.unusedReplies()).isZero();
    }

    @Test
    void theCoderReviewerCrewFromYamlFixesTheBundledProject() throws Exception {
        Path project = DemoProject.copyTo(dir.resolve("calculator"));
        Crew crew = SampleCrews.load("coder-reviewer", PersonaLibrary.builtIn(), Workspace.at(project)).crew();
        runCoderReviewer(crew, project);
    }

    @Test
    void theSameCrewBuiltInJavaBehavesTheSame() throws Exception {
        Path project = DemoProject.copyTo(dir.resolve("calculator"));
        runCoderReviewer(SampleCrews.coderReviewer(PersonaLibrary.builtIn(), Workspace.at(project)), project);
    }

    @Test
    void theDebateCrewArguesTwoRoundsAndTheJudgeDecides() {
        Crew crew = SampleCrews.load("debate", PersonaLibrary.builtIn(), Workspace.at(dir)).crew();
        ScriptedModel model = ScriptedModel.builder()
                .agent("advocate", Reply.text("{\"answer\":\"yes\"}"), Reply.text("{\"answer\":\"yes\"}"), Reply.text("{\"answer\":\"yes\"}"))
                .agent("critic", Reply.text("{\"answer\":\"no\"}"), Reply.text("{\"answer\":\"no\"}"), Reply.text("{\"answer\":\"no\"}"))
                .agent("pragmatist", Reply.text("{\"answer\":\"maybe\"}"), Reply.text("{\"answer\":\"yes\"}"), Reply.text("{\"answer\":\"yes\"}"))
                .agent("judge", Reply.text("Yes: the advocate's evidence holds.")).build();
        RunResult result = orchestrator(model).run(crew, Task.of("q", "Should we adopt virtual threads?")).result().block(WAIT);
        assertThat(result).succeeded().hasOutput("Yes: the advocate's evidence holds.").hasModelCalls(10);
        assertThat(result.outcomes()).containsEntry("debate", "judge decided after round 2");
        assertThat(model.requestsFor("critic").get(0).request().messages().get(0).toString()).contains("Debater arguing against the proposal");
    }

    @Test
    void theHierarchicalCrewDelegatesToItsWorkers() throws Exception {
        Path project = DemoProject.copyTo(dir.resolve("calculator"));
        Crew crew = SampleCrews.load("hierarchical", PersonaLibrary.builtIn(), Workspace.at(project)).crew();
        ScriptedModel model = ScriptedModel.builder()
                .agent("lead",
                        Reply.toolCall("delegate", "{\"worker\":\"coder\",\"subtask\":\"Add Calculator.min\"}"),
                        Reply.toolCall("delegate", "{\"worker\":\"tester\",\"subtask\":\"Test Calculator.min\"}"),
                        Reply.toolCall("delegate", "{\"worker\":\"writer\",\"subtask\":\"Document Calculator.min in README.md\"}"),
                        Reply.toolCall("finish", "{\"answer\":\"min added, tested and documented.\"}"))
                .agent("coder", Reply.text("Added min."))
                .agent("tester", Reply.text("Tested min."))
                .agent("writer", Reply.text("Documented min.")).build();
        RunResult result = orchestrator(model).run(crew, Task.of("f", "Add Calculator.min")).result().block(WAIT);
        assertThat(result).succeeded().hasOutput("min added, tested and documented.");
        assertThat(result.outputs()).containsKeys("team/delegation-1/coder", "team/delegation-2/tester", "team/delegation-3/writer");
    }
}
