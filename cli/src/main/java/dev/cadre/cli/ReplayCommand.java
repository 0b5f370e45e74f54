package dev.cadre.cli;

import dev.cadre.api.RunEvent;
import dev.cadre.orchestrator.journal.JournalReader;
import dev.cadre.orchestrator.journal.JournalStore;
import dev.cadre.orchestrator.journal.StoredJournal;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cadre replay JOURNAL}: re-renders a past run from its journal. */
@Command(name = "replay", mixinStandardHelpOptions = true, description = "Re-render a past run from its id (its journal in the runs directory) or a journal file (.jsonl).")
final class ReplayCommand implements Callable<Integer> {

    @Parameters(paramLabel = "RUN", description = "The run's id (its journal in the runs directory), or a journal file (.jsonl, e.g. from `cadre runs export`).")
    String run;

    @picocli.CommandLine.Mixin
    RunsOption runsOption = new RunsOption();

    /** Set by {@code cadre runs show}: {@link #run} is a run id, never a file. */
    boolean byId;

    @Option(names = "--json", description = "Print the events as JSON Lines.")
    boolean json;

    /**
     * The journal of run {@code id} in the runs directory's store (its segments, or the per-run file of an earlier
     * version), or, when {@code id} names a file ({@code .jsonl}, or a path), that file, e.g. one {@code cadre runs export} wrote.
     */
    static StoredJournal read(String id, RunsOption runsOption) {
        if (id.endsWith(".jsonl") || id.contains("/") || id.contains(java.io.File.separator)) {
            Path file = Path.of(id);
            JournalReader.Journal read = JournalReader.read(file, runsOption.key());
            String name = file.getFileName().toString().replaceFirst("\\.jsonl$", "");
            return new StoredJournal(name, file.toString(), read.events(), read.tornTail(), read.integrity());
        }
        try (JournalStore store = runsOption.store()) {
            return store.read(id);
        }
    }

    @Override
    public Integer call() {
        StoredJournal read = (byId ? readById() : read(run, runsOption)).requireVerified(true);
        if (!read.integrity().isIntact()) {
            System.err.println("Note: " + read.integrity().describe(read.location()));
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

    private StoredJournal readById() {
        try (JournalStore store = runsOption.store()) {
            return store.read(run);
        }
    }
}
