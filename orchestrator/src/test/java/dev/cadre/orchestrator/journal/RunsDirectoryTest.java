package dev.cadre.orchestrator.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.api.CadreState;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunsDirectoryTest {

    @TempDir
    Path dir;

    @Test
    void aRunsDirectoryInsideTheWorkspaceIsRefusedInOneSentence() throws Exception {
        Path workspace = Files.createDirectories(dir.resolve("project"));
        Path runs = workspace.resolve(".cadre/runs");
        assertThatThrownBy(() -> RunsDirectory.requireOutside(runs, workspace))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("The runs directory " + runs + " is inside the workspace " + workspace
                        + ", where agents could rewrite journals; choose a runs directory outside it (the default is "
                        + CadreState.runsDirectory() + ").");
        assertThatThrownBy(() -> RunsDirectory.requireOutside(workspace, workspace)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RunsDirectory.requireOutside(Path.of("."), Path.of(""))).isInstanceOf(IllegalArgumentException.class);
        assertThat(RunsDirectory.requireOutside(dir.resolve("state/runs"), workspace)).isEqualTo(dir.resolve("state/runs"));
        assertThat(RunsDirectory.requireOutside(dir.resolve("project-runs"), workspace)).isEqualTo(dir.resolve("project-runs"));
    }

    @Test
    void aLinkThatLeadsIntoTheWorkspaceIsSeenThrough() throws Exception {
        Path workspace = Files.createDirectories(dir.resolve("project"));
        Path link = Files.createSymbolicLink(dir.resolve("elsewhere"), workspace);
        assertThat(RunsDirectory.inside(link.resolve("runs"), workspace)).isTrue();
        assertThat(RunsDirectory.inside(dir.resolve("runs"), link)).isFalse();
    }

    @Test
    void testsRunWithAStateDirectoryOfTheirOwn() {
        assertThat(System.getenv(CadreState.ENV)).as("surefire sets CADRE_STATE_DIR").isNotBlank();
        assertThat(CadreState.directory().startsWith(Path.of(System.getProperty("user.home"), ".local"))).isFalse();
    }
}
