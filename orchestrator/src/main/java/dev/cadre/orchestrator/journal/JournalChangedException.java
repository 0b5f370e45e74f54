package dev.cadre.orchestrator.journal;

/** A journal's chain does not verify (it was changed at {@link #line()}), or it cannot be verified and is not trusted. */
public final class JournalChangedException extends JournalException {

    private final JournalIntegrity integrity;

    public JournalChangedException(String message, JournalIntegrity integrity) {
        super(message);
        this.integrity = integrity;
    }

    public JournalIntegrity integrity() {
        return integrity;
    }

    /** The first line that does not verify (1-based), or 0 for an unverified journal. */
    public int line() {
        return integrity.line();
    }
}
