package dev.cadre.personas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.api.Checkpoint;
import dev.cadre.api.HumanGate;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.Task;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import dev.cadre.tools.StandardTools;
import dev.cadre.tools.Workspace;
import dev.cadre.tools.WorkspaceTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under the default policy a write into .git/, or to a file the crew's executed_files names, is approved as EXECUTES
 * and the question says why; an ordinary write is approved as WRITES.
 */
class ExecutedFilesApprovalTest {

    static final String CREW = """
            name: builder
            executed_files: [pom.xml, ".mvn/**"]
            agents:
              coder:
                role: Coder
                goal: Change files
                tools: [workspace_write]
            tasks:
              - id: change
                description: Change the build
                agent: coder
            """;

    @TempDir
    Path dir;

    @Test
    void theDefaultPolicyAsksAnExecutesApprovalForGitAndExecutedFilesSayingWhy() throws Exception {
        Path ws = Files.createDirectories(dir.resolve("ws"));
        CrewFile file = CrewLoader.of(PersonaLibrary.builtIn(), WorkspaceTools.create(Workspace.at(ws))).withExecutedFiles(StandardTools::withExecutedFiles).load("builder.yaml", CREW);
        ScriptedModel model = ScriptedModel.builder().agent("coder",
                Reply.toolCall("workspace_write", "{\"path\":\".git/config\",\"content\":\"[core]\\n\\tfsmonitor = touch pwned\\n\"}"),
                Reply.toolCall("workspace_write", "{\"path\":\"pom.xml\",\"content\":\"<project/>\\n\"}"),
                Reply.toolCall("workspace_write", "{\"path\":\"notes.txt\",\"content\":\"hello\\n\"}"),
                Reply.text("done")).build();
        Orchestrator orchestrator = Orchestrator.builder().models(ModelRegistry.of("scripted:m", model))
                .runsDirectory(dir.resolve("runs")).gate(HumanGate.autoApprove()).build();
        RunHandle run = orchestrator.run(file.crew(), Task.of("t", "Change the build."));
        assertThat(run.result().block(Duration.ofSeconds(30)).succeeded()).isTrue();
        List<Checkpoint> asked = run.events().ofType(RunEvent.CheckpointRequested.class).map(RunEvent.CheckpointRequested::checkpoint)
                .collectList().block(Duration.ofSeconds(30));
        assertThat(asked).extracting(Checkpoint::risk).containsExactly(RiskLevel.EXECUTES, RiskLevel.EXECUTES, RiskLevel.WRITES);
        assertThat(asked.get(0).question()).isEqualTo("Agent 'coder' wants to call workspace_write (executes: writes into .git/"
                + " ('.git/config'), where git configuration and hooks can run code). Allow it?");
        assertThat(asked.get(1).question()).isEqualTo("Agent 'coder' wants to call workspace_write (executes: writes 'pom.xml',"
                + " which matches the crew's executed file pattern 'pom.xml': allow-listed commands run it). Allow it?");
        assertThat(asked.get(2).question()).isEqualTo("Agent 'coder' wants to call workspace_write (writes). Allow it?");
    }

    @Test
    void aBadExecutedFilesValueIsALocatedError() {
        CrewLoader loader = CrewLoader.of(PersonaLibrary.builtIn(), WorkspaceTools.create(Workspace.at(dir))).withExecutedFiles(StandardTools::withExecutedFiles);
        assertThatThrownBy(() -> loader.load("bad.yaml", CREW.replace("[pom.xml, \".mvn/**\"]", "[pom.xml, \"{oops\"]")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bad.yaml:2").hasMessageContaining("executed-files pattern '{oops' is not a valid glob: Missing '}");
        assertThatThrownBy(() -> loader.load("empty.yaml", CREW.replace("[pom.xml, \".mvn/**\"]", "[]")))
                .hasMessageContaining("empty.yaml:2").hasMessageContaining("'executed_files' is empty");
        assertThatThrownBy(() -> loader.load("map.yaml", CREW.replace("[pom.xml, \".mvn/**\"]", "{a: b}")))
                .hasMessageContaining("map.yaml:2").hasMessageContaining("'executed_files' must be a list");
    }
}
