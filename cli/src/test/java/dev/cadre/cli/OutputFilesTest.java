package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.api.Agent;
import dev.cadre.api.Persona;
import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Task;
import dev.cadre.api.Usage;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Review;
import dev.cadre.api.crew.Step;
import dev.cadre.personas.CrewFile;
import dev.cadre.tools.Workspace;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CrewAI's output_file: a task's output written in the workspace under workspace_write's rules, checked before the run. */
class OutputFilesTest {

    @TempDir
    Path workspace;

    static CrewFile crew(Map<String, String> outputFiles, List<String> executedFiles) {
        Agent writer = Agent.of(Persona.builder("writer").role("Writer").goal("Write").build());
        return new CrewFile(Crew.of("c", new Step.Work("report", writer, Task.of("report", "Write it."), Review.NONE)), Map.of(), List.of(),
                null, outputFiles, executedFiles);
    }

    static RunResult result(Map<String, String> outputs) {
        return new RunResult("run-1", RunStatus.SUCCEEDED, "done", outputs, Usage.ZERO, null, Duration.ZERO, Map.of());
    }

    @Test
    void theTasksOutputIsWrittenAndTheLastIterationWins() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        OutputFiles files = OutputFiles.check(crew(Map.of("report", "out/{topic}.md"), List.of()), Workspace.at(workspace), Map.of("topic", "ai"));
        Map<String, String> outputs = new LinkedHashMap<>();
        outputs.put("loop/iteration-1/report", "first");
        outputs.put("loop/iteration-2/report", "second");
        outputs.put("other-report", "not this one");
        files.write(result(outputs), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(workspace.resolve("out/ai.md")).hasContent("second");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("Wrote the output of task 'report' to out/ai.md.\n");

        err.reset();
        files.write(result(Map.of()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("Task 'report' did not finish, so out/ai.md was not written.\n");
    }

    @Test
    void aPathOutsideTheWorkspaceAFileTheCommandsExecuteOrAMissingVariableStopsBeforeTheRun() throws Exception {
        Workspace ws = Workspace.at(workspace);
        assertThatThrownBy(() -> OutputFiles.check(crew(Map.of("report", "/etc/passwd"), List.of()), ws, Map.of()))
                .hasMessage("Task 'report' has output_file '/etc/passwd', which Cadre does not write: Path '/etc/passwd' is absolute;"
                        + " give a path relative to the workspace root.");
        assertThatThrownBy(() -> OutputFiles.check(crew(Map.of("report", "build/pom.xml"), List.of("pom.xml")), ws, Map.of()))
                .hasMessage("Task 'report' has output_file 'build/pom.xml', a file the crew's commands execute; an agent's output is"
                        + " never written there: choose another path.");
        assertThatThrownBy(() -> OutputFiles.check(crew(Map.of("report", "{topic}.md"), List.of()), ws, Map.of()))
                .hasMessage("Task 'report' has output_file '{topic}.md', which uses {topic} without a value; pass --input topic=VALUE.");
        Path outside = Files.createDirectories(workspace.resolveSibling(workspace.getFileName() + "-outside"));
        Files.createSymbolicLink(workspace.resolve("link"), outside);
        assertThatThrownBy(() -> OutputFiles.check(crew(Map.of("report", "link/x.md"), List.of()), ws, Map.of()))
                .hasMessageContaining("leads outside the workspace through a symbolic link");
    }
}
