package dev.cadre.orchestrator.journal;

import dev.cadre.jdbc.JdbcJournalStore;
import dev.cadre.jdbc.PostgresExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The contract every JournalStore passes, on PostgreSQL (a real server, {@link PostgresExtension}), in both durabilities.
 * In the contract's package: its hooks are package-private.
 */
class JdbcJournalStoreContractTest extends JournalStoreContract {

    static final JournalKey KEY = JournalKey.generate();
    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();
    String url;

    @BeforeEach
    void newDatabase() throws Exception {
        url = POSTGRES.newDatabase();
    }

    @Override
    JournalStore newStore() {
        return JdbcJournalStore.builder(url).key(KEY).maxConnections(4).build();
    }

    @Override

    JournalKey key() {

        return KEY;

    }


    @Override
    JournalStore reopened() {
        return newStore();
    }

    /** The same contract when every append waits for PostgreSQL to flush it to disk. */
    @Nested
    class Fsync extends JournalStoreContract {
        @Override
        JournalStore newStore() {
            return JdbcJournalStore.builder(url).key(KEY).durability(Durability.FSYNC).pageSize(3).build();
        }

        @Override

        JournalKey key() {

            return KEY;

        }


        @Override
        JournalStore reopened() {
            return newStore();
        }
    }
}
