package dev.cadre.cli;

import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.journal.JournalReader;
import dev.cadre.api.journal.JournalWriter;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.orchestrator.RunOptions;
import dev.cadre.personas.CrewFile;
import dev.cadre.personas.PersonaLibrary;
import dev.cadre.tools.Workspace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cadre runs list | show ID | resume ID}. */
@Command(name = "runs", mixinStandardHelpOptions = true, description = "List, show and resume runs from their journals.",
        subcommands = {RunsCommand.ListRuns.class, RunsCommand.Show.class, RunsCommand.Resume.class})
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
            Path runs = runsOption.runs();
            if (!Files.isDirectory(runs)) {
                System.out.println("No runs in " + runs + ".");
                return ExitCodes.OK;
            }
            List<Path> journals;
            try (Stream<Path> files = Files.list(runs)) {
                journals = files.filter(f -> f.toString().endsWith(".jsonl")).sorted(java.util.Comparator.reverseOrder()).toList();
            }
            for (Path journal : journals) {
                List<RunEvent> events = JournalReader.read(journal).events();
                if (events.isEmpty() || !(events.get(0) instanceof RunEvent.RunStarted started)) {
                    continue;
                }
                RunEvent last = events.get(events.size() - 1);
                String status = last instanceof RunEvent.RunFinished ? "succeeded" : last instanceof RunEvent.RunFailed ? "failed"
                        : last instanceof RunEvent.RunCancelled ? "cancelled"
                        : events.stream().anyMatch(e -> e instanceof RunEvent.CheckpointRequested) ? "waiting or interrupted" : "interrupted";
                System.out.println(String.format("%-26s %-16s %-24s %s", started.runId(), started.crew(), status,
                        EventPrinter.clip(started.task().renderedDescription())));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a run from its journal.")
    static final class Show implements Callable<Integer> {
        @Parameters(paramLabel = "ID")
        String id;

        @picocli.CommandLine.Mixin
        RunsOption runsOption = new RunsOption();

        @Override
        public Integer call() {
            ReplayCommand replay = new ReplayCommand();
            replay.journal = JournalWriter.fileFor(runsOption.runs(), id);
            return replay.call();
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume an interrupted run, or one waiting at a checkpoint.")
    static final class Resume implements Callable<Integer> {
        @Parameters(paramLabel = "ID")
        String id;

        @picocli.CommandLine.Mixin
        RunSettings settings = new RunSettings();

        @Option(names = "--crew", description = "The crew file the run was started with (default: the built-in crew of that name).")
        String crew;

        @Option(names = "--workspace", description = "The directory the agents work in (default: the current directory).")
        Path workspace = Path.of(".");


        @Override
        public Integer call() {
            dev.cadre.api.journal.RunsDirectory.requireOutside(settings.runs(), workspace);
            List<RunEvent> events = JournalReader.read(JournalWriter.fileFor(settings.runs(), id)).events();
            if (events.isEmpty() || !(events.get(0) instanceof RunEvent.RunStarted started)) {
                throw new IllegalArgumentException("Run '" + id + "' has no readable start in " + JournalWriter.fileFor(settings.runs(), id) + ".");
            }
            Map<String, String> env = System.getenv();
            CrewFile file = Runs.loadCrew(crew != null ? crew : started.crew(), PersonaLibrary.builtIn(), Workspace.at(workspace), List.of());
            ModelRegistry models = ModelConfig.registry(env, settings.model);
            Runs.requireModels(file.crew(), models);
            Runs.Session session = Runs.session(System.out, settings.json, settings.yes);
            Orchestrator orchestrator = Runs.orchestrator(models, env, settings.runs(), session.gate());
            RunHandle run = orchestrator.resume(id, file.crew(), RunOptions.DEFAULTS);
            return Runs.follow(run, session, settings.runs(), System.out, System.err);
        }
    }
}
