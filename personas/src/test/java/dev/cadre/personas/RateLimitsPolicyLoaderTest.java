package dev.cadre.personas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.api.RateLimit;
import dev.cadre.tools.Workspace;
import dev.cadre.tools.WorkspaceTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code policy.rate_limits} in a crew file: shared limits by model reference, mistakes located. */
class RateLimitsPolicyLoaderTest {

    @TempDir
    Path dir;

    /** The crew of {@link ContextPolicyLoaderTest}, its policy holding the limits. */
    static final String CREW = ContextPolicyLoaderTest.CREW + "  rate_limits:\n";

    Map<String, RateLimit> load(String limits) throws Exception {
        Path file = dir.resolve("crew.yaml");
        Files.writeString(file, CREW + limits);
        return CrewLoader.of(PersonaLibrary.builtIn(), WorkspaceTools.create(Workspace.at(dir))).load(file).crew().policy().rateLimits();
    }

    @Test
    void limitsLoadByModelAndAnUnsetSideIsUnlimited() throws Exception {
        assertThat(load("""
                    "openai:gpt-4.1-mini": {requests_per_minute: 500, tokens_per_minute: 200000}
                    "ollama:qwen2.5-coder": {requests_per_minute: 60}
                """)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "openai:gpt-4.1-mini", RateLimit.perMinute(500, 200_000),
                "ollama:qwen2.5-coder", RateLimit.perMinute(60, 0)));
    }

    @Test
    void aBadLimitIsOneErrorAtItsLocation() {
        Path file = dir.resolve("crew.yaml");
        assertThatThrownBy(() -> load("    \"openai:gpt-4.1-mini\": {requests_per_minute: -1}\n"))
                .hasMessage(file + ":9:28: A rate limit cannot be negative: requests per minute -1, tokens per minute 0");
        assertThatThrownBy(() -> load("    \"openai:gpt-4.1-mini\": {}\n"))
                .hasMessageStartingWith(file + ":9:").hasMessageEndingWith("needs requests per minute, tokens per minute or both above 0");
        assertThatThrownBy(() -> load("    gpt-4: {requests_per_minute: 5}\n"))
                .hasMessageStartingWith(file + ":9:").hasMessageContaining("Model reference 'gpt-4' must look like 'provider:model'");
        assertThatThrownBy(() -> load("    \"openai:gpt-4.1-mini\": {rpm: 5}\n"))
                .hasMessageStartingWith(file + ":9:").hasMessageContaining("unknown key 'rpm' in a rate limit");
    }
}
