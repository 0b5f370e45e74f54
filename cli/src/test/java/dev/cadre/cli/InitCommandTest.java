package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.CrewSource;
import dev.cadre.personas.CrewFile;
import dev.cadre.personas.PersonaLibrary;
import dev.cadre.tools.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Point 8: `cadre init` in a project writes a starter crew file allowed to run the project's tests, and says what to run next. */
class InitCommandTest {

    @TempDir
    Path dir;

    @Test
    void initWritesAStarterCrewThatRunsTheDetectedTestsAndPrintsTheNextCommand() throws Exception {
        Path project = Files.createDirectories(dir.resolve("my-project"));
        Files.writeString(project.resolve("pom.xml"), "<project/>");
        CadreProcess.Outcome init = CadreProcess.run(dir, Map.of(), "", "init", "my-project");
        assertThat(init.exit()).as(init.stderr()).isZero();
        Path crew = project.resolve("crew.yaml");
        assertThat(init.stderr()).isEqualTo("Wrote my-project/crew.yaml: the coder-reviewer crew, allowed to run mvn -q test (from pom.xml).\n"
                + "Next: cadre run my-project/crew.yaml --workspace my-project --task \"what to do\"\n");
        String yaml = Files.readString(crew);
        assertThat(yaml).startsWith("# A starter crew: the built-in coder-reviewer crew, allowed to run mvn -q test (from pom.xml).\n");
        CrewFile loaded = Runs.loadCrew(CrewSource.of(crew.toString(), yaml), PersonaLibrary.builtIn(), Workspace.at(project), List.of());
        assertThat(loaded.commands().commands()).containsExactly("mvn -q test");
        assertThat(loaded.crew().name()).isEqualTo("coder-reviewer");

        CadreProcess.Outcome again = CadreProcess.run(dir, Map.of(), "", "init", "my-project");
        assertThat(again.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(again.stderr().strip()).isEqualTo("cadre: my-project/crew.yaml exists; pass --force to replace it, or --out FILE to write another.");
        assertThat(Files.readString(crew)).isEqualTo(yaml);
    }

    @Test
    void aProjectWithoutTestsCadreKnowsAsksForAllow() throws Exception {
        Path project = Files.createDirectories(dir.resolve("plain"));
        CadreProcess.Outcome init = CadreProcess.run(dir, Map.of(), "", "init", "plain");
        assertThat(init.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(init.stderr().strip()).startsWith("cadre: Cadre cannot tell how the tests of " + project + " run")
                .endsWith("pass --allow \"the command that runs them\", e.g. --allow \"mvn -q test\".");
        assertThat(project.resolve("crew.yaml")).doesNotExist();
        CadreProcess.Outcome allowed = CadreProcess.run(dir, Map.of(), "", "init", "plain", "--allow", "make check");
        assertThat(allowed.exit()).as(allowed.stderr()).isZero();
        assertThat(Files.readString(project.resolve("crew.yaml"))).contains("make check");
    }
}
