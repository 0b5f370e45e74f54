package dev.cadre.cli;

import dev.cadre.api.CrewSource;
import dev.cadre.api.RunEvent;
import dev.cadre.personas.BuiltInCrews;
import dev.cadre.api.ModelRegistry;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.orchestrator.journal.JournalReader;
import dev.cadre.orchestrator.journal.JournalWriter;
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
    record Continued(CrewSource source, CrewFile file, Runs.Session session, Orchestrator orchestrator) {}

    static Continued open(RunSettings settings, String runId, String crewOption, boolean trustUnverified, Path workspace) {
        RunsDirectory.requireOutside(settings.runs(), workspace);
        Path journal = JournalWriter.fileFor(settings.runs(), runId);
        List<RunEvent> events = JournalReader.read(journal).requireVerified(trustUnverified).events();
        if (events.isEmpty() || !(events.get(0) instanceof RunEvent.RunStarted started)) {
            throw new IllegalArgumentException("Run '" + runId + "' has no readable start in " + journal + ".");
        }
        Map<String, String> env = System.getenv();
        CrewSource source = of(crewOption, started, journal, runId);
        CrewFile file = Runs.loadCrew(source, PersonaLibrary.builtIn(), Workspace.at(workspace), List.of());
        ModelRegistry models = ModelConfig.registry(env, settings.model());
        Runs.requireModels(file.crew(), models);
        Runs.Session session = Runs.session(System.out, settings.json, settings.yes);
        return new Continued(source, file, session, Runs.orchestrator(models, env, settings.runs(), session.gate()));
    }

    static CrewSource of(String crewOption, RunEvent.RunStarted started, Path journal, String runId) {
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
