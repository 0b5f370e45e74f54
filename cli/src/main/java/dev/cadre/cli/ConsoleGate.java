package dev.cadre.cli;

import dev.cadre.api.Checkpoint;
import dev.cadre.api.Decision;
import dev.cadre.api.HumanGate;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Asks checkpoints on the terminal: approve, reject with feedback, edit (a tool approval's edit is the call's arguments, as
 * JSON), or abort; one question at a time. Only an
 * explicit key decides: an empty or unknown line asks again, and the end of input aborts (it never approves). The
 * question and the proposed output are shown through {@link TerminalText}, so nothing in them acts on the terminal.
 */
final class ConsoleGate implements HumanGate {

    /** The longest edit read from the terminal. */
    static final int MAX_EDIT_CHARS = 64 * 1024;

    private final BufferedReader in;
    private final PrintStream out;
    private final RunView view;

    ConsoleGate(BufferedReader in, PrintStream out, RunView view) {
        this.in = in;
        this.out = out;
        this.view = view;
    }

    @Override
    public Mono<Decision> decide(Checkpoint checkpoint) {
        return Mono.fromCallable(() -> ask(checkpoint)).subscribeOn(Schedulers.boundedElastic());
    }

    /**
     * A tool approval's edit is the call's new arguments: a JSON object (the engine checks it against the tool's
     * schema). Anything else is said, and the question asked again (null).
     */
    private Decision editArguments(Checkpoint checkpoint) throws IOException {
        String proposed = checkpoint.proposedOutput() == null ? "" : checkpoint.proposedOutput();
        int space = proposed.indexOf(' ');
        String current = space < 0 ? "{}" : proposed.substring(space + 1);
        out.println("  the tool's new arguments as JSON (now: " + TerminalText.line(current) + "), ended by a line with a single '.':");
        StringBuilder text = new StringBuilder();
        String l;
        while ((l = in.readLine()) != null && !l.equals(".")) {
            text.append(l).append('\n');
            if (text.length() > MAX_EDIT_CHARS) {
                out.println("  That is over " + MAX_EDIT_CHARS + " characters; the arguments are unchanged.");
                return null;
            }
        }
        try {
            com.fasterxml.jackson.databind.JsonNode json = dev.cadre.api.CadreJson.mapper().readTree(text.toString());
            if (json == null || !json.isObject()) {
                out.println("  That is not a JSON object; the arguments are unchanged.");
                return null;
            }
            return Decision.edit(json.toString(), "console");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            out.println("  That is not JSON (" + TerminalText.line(e.getOriginalMessage()) + "); the arguments are unchanged.");
            return null;
        }
    }

    private Decision ask(Checkpoint checkpoint) throws IOException {
        synchronized (ConsoleGate.class) {
            view.clearStatus();
            out.println();
            TerminalText.escape(checkpoint.question()).lines().forEach(l -> out.println("\u001b[1m? " + l + "\u001b[0m"));
            if (checkpoint.proposedOutput() != null) {
                TerminalText.escape(checkpoint.proposedOutput()).lines().limit(40).forEach(l -> out.println("  │ " + l));
            }
            boolean tool = checkpoint.kind() == Checkpoint.Kind.TOOL_APPROVAL;
            while (true) {
                out.print(tool ? "  [a]pprove  [r]eject with feedback  [e]dit the arguments  a[b]ort > "
                        : "  [a]pprove  [r]eject with feedback  [e]dit  a[b]ort > ");
                out.flush();
                String line = in.readLine();
                if (line == null) {
                    return Decision.abort("The terminal closed before a decision.", "console");
                }
                switch (line.strip().toLowerCase()) {
                    case "a", "approve", "y", "yes" -> {
                        return Decision.approve("console");
                    }
                    case "r", "reject" -> {
                        out.print("  feedback > ");
                        out.flush();
                        String feedback = in.readLine();
                        return Decision.reject(feedback == null ? "" : feedback, "console");
                    }
                    case "e", "edit" -> {
                        if (tool) {
                            Decision edited = editArguments(checkpoint);
                            if (edited != null) {
                                return edited;
                            }
                            continue;
                        }
                        out.println("  the new text, ended by a line with a single '.':");
                        StringBuilder text = new StringBuilder();
                        String l;
                        while ((l = in.readLine()) != null && !l.equals(".")) {
                            text.append(l).append('\n');
                        }
                        return Decision.edit(text.toString().stripTrailing(), "console");
                    }
                    case "b", "abort" -> {
                        return Decision.abort("Aborted on the terminal.", "console");
                    }
                    case "" -> out.println("  Nothing was chosen: type a (approve), r (reject), e (edit) or b (abort), then Enter.");
                    default -> out.println("  '" + TerminalText.line(line.strip()) + "' is not an answer: type a (approve), r (reject),"
                            + " e (edit) or b (abort), then Enter.");
                }
            }
        }
    }
}
