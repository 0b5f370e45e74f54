package dev.cadre.cli;

import dev.cadre.jdbc.JdbcJournalConfig;
import dev.cadre.jdbc.JdbcJournalStore;
import dev.cadre.orchestrator.journal.JournalKey;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The {@code --journal} option (picocli mixin, part of {@link RunsOption}): a shared journal store instead of the runs
 * directory, the PostgreSQL one Temporal workers on several machines write (docs/journal.md, "Several machines: the
 * PostgreSQL store"). The login, the key and the retention come from the configuration every machine is given the
 * same way ({@link JdbcJournalConfig}), never from a file one of them made.
 */
final class JournalOption {

    private static final String SCHEME = "jdbc:postgresql:";

    @Option(names = "--journal", paramLabel = "URL", description = "A shared journal store instead of the runs directory:"
            + " jdbc:postgresql://host:port/database (default: CADRE_JOURNAL_URL; the login and the shared key from"
            + " CADRE_JOURNAL_USER, CADRE_JOURNAL_PASSWORD and CADRE_JOURNAL_KEY, see docs/journal.md).")
    String journal;

    /** The shared store's URL: {@code --journal}, else {@code CADRE_JOURNAL_URL}; null when neither names one. */
    String url(Map<String, String> env) {
        String url = journal != null ? journal : env.get(JdbcJournalConfig.URL);
        if (url == null || url.isBlank()) {
            return null;
        }
        if (!url.startsWith(SCHEME)) {
            throw new IllegalArgumentException(from() + " '" + withoutQuery(url)
                    + "' is not a journal store URL: write jdbc:postgresql://host:port/database.");
        }
        return url;
    }

    /**
     * The store {@link #url} names, configured from {@code env}, calling {@code whenRemoved} with each run it removes;
     * bad settings are one sentence naming them.
     */
    JdbcJournalStore open(Map<String, String> env, java.util.function.Consumer<String> whenRemoved) {
        String url = url(env);
        key(env);   // a missing key is said before connecting
        return JdbcJournalConfig.builder(url, env).whenRemoved(whenRemoved).build();
    }

    /** The shared key ({@code CADRE_JOURNAL_KEY} or {@code CADRE_JOURNAL_KEY_FILE}), or one sentence saying it is missing. */
    JournalKey key(Map<String, String> env) {
        try {
            return JdbcJournalConfig.key(env);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(from() + " " + withoutQuery(url(env)) + ": " + lowerFirst(e.getMessage()), e);
        }
    }

    private String from() {
        return journal != null ? "--journal" : JdbcJournalConfig.URL;
    }

    /** A URL without its parameters (which may hold a password), for messages. */
    static String withoutQuery(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    private static String lowerFirst(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
