package dev.cadre.cli;

/** The exit codes of the {@code cadre} command (documented in docs/cli.md). */
final class ExitCodes {
    /** The command did what was asked; for runs: the run succeeded. */
    static final int OK = 0;
    /** The run failed or was cancelled (its journal says why). */
    static final int RUN_FAILED = 1;
    /** Bad usage, bad input or configuration: an unknown option or crew, a bad file, no model configured. */
    static final int USAGE = 2;
    /** The run waits at a checkpoint nobody can answer here (not on a terminal); `cadre runs resume ID` goes on. */
    static final int WAITING = 3;
    /** A journal was changed after Cadre wrote it (`cadre runs verify` names the line); resume and replay refuse it. */
    static final int JOURNAL_CHANGED = 4;
    /** `cadre runs verify`: the journal has no MAC chain (written before journals were authenticated), so it cannot be verified. */
    static final int JOURNAL_UNVERIFIED = 5;
    /** `cadre eval --baseline`: some crew's success rate dropped significantly against the baseline report. */
    static final int REGRESSION = 6;

    private ExitCodes() {}
}
