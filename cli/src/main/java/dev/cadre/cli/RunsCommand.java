package dev.cadre.cli;

import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.jdbc.JdbcJournalStore;
import dev.cadre.orchestrator.journal.JournalIntegrity;
import dev.cadre.orchestrator.journal.JournalStore;
import dev.cadre.orchestrator.journal.LocalJournalStore;
import dev.cadre.orchestrator.journal.RunsDirectory;
import dev.cadre.orchestrator.journal.StoredJournal;
import dev.cadre.orchestrator.RunOptions;
import dev.cadre.temporal.RunPayloads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cadre runs list | show ID | resume ID | fork ID | verify ID | export ID | prune --older-than AGE}. */
@Command(name = "runs", mixinStandardHelpOptions = true, description = "List, show, resume, fork and verify runs from their journals.",
        subcommands = {RunsCommand.ListRuns.class, RunsCommand.Show.class, RunsCommand.Resume.class, RunsFork.class, RunsMove.class, RunsCommand.Verify.class,
                RunsCommand.Export.class, RunsCommand.Prune.class})
final class RunsCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the runs in the runs directory, newest first.")
    static final class ListRuns implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        RunsOption runsOption = new RunsOption();

        @Override
        public Integer call() throws IOException {
            if (!runsOption.shared()) {
                Path runs = runsOption.runs();
                if (!Files.isDirectory(runs)) {
                    System.out.println("No runs in " + runs + ".");
                    return ExitCodes.OK;
                }
            }
            try (JournalStore store = runsOption.store()) {
                header();
                List<String> ids = new java.util.ArrayList<>(store.runIds());
                ids.sort(java.util.Comparator.reverseOrder());
                for (String id : ids) {
                    StoredJournal read = store.read(id);
                    row(read.events(), read.integrity());
                }
            }
            return ExitCodes.OK;
        }

        private final boolean priced = ModelConfig.prices(System.getenv()) != dev.cadre.api.PriceTable.NONE;

        private static void header() {
            System.out.println(String.format("%-26s %-16s  %-16s %-24s %16s  %-17s %s", "RUN", "STARTED (UTC)", "CREW", "STATUS", "TOKENS",
                    "COST", "TASK"));
        }

        private void row(List<RunEvent> events, JournalIntegrity integrity) {
            if (events.isEmpty() || !(events.get(0) instanceof RunEvent.RunStarted started)) {
                return;
            }
            String status = status(events);
            if (integrity.isChanged()) {
                status = "CHANGED at line " + integrity.line();
            } else if (!integrity.isIntact()) {
                status += " (unverified)";
            }
            dev.cadre.api.Usage usage = events.stream().filter(e -> e instanceof RunEvent.ModelResponded)
                    .map(e -> ((RunEvent.ModelResponded) e).usage()).reduce(dev.cadre.api.Usage.ZERO, dev.cadre.api.Usage::plus);
            String date = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(java.time.ZoneOffset.UTC)
                    .format(started.timestamp());
            System.out.println(String.format("%-26s %s  %-16s %-24s %9d tokens  cost %-12s %s", TerminalText.line(started.runId()), date,
                    TerminalText.line(started.crew()), status, usage.totalTokens(), EventPrinter.cost(usage.cost(), priced),
                    EventPrinter.clip(started.task().renderedDescription())));
        }
    }

    /** How a run ended, from its events: succeeded, failed, cancelled, waiting or interrupted. */
    static String status(List<RunEvent> events) {
        RunEvent last = events.isEmpty() ? null : events.get(events.size() - 1);
        return last instanceof RunEvent.RunFinished ? "succeeded" : last instanceof RunEvent.RunFailed ? "failed"
                : last instanceof RunEvent.RunCancelled ? "cancelled"
                : events.stream().anyMatch(e -> e instanceof RunEvent.CheckpointRequested) ? "waiting or interrupted" : "interrupted";
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a run from its journal, ending with its status and output.")
    static final class Show implements Callable<Integer> {
        @Parameters(paramLabel = "ID")
        String id;

        @picocli.CommandLine.Mixin
        RunsOption runsOption = new RunsOption();

        @Override
        public Integer call() {
            ReplayCommand replay = new ReplayCommand();
            replay.run = id;
            replay.runsOption = runsOption;
            replay.byId = true;
            return replay.call();
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume an interrupted run, or one waiting at a checkpoint.")
    static final class Resume implements Callable<Integer> {
        @Parameters(paramLabel = "ID")
        String id;

        @picocli.CommandLine.Mixin
        RunSettings settings = new RunSettings();

        @Option(names = "--crew", description = "Resume with this crew file or built-in crew (default: the definition the journal"
                + " recorded when the run started). One that differs from the recorded one needs --crew-changed.")
        String crew;

        @Option(names = "--crew-changed", description = "Resume although --crew differs from the crew the run started with.")
        boolean crewChanged;

        @Option(names = "--trust-unverified", description = "Resume a journal that has no MAC chain (written before journals were"
                + " authenticated): nothing proves Cadre wrote it, so only if you know where it came from.")
        boolean trustUnverified;

        @Option(names = "--workspace", description = "The directory the agents work in (default: the one the run started in, which"
                + " its journal records; for journals that predate that, the current directory).")
        Path workspace;

        @picocli.CommandLine.Mixin
        TemporalOptions temporal = new TemporalOptions();

        @Override
        public Integer call() {
            settings.defaultModelOnly("cadre runs resume");
            RecordedCrew.Continued go = RecordedCrew.open(settings, id, crew, trustUnverified, workspace, true);
            if (temporal.enabled()) {
                try (TemporalRuns cluster = TemporalRuns.connect(temporal, go.models(), settings.runsOption, System.getenv())) {
                    RunHandle run = cluster.resume(id, go.file().crew(), RunOptions.DEFAULTS.withTrustUnverifiedJournal(trustUnverified)
                            .withStreaming(go.session().view().live()));
                    return go.outputFiles().afterRun(run, cluster.follow(run, go.session(), settings.runsOption), System.err);
                }
            }
            RunHandle run = go.orchestrator().resume(id, go.file().crew(), RunOptions.DEFAULTS.withCrewSource(go.source())
                    .withTrustUnverifiedJournal(trustUnverified).withCrewChanged(crewChanged));
            return go.outputFiles().afterRun(run, Runs.follow(run, go.session(), settings.runsOption, System.out, System.err), System.err);
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check that a run's journal is as Cadre wrote it (exit 0), was changed (4, naming the line) or cannot be verified (5).")
    static final class Verify implements Callable<Integer> {
        @Parameters(paramLabel = "ID")
        String id;

        @picocli.CommandLine.Mixin
        RunsOption runsOption = new RunsOption();

        @Override
        public Integer call() {
            StoredJournal journal = ReplayCommand.read(id, runsOption);
            JournalIntegrity integrity = journal.integrity();
            System.out.println(integrity.describe(journal.location()));
            return switch (integrity.status()) {
                case INTACT -> ExitCodes.OK;
                case CHANGED -> ExitCodes.JOURNAL_CHANGED;
                case UNVERIFIED -> ExitCodes.JOURNAL_UNVERIFIED;
            };
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write a run's journal as a JSON Lines file (one event a line, as written, its MACs included):"
                    + " readable, and checked again by `cadre runs verify FILE` and `cadre replay FILE`.")
    static final class Export implements Callable<Integer> {
        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = {"-o", "--out"}, description = "The file to write (default: standard output). An existing file is not replaced.")
        Path out;

        @picocli.CommandLine.Mixin
        RunsOption runsOption = new RunsOption();

        @Override
        public Integer call() throws IOException {
            try (JournalStore store = runsOption.store()) {
                if (out == null) {
                    store.export(id, System.out);
                    return ExitCodes.OK;
                }
                if (!runsOption.shared() && RunsDirectory.inside(out, runsOption.runs())) {
                    throw new IllegalArgumentException("--out " + out + " is inside the runs directory " + runsOption.runs()
                            + ", where it would read as an old run's journal; write it elsewhere.");
                }
                try (java.io.OutputStream file = new java.io.BufferedOutputStream(Files.newOutputStream(out,
                        java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE))) {
                    store.export(id, file);
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    throw new IllegalArgumentException("--out " + out + " exists; name a new file.", e);
                }
                System.err.println("Wrote the journal of run " + id + " to " + out + ".");
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "prune", mixinStandardHelpOptions = true,
            description = "Remove the runs whose last event is older than --older-than, with the journal files that hold them"
                    + " (a segment goes only with every run in it) and the payload files only they refer to; in a --journal store,"
                    + " only runs that ended. Export what you want to keep first.")
    static final class Prune implements Callable<Integer> {
        @Option(names = "--older-than", required = true, paramLabel = "AGE",
                description = "How old a run's last event must be: a number and a unit (30d, 12h, 90m), or ISO-8601 (P30D).")
        String olderThan;

        @Option(names = "--dry-run", description = "Only say what would be removed.")
        boolean dryRun;

        @picocli.CommandLine.Mixin
        RunsOption runsOption = new RunsOption();

        @Override
        public Integer call() {
            java.time.Instant before = java.time.Instant.now().minus(age(olderThan));
            String verb = dryRun ? "Would remove" : "Removed";
            List<String> runIds;
            String files = "";
            String from;
            if (runsOption.shared()) {
                try (JdbcJournalStore store = (JdbcJournalStore) runsOption.store()) {
                    runIds = store.prune(before, dryRun);
                    from = store.location("").replace(" (run )", "");
                }
            } else {
                LocalJournalStore.Pruned pruned;
                try (LocalJournalStore store = runsOption.localStore()) {
                    pruned = store.prune(before, dryRun);
                }
                runIds = pruned.runIds();
                files = " (" + pruned.files().size() + " file" + (pruned.files().size() == 1 ? "" : "s") + ")";
                from = runsOption.runs().toString();
                if (!dryRun) {   // a shared store's removals take their payloads themselves (RunsOption#store)
                    int payloads = RunPayloads.in(runsOption.runs()).remove(runIds);
                    from += payloads == 0 ? "" : ", and " + payloads + " payload file" + (payloads == 1 ? "" : "s") + " of theirs";
                }
            }
            runIds.forEach(id -> System.out.println(verb + " run " + TerminalText.line(id)));
            System.out.println(verb + " " + runIds.size() + " run" + (runIds.size() == 1 ? "" : "s") + files + " from " + from + ".");
            return ExitCodes.OK;
        }

        /** {@code 30d}, {@code 12h}, {@code 90m}, {@code 45s}, or an ISO-8601 duration; else one sentence saying what is expected. */
        static java.time.Duration age(String text) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9})([dhms])").matcher(text.strip());
            try {
                if (m.matches()) {
                    long n = Long.parseLong(m.group(1));
                    return switch (m.group(2)) {
                        case "d" -> java.time.Duration.ofDays(n);
                        case "h" -> java.time.Duration.ofHours(n);
                        case "m" -> java.time.Duration.ofMinutes(n);
                        default -> java.time.Duration.ofSeconds(n);
                    };
                }
                java.time.Duration parsed = java.time.Duration.parse(text.strip());
                if (!parsed.isNegative()) {
                    return parsed;
                }
            } catch (java.time.format.DateTimeParseException e) {
                // the sentence below says what is expected
            }
            throw new IllegalArgumentException("--older-than '" + text + "' is not an age: use a number and a unit (30d, 12h, 90m, 45s)"
                    + " or an ISO-8601 duration (P30D).");
        }
    }
}
