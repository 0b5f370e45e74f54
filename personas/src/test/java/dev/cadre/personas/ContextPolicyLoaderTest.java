package dev.cadre.personas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.api.crew.ContextLimits;
import dev.cadre.tools.Workspace;
import dev.cadre.tools.WorkspaceTools;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code policy.context} in a crew file: the context window's limits, each setting optional, mistakes located. */
class ContextPolicyLoaderTest {

    @TempDir
    Path dir;

    static final String CREW = """
            name: support
            agents:
              support:
                role: Support agent
            tasks:
              - {id: answer, description: Answer the customer., agent: support}
            policy:
            """;

    ContextLimits load(String context) throws Exception {
        Path file = dir.resolve("crew.yaml");
        Files.writeString(file, CREW + context);
        return CrewLoader.of(PersonaLibrary.builtIn(), WorkspaceTools.create(Workspace.at(dir))).load(file).crew().policy().context();
    }

    @Test
    void theContextLimitsLoadAndUnsetOnesKeepTheirDefaults() throws Exception {
        assertThat(load("  context: {max_tool_result_chars: 8000, window_tokens: 32000, keep_exchanges: 3}\n"))
                .isEqualTo(new ContextLimits(8_000, 32_000, 3));
        assertThat(load("  context: {window_tokens: 16000}\n"))
                .isEqualTo(ContextLimits.DEFAULT.withWindowTokens(16_000));
        assertThat(load("  cache: false\n")).isEqualTo(ContextLimits.DEFAULT);
    }

    @Test
    void aBadSettingIsOneErrorAtItsLocation() {
        Path file = dir.resolve("crew.yaml");
        assertThatThrownBy(() -> load("  context: {window_tokens: 10}\n"))
                .hasMessage(file + ":8:12: windowTokens is 10: it must be at least 1000");
        assertThatThrownBy(() -> load("  context: {keep: 3}\n"))
                .hasMessageStartingWith(file + ":8:").hasMessageContaining("unknown key 'keep' in a context policy");
    }
}
