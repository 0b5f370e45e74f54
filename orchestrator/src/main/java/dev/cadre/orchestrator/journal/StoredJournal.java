package dev.cadre.orchestrator.journal;

import dev.cadre.api.RunEvent;
import java.util.List;

/**
 * One run's journal as a {@link JournalStore} holds it: its events in order, whether its end was torn by a crash (the
 * torn event is dropped; appending continues after the last whole one), and what checking its chain of MACs found.
 *
 * @param location where the journal is, for messages (a path or a URI)
 */
public record StoredJournal(String runId, String location, List<RunEvent> events, boolean tornTail, JournalIntegrity integrity) {

    public StoredJournal {
        events = List.copyOf(events);
    }

    /** This journal when it is intact; else a {@link JournalChangedException} saying so (unverified ones unless trusted). */
    public StoredJournal requireVerified(boolean trustUnverified) {
        integrity.require(location, trustUnverified);
        return this;
    }
}
