package dev.cadre.cli;

import dev.cadre.api.RunEvent;
import dev.cadre.api.RunResult;
import dev.cadre.api.Usage;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * Shows a run: on a terminal, each event as a line plus a status line redrawn in place (agent, step, tokens, cost,
 * elapsed, tool calls), and a model's answer token by token as it streams (when the model streams); otherwise plain lines; with {@code --json}, RunEvents as JSON Lines. Text from the run is shown
 * through {@link TerminalText}; the colours and the status line's redraw are Cadre's own.
 */
final class RunView {

    enum Mode { LIVE, PLAIN, JSON }

    private final PrintStream out;
    private final Mode mode;
    private final EventPrinter printer;
    private final Map<String, Usage> byAgent = new TreeMap<>();
    private Instant started;
    private String agent = "";
    private String step = "";
    private long tokens;
    private java.math.BigDecimal cost = java.math.BigDecimal.ZERO;
    private long toolCalls;
    private boolean statusShown;
    private boolean streaming;
    private final boolean priced;

    RunView(PrintStream out, Mode mode) {
        this(out, mode, false);
    }

    /** {@code priced}: a price table is set, so a cost of 0 is known to be 0 (else it shows as unknown). */
    RunView(PrintStream out, Mode mode, boolean priced) {
        this.out = out;
        this.mode = mode;
        this.printer = new EventPrinter(out);
        this.priced = priced;
    }

    synchronized void show(RunEvent event) {
        if (started == null) {
            started = event.timestamp();
        }
        if (event instanceof RunEvent.ModelResponded r) {
            byAgent.merge(r.agent(), r.usage(), Usage::plus);
            tokens += r.usage().totalTokens();
            cost = cost.add(r.usage().cost());
        } else if (event instanceof RunEvent.StepStarted s && s.agent() != null) {
            agent = s.agent();
            step = s.stepPath();
        } else if (event instanceof RunEvent.ToolCalled) {
            toolCalls++;
        }
        switch (mode) {
            case JSON -> out.println(TerminalText.json(event));
            case PLAIN -> printer.print(event);
            case LIVE -> {
                if (event instanceof RunEvent.TokenStreamed t) {
                    clearStatus();
                    if (!streaming) {
                        out.print("\u001b[2m" + TerminalText.line(t.agent()) + " ›\u001b[0m ");
                        streaming = true;
                    }
                    out.print(TerminalText.escape(t.token()));
                    out.flush();
                    return;
                }
                clearStatus();
                endStream();
                printer.print(event);
                if (!event.isTerminal()) {
                    long seconds = Duration.between(started, Instant.now()).toSeconds();
                    out.print("\u001b[2m▶ " + TerminalText.line(agent) + " · " + TerminalText.line(step) + " · " + EventPrinter.count(tokens, "token") + " · cost " + EventPrinter.cost(cost, priced)
                            + " · " + seconds + "s · " + EventPrinter.count(toolCalls, "tool call") + "\u001b[0m");
                    out.flush();
                    statusShown = true;
                }
            }
        }
    }

    /** Whether tokens are shown as they stream: on a terminal, not with --json. */
    boolean live() {
        return mode == Mode.LIVE;
    }

    private void endStream() {
        if (streaming) {
            out.println();
            streaming = false;
        }
    }

    /** Before asking a question on the terminal. */
    synchronized void clearStatus() {
        if (statusShown) {
            out.print("\r\u001b[K");
            statusShown = false;
        }
    }

    /** Tokens and cost per agent (role), then the result. */
    synchronized void summary(RunResult result, String journal) {
        if (mode == Mode.JSON) {
            return;
        }
        clearStatus();
        out.println();
        out.println("Tokens and cost by agent:");
        long total = byAgent.values().stream().mapToLong(Usage::totalTokens).sum();
        byAgent.forEach((name, u) -> out.println(String.format("  %-20s %8d tokens  %5.1f%%  %15s  cost %s", TerminalText.line(name),
                u.totalTokens(), total == 0 ? 0.0 : 100.0 * u.totalTokens() / total, EventPrinter.count(u.modelCalls(), "model call"),
                EventPrinter.cost(u.cost(), priced))));
        out.println("Status:  " + result.status() + (result.reason() == null ? "" : " — " + TerminalText.line(result.reason())));
        if (result.output() != null) {
            out.println("Output:");
            TerminalText.escape(result.output()).lines().forEach(l -> out.println("  " + l));
        }
        out.println("Journal: " + journal);
    }
}
