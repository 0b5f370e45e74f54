package dev.cadre.cli;

import dev.cadre.jdbc.JdbcJournalConfig;
import dev.cadre.orchestrator.journal.JournalStore;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The {@code --journal} option (picocli mixin): a shared journal store instead of the runs directory, e.g. the
 * PostgreSQL one the Temporal workers write (docs/journal.md, "A shared store on PostgreSQL").
 */
final class JournalOption {

    @Option(names = "--journal", paramLabel = "URL", description = "A shared journal store instead of the runs directory:"
            + " jdbc:postgresql://host:port/database (default: CADRE_JOURNAL_URL; the login and the shared key from"
            + " CADRE_JOURNAL_USER, CADRE_JOURNAL_PASSWORD and CADRE_JOURNAL_KEY, see docs/journal.md).")
    String journal;

    /** The shared store {@code --journal} (else {@code CADRE_JOURNAL_URL} in {@code env}) names, if one does. */
    Optional<JournalStore> sharedStore(Map<String, String> env) {
        if (journal != null && !JdbcJournalConfig.isJdbcUrl(journal)) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--journal " + journal + " is not a journal store URL: write jdbc:postgresql://host:port/database.");
        }
        return JdbcJournalConfig.open(journal, env).map(store -> store);
    }
}
