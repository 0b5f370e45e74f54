package dev.cadre.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.api.CadreState;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class McpServerConfigTest {

    @TempDir
    Path root;

    @Test
    void journalsDefaultToTheStateDirectoryAndAreRefusedInsideTheRoot() {
        assertThat(McpServerConfig.builder().root(root).build().runsDirectory()).isEqualTo(CadreState.runsDirectory());
        assertThatThrownBy(() -> McpServerConfig.builder().root(root).runsDirectory(root.resolve(".cadre/runs")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("The runs directory " + root.resolve(".cadre/runs") + " is inside the workspace " + root);
    }
}
