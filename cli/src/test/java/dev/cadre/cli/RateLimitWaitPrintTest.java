package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.RunEvent;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A call waiting for its model's shared rate limit is one line of the terminal's run view. */
class RateLimitWaitPrintTest {

    @Test
    void aWaitSaysWhichModelWhyAboutHowLongAndHowManyAreAhead() {
        assertThat(EventPrinter.render(new RunEvent.RateLimitWait("run-1", "fix/coder", 4, Instant.EPOCH, "coder",
                "openai:gpt-4.1-mini", "requests per minute", 1_500, 3)))
                .isEqualTo("[fix/coder] waiting for openai:gpt-4.1-mini's rate limit (requests per minute), about 2 s, 3 calls ahead");
        assertThat(EventPrinter.render(new RunEvent.RateLimitWait("run-1", "fix/coder", 4, Instant.EPOCH, "coder",
                "openai:gpt-4.1-mini", "the provider asked to wait", 0, 0)))
                .isEqualTo("[fix/coder] waiting for openai:gpt-4.1-mini's rate limit (the provider asked to wait), about 1 s");
    }
}
