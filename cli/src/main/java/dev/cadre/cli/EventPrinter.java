package dev.cadre.cli;

import dev.cadre.api.RunEvent;
import dev.cadre.api.Usage;
import java.io.PrintStream;

/**
 * Renders RunEvents as one plain line each, for terminals, logs and replays; what came from a model, a tool, a file or
 * a journal is shown through {@link TerminalText#line}, so it stays on its line and cannot act on the terminal.
 */
final class EventPrinter {

    private static final int MAX_TEXT = 100;
    private final PrintStream out;

    EventPrinter(PrintStream out) {
        this.out = out;
    }

    void print(RunEvent event) {
        String line = render(event);
        if (line != null) {
            out.println(String.format("%4d  %s", event.seq(), TerminalText.line(line)));
        }
    }

    /** How the engine ends a tool approval's checkpoint id (its other checkpoints end otherwise). */
    static final String TOOL_APPROVAL_SUFFIX = "-approval";

    static String render(RunEvent event) {
        String at = event.stepPath().isEmpty() ? "" : "[" + event.stepPath() + "] ";
        if (event instanceof RunEvent.RunStarted e) {
            return "run " + e.runId() + " started: crew " + e.crew() + ", task " + e.task().id()
                    + (e.task().inputs().isEmpty() ? "" : ", inputs " + new java.util.TreeMap<>(e.task().inputs()))
                    + (e.workspace() == null ? "" : ", workspace " + TerminalText.line(e.workspace()));
        } else if (event instanceof RunEvent.StepStarted e) {
            return at + (e.agent() != null ? e.agent() + " starts: " + clip(e.description()) : e.kind() + " starts");
        } else if (event instanceof RunEvent.ModelRequested e) {
            return at + e.agent() + " -> " + e.model() + " (turn " + e.turn() + (e.tools().isEmpty() ? "" : ", tools " + e.tools()) + ")";
        } else if (event instanceof RunEvent.ModelResponded e) {
            String what = e.toolCalls() != null && !e.toolCalls().isEmpty()
                    ? "calls " + e.toolCalls().stream().map(RunEvent.ToolCall::name).toList()
                    : "answers: " + clip(e.text());
            return at + e.agent() + " <- " + what + "  (" + e.usage().inputTokens() + " in / " + e.usage().outputTokens() + " out tokens"
                    + (e.cached() ? ", cached" : "") + ")";
        } else if (event instanceof RunEvent.TokenStreamed) {
            return null;
        } else if (event instanceof RunEvent.ToolCalled e) {
            return at + "tool " + e.tool() + " " + clip(e.arguments());
        } else if (event instanceof RunEvent.ToolReturned e) {
            return at + "tool " + e.tool() + (e.error() ? " failed: " : " returned: ") + clip(e.result());
        } else if (event instanceof RunEvent.CheckpointRequested e) {
            return at + (e.checkpoint().kind() == dev.cadre.api.Checkpoint.Kind.TOOL_APPROVAL ? "waiting for approval at checkpoint "
                    : "waits at checkpoint ") + e.checkpoint().id() + ": " + clip(e.checkpoint().question());
        } else if (event instanceof RunEvent.CheckpointResolved e) {
            String edited = e.decision().editedOutput() == null ? ""
                    : (e.checkpointId().endsWith(TOOL_APPROVAL_SUFFIX) ? " — the tool's arguments edited to " : " — output edited to ")
                    + clip(e.decision().editedOutput());
            return at + "checkpoint " + e.checkpointId() + " decided: " + e.decision().kind()
                    + (e.decision().feedback() == null ? "" : " (" + clip(e.decision().feedback()) + ")") + edited;
        } else if (event instanceof RunEvent.RateLimitWait e) {
            return at + "waiting for " + e.model() + "'s rate limit (" + e.reason() + "), about "
                    + Math.max(1, (e.expectedWaitMillis() + 999) / 1000) + " s" + (e.waitingAhead() > 0 ? ", " + e.waitingAhead() + " calls ahead" : "");
        } else if (event instanceof RunEvent.BudgetWarning e) {
            return at + "budget warning: " + e.limit() + " at " + Math.round(100 * e.used() / Math.max(e.max(), 1e-9)) + "%";
        } else if (event instanceof RunEvent.StepFinished e) {
            return at + "done: " + clip(e.output()) + (e.outcome() == null ? "" : "  [" + e.outcome() + "]")
                    + (e.usage() == null ? "" : "  " + usage(e.usage()));
        } else if (event instanceof RunEvent.StepFailed e) {
            return at + "failed: " + e.reason();
        } else if (event instanceof RunEvent.RunFinished e) {
            return "run finished: " + clip(e.output()) + "  " + usage(e.usage());
        } else if (event instanceof RunEvent.RunFailed e) {
            return "run failed: " + e.reason() + "  " + usage(e.usage());
        } else if (event instanceof RunEvent.RunCancelled e) {
            return "run cancelled: " + e.reason() + "  " + usage(e.usage());
        }
        return event.getClass().getSimpleName();
    }

    static String usage(Usage u) {
        if (u == null) {
            return "";
        }
        String cost = u.cost().signum() == 0 ? "" : ", cost " + cost(u.cost(), true);
        return "(" + count(u.modelCalls(), "model call") + ", " + count(u.toolCalls(), "tool call") + ", " + count(u.totalTokens(), "token")
                + cost + ")";
    }

    /** "1 model call", "2 model calls". */
    static String count(long n, String thing) {
        return n + " " + thing + (n == 1 ? "" : "s");
    }

    /** An amount in the currency of CADRE_PRICES (US dollars), or "unknown" when no price table is set. */
    static String cost(java.math.BigDecimal amount, boolean priced) {
        return priced || amount.signum() != 0 ? "USD " + amount.toPlainString() : "unknown";
    }

    /** {@code text} on one line, escaped ({@link TerminalText#line}), at most {@value #MAX_TEXT} characters. */
    static String clip(String text) {
        if (text == null) {
            return "";
        }
        String flat = TerminalText.line(text.replace('\n', ' ').strip());
        return flat.length() <= MAX_TEXT ? flat : flat.substring(0, MAX_TEXT - 3) + "...";
    }
}
