package dev.cadre.cli;

import dev.cadre.eval.EvalProgress;
import dev.cadre.eval.RunRecord;
import java.io.PrintStream;

/** The live progress of {@code cadre eval} on stderr: a bar on a terminal, one line per run elsewhere (CI logs). */
final class EvalProgressBar implements EvalProgress {

    private static final int WIDTH = 30;

    private final PrintStream err;
    private final boolean terminal;

    EvalProgressBar(PrintStream err) {
        this(err, Runs.onTerminal());
    }

    EvalProgressBar(PrintStream err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    @Override
    public synchronized void runFinished(RunRecord record, int done, int total) {
        int filled = total == 0 ? WIDTH : done * WIDTH / total;
        String line = "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + done + "/" + total + "  "
                + TerminalText.line(record.caseId() + " on " + record.crew() + " #" + record.repeat() + ": "
                + (record.passed() ? "passed" : record.failureKind()));
        if (terminal) {
            err.print("\r\u001b[2K" + line + (done == total ? "\n" : ""));
        } else {
            err.println(line);
        }
        err.flush();
    }
}
