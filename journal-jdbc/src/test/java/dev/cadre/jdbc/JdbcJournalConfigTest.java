package dev.cadre.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadre.orchestrator.journal.JournalKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared store's configuration: the key from the environment or a mounted file, and bad values as one sentence. */
class JdbcJournalConfigTest {

    static final byte[] BYTES = new byte[32];

    static {
        for (int i = 0; i < BYTES.length; i++) {
            BYTES[i] = (byte) (i * 7 + 250);
        }
    }

    @Test
    void the_key_comes_from_the_environment_in_base64_or_base64url_or_from_a_file(@TempDir Path dir) throws Exception {
        JournalKey fromEnv = JdbcJournalConfig.key(Map.of("CADRE_JOURNAL_KEY", Base64.getEncoder().encodeToString(BYTES)));
        JournalKey fromUrlSafe = JdbcJournalConfig.key(Map.of("CADRE_JOURNAL_KEY", Base64.getUrlEncoder().encodeToString(BYTES)));
        Path file = dir.resolve("journal-key");
        Files.writeString(file, Base64.getEncoder().encodeToString(BYTES) + "\n");
        JournalKey fromFile = JdbcJournalConfig.key(Map.of("CADRE_JOURNAL_KEY_FILE", file.toString()));
        byte[] line = "{\"a\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] expected = JournalKey.of(BYTES).newMac().doFinal(line);
        assertThat(fromEnv.newMac().doFinal(line)).isEqualTo(expected);
        assertThat(fromUrlSafe.newMac().doFinal(line)).isEqualTo(expected);
        assertThat(fromFile.newMac().doFinal(line)).isEqualTo(expected);
    }

    @Test
    void missing_short_or_garbled_keys_and_bad_retention_are_one_sentence_naming_the_variable() {
        assertThatThrownBy(() -> JdbcJournalConfig.key(Map.of())).hasMessageContaining("set CADRE_JOURNAL_KEY (base64 of 32 random bytes");
        assertThatThrownBy(() -> JdbcJournalConfig.key(Map.of("CADRE_JOURNAL_KEY", "c2hvcnQ=")))
                .hasMessage("The journal key in CADRE_JOURNAL_KEY has 5 bytes: it needs at least 32.");
        assertThatThrownBy(() -> JdbcJournalConfig.key(Map.of("CADRE_JOURNAL_KEY", "not base64!"))).hasMessageStartingWith("The journal key in CADRE_JOURNAL_KEY is not base64");
        assertThatThrownBy(() -> JdbcJournalConfig.key(Map.of("CADRE_JOURNAL_KEY_FILE", "/nonexistent/key")))
                .hasMessageStartingWith("Cannot read the journal key file /nonexistent/key (CADRE_JOURNAL_KEY_FILE)");
        Map<String, String> env = Map.of("CADRE_JOURNAL_KEY", Base64.getEncoder().encodeToString(BYTES), "CADRE_JOURNAL_KEEP_RUNS", "-3");
        assertThatThrownBy(() -> JdbcJournalConfig.builder("jdbc:postgresql://db/cadre", env))
                .hasMessage("CADRE_JOURNAL_KEEP_RUNS must be a whole number above 0, not '-3'.");
        assertThat(JdbcJournalConfig.open(null, Map.of())).isEmpty();
    }
}
