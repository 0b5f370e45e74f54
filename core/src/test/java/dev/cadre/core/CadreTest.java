package dev.cadre.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.api.Agent;
import dev.cadre.api.HumanGate;
import dev.cadre.api.PendingCheckpoint;
import dev.cadre.api.Persona;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import dev.cadre.api.Task;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Step;
import dev.cadre.api.crew.Until;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CadreTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path runs;

    @TempDir
    Path project;

    record Verdict(String verdict, String feedback) {}

    Cadre.Builder cadre(ScriptedModel model) {
        return Cadre.builder().model("scripted:m", model).runsDirectory(runs);
    }

    @Test
    void aCrewBuiltInCodeRunsAndItsTypedOutputIsReadBack() {
        ScriptedModel model = ScriptedModel.builder()
                .agent("writer", Reply.text("draft"))
                .agent("editor", Reply.text("{\"verdict\":\"APPROVED\",\"feedback\":\"good\"}")).build();
        Cadre cadre = cadre(model).build();
        Agent writer = cadre.agent(Persona.builder("writer").role("Writer").build());
        Agent editor = cadre.agent(Persona.builder("editor").role("Editor").build());
        Crew crew = Crew.of("writing", Step.loop("edit-loop", Until.verdict("edit", "verdict", "APPROVED"), 3,
                Step.work(writer, Task.builder("write").description("Write about {task}").context("edit").build()),
                Step.work(editor, Task.builder("edit").description("Edit.").context("write").outputSchema(Verdict.class).build())));

        RunResult result = cadre.run(crew, "tea").await(WAIT);

        assertThat(result.succeeded()).as(result.reason()).isTrue();
        assertThat(result.output("edit", Verdict.class)).isEqualTo(new Verdict("APPROVED", "good"));
    }

    @Test
    void aBuiltInCrewLoadsAndRuns() {
        ScriptedModel model = ScriptedModel.builder().when(request -> true, Reply.text("{\"answer\":\"yes\",\"reasons\":\"r\"}")).build();
        Cadre cadre = cadre(model).build();
        RunResult result = cadre.run(cadre.builtInCrew("debate"), "Tabs?").await(WAIT);
        assertThat(result.succeeded()).as(result.reason()).isTrue();
    }

    @Test
    void aCrewFromYamlTextRunsAndItsReviewWaitsForTheProgramSayingSo() {
        ScriptedModel model = ScriptedModel.builder().agent("poet", Reply.text("a haiku")).build();
        Cadre cadre = cadre(model).build();
        Crew crew = cadre.crew("poem.yaml", """
                name: poem
                agents:
                  poet: {role: Poet}
                tasks:
                  - {id: poem, description: "A poem about {task}", agent: poet, human_review: after}
                """);
        RunHandle run = cadre.run(crew, "the sea");

        PendingCheckpoint review = run.nextCheckpoint(WAIT).orElseThrow();
        assertThat(review.proposedOutput()).isEqualTo("a haiku");
        review.approve("editor");
        assertThat(run.await(WAIT).output()).isEqualTo("a haiku");
    }

    @Test
    void theBuiltInCoderNeedsCommandsAndSaysSo() throws Exception {
        ScriptedModel model = ScriptedModel.builder().build();
        assertThatThrownBy(() -> cadre(model).workspace(project).build().agent("coder"))
                .hasMessage("Persona 'coder' runs commands (its tools name [run_*]) but this Cadre allows none: add"
                        + " .commands(\"mvn -q test\", ...) to Cadre.builder(), or build a persona without run_* tools.");
        assertThatThrownBy(() -> cadre(model).build().agent("coder"))
                .hasMessageContaining("add .workspace(path) and .commands(");

        Agent coder = cadre(model).workspace(project).commands("java Test.java").build().agent("coder");
        assertThat(coder.tools()).extracting(t -> t.name()).contains("run_command", "workspace_read", "git_diff");
    }

    @Test
    void commandsWithoutAWorkspaceAreRefusedWhenBuilt() {
        assertThatThrownBy(() -> cadre(ScriptedModel.builder().build()).commands("ls").build())
                .hasMessage("Cadre.builder().commands(...) needs a workspace to run them in: add .workspace(path).");
        assertThatThrownBy(() -> Cadre.builder().build())
                .hasMessage("Cadre.builder() needs a model: call .model(\"openai:gpt-4.1-mini\", chatModel).");
    }

    @Test
    void theWorkspaceToolsSeeOnlyTheWorkspaceAndAGateDecides() throws Exception {
        Files.writeString(project.resolve("notes.txt"), "hello");
        ScriptedModel model = ScriptedModel.builder()
                .agent("reader", Reply.toolCall("workspace_read", "{\"path\":\"notes.txt\"}"), Reply.text("it says hello")).build();
        Cadre cadre = cadre(model).workspace(project).gate(HumanGate.autoApprove()).build();
        Agent reader = cadre.agent(Persona.builder("reader").role("Reader").tools("workspace_read").build());

        RunResult result = cadre.run(reader, Task.of("read", "Read notes.txt.")).await(WAIT);

        assertThat(result.output()).isEqualTo("it says hello");
    }
}
