package dev.cadre.cli;

import dev.cadre.api.RunEvent;
import dev.cadre.orchestrator.journal.JournalReader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cadre replay JOURNAL}: re-renders a past run from its journal. */
@Command(name = "replay", mixinStandardHelpOptions = true, description = "Re-render a past run from its journal (a .jsonl file) or its id.")
final class ReplayCommand implements Callable<Integer> {

    @Parameters(paramLabel = "RUN", description = "The run's id (its journal in the runs directory), or a journal file (.jsonl).")
    String run;

    @picocli.CommandLine.Mixin
    RunsOption runsOption = new RunsOption();

    Path journal;

    @Option(names = "--json", description = "Print the events as JSON Lines.")
    boolean json;

    @Override
    public Integer call() {
        if (journal == null) {
            journal = run.endsWith(".jsonl") || run.contains("/") || run.contains(java.io.File.separator) ? Path.of(run)
                    : dev.cadre.orchestrator.journal.JournalWriter.fileFor(runsOption.runs(), run);
        }
        JournalReader.Journal read = JournalReader.read(journal).requireVerified(true);
        if (!read.integrity().isIntact()) {
            System.err.println("Note: " + read.integrity().describe(journal));
        }
        EventPrinter printer = new EventPrinter(System.out);
        for (RunEvent event : read.events()) {
            if (json) {
                System.out.println(TerminalText.json(event));
            } else {
                printer.print(event);
            }
        }
        if (read.tornTail()) {
            System.err.println("Note: the journal's last line was cut off (the run was interrupted while writing it); it was skipped.");
        }
        RunEvent last = read.events().isEmpty() ? null : read.events().get(read.events().size() - 1);
        if (!json) {
            System.out.println("Status:  " + RunsCommand.status(read.events()));
            String output = last instanceof RunEvent.RunFinished f ? f.output() : null;
            if (output != null) {
                System.out.println("Output:");
                TerminalText.escape(output).lines().forEach(l -> System.out.println("  " + l));
            }
        }
        return last instanceof RunEvent.RunFinished || last == null ? ExitCodes.OK : ExitCodes.RUN_FAILED;
    }
}
