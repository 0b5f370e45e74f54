package dev.cadre.orchestrator.journal;

import dev.cadre.jdbc.JdbcJournalStore;
import dev.cadre.jdbc.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;

/**
 * The contract every JournalStore passes, on PostgreSQL (a real server, {@link PostgresServer}), in both durabilities.
 * In the contract's package: its hooks are package-private.
 */
class JdbcJournalStoreContractTest extends JournalStoreContract {

    static final JournalKey KEY = JournalKey.generate();
    static PostgresServer server;
    String url;

    @BeforeAll
    static void startPostgres() throws Exception {
        server = PostgresServer.start();
    }

    @AfterAll
    static void stopPostgres() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void newDatabase() throws Exception {
        url = server.newDatabase();
    }

    @Override
    JournalStore newStore() {
        return JdbcJournalStore.builder(url).key(KEY).maxConnections(4).build();
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
        JournalStore reopened() {
            return newStore();
        }
    }
}
