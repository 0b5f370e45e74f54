package dev.cadre.orchestrator.pattern;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/patterns.md shows the example pattern exactly as it is compiled and run by {@link CustomPatternTest}. */
class PatternsDocTest {

    @Test
    void thePageShowsTheExamplePatternAsCompiled() throws Exception {
        String page = Files.readString(Path.of("..", "docs", "patterns.md"));
        int start = page.indexOf("```java\n") + "```java\n".length();
        String shown = page.substring(start, page.indexOf("```", start)).strip();
        String source = Files.readString(Path.of("src", "test", "java", "dev", "cadre", "orchestrator", "pattern", "FirstSuccess.java"));
        assertThat(shown).startsWith("public final class FirstSuccess");
        assertThat(source.replace("\r", "")).contains(shown);
    }
}
