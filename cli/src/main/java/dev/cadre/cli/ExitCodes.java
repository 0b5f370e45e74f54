package dev.cadre.cli;

/** The exit codes of the {@code cadre} command (documented in docs/cli.md). */
final class ExitCodes {
    /** The command did what was asked; for runs: the run succeeded. */
    static final int OK = 0;
    /** The run failed or was cancelled (its journal says why). */
    static final int RUN_FAILED = 1;
    /** Bad usage or bad input: an unknown option, a missing or unreadable file. */
    static final int USAGE = 2;

    private ExitCodes() {}
}
