package dev.cadre.cli;

import dev.cadre.api.CrewSource;
import dev.cadre.api.RunEvent;
import dev.cadre.personas.BuiltInCrews;
import dev.cadre.api.ModelRegistry;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.orchestrator.journal.JournalStore;
import dev.cadre.orchestrator.journal.StoredJournal;
import dev.cadre.orchestrator.journal.RunsDirectory;
import dev.cadre.personas.CrewFile;
import dev.cadre.personas.PersonaLibrary;
import dev.cadre.tools.Workspace;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The crew a run goes on with (resume, fork): {@code --crew} when given (the orchestrator compares it with the recorded
 * one), else the definition the journal recorded, else (journals from before it was recorded) a built-in crew of that
 * name. Never a file in the current directory named by the journal.
 */
final class RecordedCrew {

    private RecordedCrew() {}

    /** What going on with a journaled run needs: its crew as recorded (or as --crew says), the session and the orchestrator. */
    record Continued(CrewSource source, CrewFile file, Runs.Session session, Orchestrator orchestrator, Path workspace,
                     OutputFiles outputFiles, ModelRegistry models) {}

    /**
     * Opens run {@code runId} to go on with it. {@code workspaceOption} is --workspace or {@code null}: the run works in
     * the workspace its journal recorded; with {@code sameWorkspace} (a resume) --workspace may only repeat it, else (a
     * fork, a new run) it may name another. Journals that predate the record work in --workspace or the current directory.
     */
    static Continued open(RunSettings settings, String runId, String crewOption, boolean trustUnverified, Path workspaceOption,
                          boolean sameWorkspace) {
        if (workspaceOption != null) {
            RunsDirectory.requireOutside(settings.runs(), workspaceOption);
        }
        StoredJournal stored;
        try (JournalStore store = settings.runsOption.store()) {
            stored = store.read(runId).requireVerified(trustUnverified);
        }
        String journal = stored.location();
        List<RunEvent> events = stored.events();
        if (events.isEmpty() || !(events.get(0) instanceof RunEvent.RunStarted started)) {
            throw new IllegalArgumentException("Run '" + runId + "' has no readable start in " + journal + ".");
        }
        Path workspace = workspace(runId, started, workspaceOption, sameWorkspace);
        RunsDirectory.requireOutside(settings.runs(), workspace);
        Map<String, String> env = System.getenv();
        CrewSource source = of(crewOption, started, journal, runId);
        CrewFile file = Runs.loadCrew(source, PersonaLibrary.builtIn(), Workspace.at(workspace), List.of());
        ModelRegistry models = ModelConfig.registry(env, settings.model());
        Runs.requireModels(file.crew(), models, env);
        Runs.Session session = Runs.session(System.out, settings.json, settings.yes);
        Map<String, String> inputs = new java.util.LinkedHashMap<>(file.inputs());
        inputs.putAll(started.task().inputs());
        return new Continued(source, file, session, Runs.orchestrator(models, env, settings.runsOption, session.gate()), workspace,
                OutputFiles.check(file, Workspace.at(workspace), inputs), models);
    }

    private static Path workspace(String runId, RunEvent.RunStarted started, Path option, boolean sameWorkspace) {
        if (started.workspace() == null || (option != null && !sameWorkspace)) {
            Path chosen = option != null ? option : Path.of(".");
            Runs.requireWorkspace(chosen);
            return chosen;
        }
        Path recorded = Path.of(started.workspace());
        if (option != null && !option.toAbsolutePath().normalize().equals(recorded)) {
            throw new IllegalArgumentException("Run '" + runId + "' works in " + recorded + ", not in " + option.toAbsolutePath().normalize()
                    + "; resume it without --workspace.");
        }
        if (!java.nio.file.Files.isDirectory(recorded)) {
            throw new IllegalArgumentException("Run '" + runId + "' works in " + recorded + ", which does not exist any more.");
        }
        return recorded;
    }

    static CrewSource of(String crewOption, RunEvent.RunStarted started, String journal, String runId) {
        if (crewOption != null) {
            return Runs.crewSource(crewOption);
        }
        CrewSource recorded = started.crewSource();
        if (recorded != null) {
            if (!recorded.matchesDigest()) {
                throw new IllegalArgumentException("The crew definition recorded in " + journal + " does not match its digest.");
            }
            return recorded;
        }
        if (BuiltInCrews.contains(started.crew())) {
            return Runs.crewSource(started.crew());
        }
        throw new IllegalArgumentException("Run '" + runId + "' was started with crew '" + started.crew() + "', but its journal "
                + journal + " does not record the crew's definition (it predates that); name the crew file it started with: --crew FILE.");
    }
}
