package dev.cadre.orchestrator.journal;

class MemoryJournalStoreTest extends JournalStoreContract {

    private final MemoryJournalStore store = new MemoryJournalStore();

    @Override
    JournalStore newStore() {
        return store;
    }

    /** Memory survives nothing but the same store: a "new process" is the same object here. */
    @Override
    JournalStore reopened() {
        return new JournalStore() {
            @Override public Appender open(String runId) { return store.open(runId); }
            @Override public boolean contains(String runId) { return store.contains(runId); }
            @Override public StoredJournal read(String runId) { return store.read(runId); }
            @Override public java.util.List<String> runIds() { return store.runIds(); }
            @Override public String location(String runId) { return store.location(runId); }
            @Override public void close() { }
        };
    }
}
