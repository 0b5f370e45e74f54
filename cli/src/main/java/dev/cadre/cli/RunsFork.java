package dev.cadre.cli;

import dev.cadre.api.RunHandle;
import dev.cadre.orchestrator.Fork;
import dev.cadre.orchestrator.RunOptions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cadre runs fork ID --at N [--edit-output STEP=TEXT] [--model AGENT=REF]}: a new run from a run's state at event N
 * (--model AGENT=REF comes with {@link RunSettings}).
 */
@Command(name = "fork", mixinStandardHelpOptions = true,
        description = "Start a new run from a run's state at event N (see `cadre runs show ID` for the numbers), with a step's"
                + " output edited or an agent's model swapped; what the journal holds up to N is reused, the rest runs.")
final class RunsFork implements Callable<Integer> {

    @Parameters(paramLabel = "ID", description = "The run to fork (it is not changed).")
    String id;

    @Option(names = "--at", required = true, paramLabel = "N", description = "The event to fork at: the fork keeps events 1 to N.")
    long at;

    @Option(names = "--edit-output", paramLabel = "STEP=TEXT", description = "Give step STEP (its path, e.g. review-loop/iteration-1/code)"
            + " this output instead of running it. Repeatable.")
    Map<String, String> editedOutputs = new LinkedHashMap<>();

    @picocli.CommandLine.Mixin
    RunSettings settings = new RunSettings();

    @Option(names = "--crew", description = "Fork with this crew file or built-in crew (default: the definition the journal recorded).")
    String crew;

    @Option(names = "--crew-changed", description = "Fork although --crew differs from the crew the run started with.")
    boolean crewChanged;

    @Option(names = "--trust-unverified", description = "Fork a journal that has no MAC chain (nothing proves Cadre wrote it).")
    boolean trustUnverified;

    @Option(names = "--workspace", description = "The directory the agents work in (default: the one the parent run worked in, which"
            + " its journal records; for journals that predate that, the current directory).")
    Path workspace;

    @Override
    public Integer call() {
        Fork change = Fork.none();
        for (Map.Entry<String, String> e : editedOutputs.entrySet()) change = change.editOutput(e.getKey(), e.getValue());
        for (Map.Entry<String, String> e : settings.agentModels().entrySet()) change = change.model(e.getKey(), e.getValue());
        RecordedCrew.Continued go = RecordedCrew.open(settings, id, crew, trustUnverified, workspace, false);
        RunHandle run = go.orchestrator().fork(id, at, change, go.file().crew(), RunOptions.DEFAULTS.withCrewSource(go.source())
                .withTrustUnverifiedJournal(trustUnverified).withCrewChanged(crewChanged).withWorkspace(go.workspace()));
        System.err.println("Run " + run.runId() + " is a fork of " + id + " at event " + at + ".");
        return Runs.follow(run, go.session(), settings.runsOption, System.out, System.err);
    }
}
