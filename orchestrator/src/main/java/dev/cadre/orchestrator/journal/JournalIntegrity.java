package dev.cadre.orchestrator.journal;

/**
 * What checking a journal's chain of MACs found: every line {@link Status#INTACT}; {@link Status#UNVERIFIED} (lines
 * without a MAC before the chain begins, as in journals written before journals were authenticated); or
 * {@link Status#CHANGED} at {@code line} (an edited, inserted, removed, reordered or forged line, or another key).
 *
 * @param line   the first line that does not verify (1-based), or 0
 * @param detail why, for {@link Status#CHANGED}; else empty
 */
public record JournalIntegrity(Status status, int line, String detail) {

    /** The outcome of the check. */
    public enum Status { INTACT, UNVERIFIED, CHANGED }

    static final JournalIntegrity INTACT = new JournalIntegrity(Status.INTACT, 0, "");
    static final JournalIntegrity UNVERIFIED = new JournalIntegrity(Status.UNVERIFIED, 0, "");

    static JournalIntegrity changedAt(int line, String detail) {
        return new JournalIntegrity(Status.CHANGED, line, detail);
    }

    public boolean isIntact() {
        return status == Status.INTACT;
    }

    public boolean isChanged() {
        return status == Status.CHANGED;
    }

    /** Throws a {@link JournalChangedException} about {@code journal} when changed, or unverified and not trusted. */
    void require(String journal, boolean trustUnverified) {
        if (isChanged() || (status == Status.UNVERIFIED && !trustUnverified)) {
            throw new JournalChangedException(describe(journal), this);
        }
    }

    /** One sentence about journal {@code file}. */
    public String describe(java.nio.file.Path file) {
        return describe(file.toString());
    }

    /** One sentence about the journal called {@code file} (a path, or a URI such as {@code cadre://runs/<id>}). */
    public String describe(String file) {
        return switch (status) {
            case INTACT -> "Journal " + file + " is intact: every line verifies.";
            case UNVERIFIED -> "Journal " + file + " is unverified: it has lines without an authentication code (it was written"
                    + " before journals were authenticated, or the codes were removed), so nothing proves it is what Cadre wrote.";
            case CHANGED -> "Journal " + file + " was changed at line " + line + ": " + detail + ".";
        };
    }
}
