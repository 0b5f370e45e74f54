package dev.cadre.jdbc;

import dev.cadre.orchestrator.journal.Durability;
import dev.cadre.orchestrator.journal.JournalKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * The shared journal store from configuration every worker and reader is given the same way (environment variables,
 * or a map of them), so the database and the key are never something one machine made for itself:
 *
 * <ul>
 *   <li>{@code CADRE_JOURNAL_URL}: {@code jdbc:postgresql://host:port/database} (a command's {@code --journal} overrides it);
 *   <li>{@code CADRE_JOURNAL_USER}, {@code CADRE_JOURNAL_PASSWORD}: the database login (else the URL's parameters);
 *   <li>{@code CADRE_JOURNAL_KEY}: the journal key, base64 of at least 32 bytes ({@code openssl rand -base64 32}), or
 *       {@code CADRE_JOURNAL_KEY_FILE}: a file holding it (a mounted secret);
 *   <li>{@code CADRE_JOURNAL_RETENTION_DAYS}, {@code CADRE_JOURNAL_KEEP_RUNS}: which finished runs are removed;
 *   <li>{@code CADRE_JOURNAL_FSYNC=true}: appends wait for the database's disk.
 * </ul>
 */
public final class JdbcJournalConfig {

    public static final String URL = "CADRE_JOURNAL_URL";
    public static final String USER = "CADRE_JOURNAL_USER";
    public static final String PASSWORD = "CADRE_JOURNAL_PASSWORD";
    public static final String KEY = "CADRE_JOURNAL_KEY";
    public static final String KEY_FILE = "CADRE_JOURNAL_KEY_FILE";
    public static final String RETENTION_DAYS = "CADRE_JOURNAL_RETENTION_DAYS";
    public static final String KEEP_RUNS = "CADRE_JOURNAL_KEEP_RUNS";
    public static final String FSYNC = "CADRE_JOURNAL_FSYNC";

    private JdbcJournalConfig() {}

    /** Whether {@code value} (a {@code --journal} value or {@code CADRE_JOURNAL_URL}) names a database store. */
    public static boolean isJdbcUrl(String value) {
        return value != null && value.startsWith("jdbc:");
    }

    /**
     * The store that {@code url} (else {@code env}'s {@code CADRE_JOURNAL_URL}) names, configured from {@code env};
     * empty when neither names one. Bad settings are one sentence naming the variable.
     */
    public static Optional<JdbcJournalStore> open(String url, Map<String, String> env) {
        String chosen = url != null ? url : env.get(URL);
        if (chosen == null || chosen.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(builder(chosen, env).build());
    }

    /** The builder {@link #open} uses, for programs that set more. */
    public static JdbcJournalBuilder builder(String url, Map<String, String> env) {
        JdbcJournalBuilder b = JdbcJournalStore.builder(url).key(key(env));
        if (env.get(USER) != null) {
            b.user(env.get(USER));
        }
        if (env.get(PASSWORD) != null) {
            b.password(env.get(PASSWORD));
        }
        Duration age = env.get(RETENTION_DAYS) == null ? null : Duration.ofDays(positive(env, RETENTION_DAYS));
        int keep = env.get(KEEP_RUNS) == null ? 0 : positive(env, KEEP_RUNS);
        b.retention(new Retention(age, keep));
        b.durability(Durability.of("true".equalsIgnoreCase(env.get(FSYNC))));
        return b;
    }

    /** The journal key from {@code CADRE_JOURNAL_KEY} or {@code CADRE_JOURNAL_KEY_FILE}. */
    public static JournalKey key(Map<String, String> env) {
        String text = env.get(KEY);
        String from = KEY;
        if (text == null && env.get(KEY_FILE) != null) {
            from = KEY_FILE + " (" + env.get(KEY_FILE) + ")";
            try {
                text = Files.readString(Path.of(env.get(KEY_FILE))).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException("Cannot read the journal key file " + env.get(KEY_FILE) + " (" + KEY_FILE + "): "
                        + e.getMessage() + ".", e);
            }
        }
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("A shared journal needs the key every worker shares: set " + KEY
                    + " (base64 of 32 random bytes, e.g. from `openssl rand -base64 32`) or " + KEY_FILE + ".");
        }
        byte[] bytes;
        try {
            bytes = text.contains("-") || text.contains("_") ? Base64.getUrlDecoder().decode(text.strip()) : Base64.getDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The journal key in " + from + " is not base64: " + e.getMessage() + ".", e);
        }
        if (bytes.length < 32) {
            throw new IllegalArgumentException("The journal key in " + from + " has " + bytes.length + " bytes: it needs at least 32.");
        }
        return JournalKey.of(bytes);
    }

    private static int positive(Map<String, String> env, String name) {
        try {
            int n = Integer.parseInt(env.get(name).strip());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(name + " must be a whole number above 0, not '" + env.get(name) + "'.");
    }
}
