package dev.cadre.orchestrator.journal;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class RunFilesJournalStoreTest extends JournalStoreContract {

    private static final JournalKey KEY = JournalKey.generate();

    @TempDir
    Path runs;

    @Override
    JournalStore newStore() {
        return new RunFilesJournalStore(runs, KEY, Durability.PROCESS);
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
