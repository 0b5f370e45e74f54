package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.orchestrator.redaction.Redactor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The CLI's logback pattern masks secrets in log messages and in logged stack traces. */
class LogRedactionTest {

    static final String TOKEN = "flag-given-token-9c2d41";

    @Test
    void logLinesAndStackTracesMaskTheSecretsTheCommandKnows() {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            RedactingMessageConverter.use(Redactor.fromEnvironment(Map.of()).withSecret(TOKEN)); // as `cadre mcp --token` does
            Logger log = LoggerFactory.getLogger("dev.cadre.cli.LogRedactionTest");
            log.warn("token {} and key {}", TOKEN, "sk-" + "abcdefghijklmnopqrstuvwx");
            log.error("request failed", new IllegalStateException("401 for Authorization: Bearer " + TOKEN));
        } finally {
            System.setErr(original);
            RedactingMessageConverter.use(Redactor.fromEnvironment(System.getenv()));
        }
        String logged = captured.toString(StandardCharsets.UTF_8);

        assertThat(logged).doesNotContain(TOKEN).doesNotContain("abcdefghijklmnopqrstuvwx")
                .contains("token [REDACTED] and key [REDACTED]")
                .contains("java.lang.IllegalStateException: 401 for Authorization: Bearer [REDACTED]")
                .contains("at dev.cadre.cli.LogRedactionTest");
    }
}
