package dev.cadre.personas;

import dev.cadre.api.crew.Crew;
import dev.cadre.orchestrator.conformance.CrewDriver;
import dev.cadre.orchestrator.conformance.LocalCrewDriver;
import dev.cadre.orchestrator.conformance.SampleCrewsConformance;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.tools.StandardTools;
import dev.cadre.tools.Workspace;
import java.nio.file.Path;

/** The built-in crews, loaded from their YAML with the workspace tools, pass the sample-crew conformance suite locally. */
class LocalSampleCrewsConformanceTest extends SampleCrewsConformance {

    private final JournalKey key = JournalKey.generate();

    @Override
    protected CrewDriver newDriver(CrewDriver.Setup setup) {
        return new LocalCrewDriver(setup, key);
    }

    @Override
    protected Crew sampleCrew(String name, Path root) {
        Workspace workspace = Workspace.at(root);
        CrewLoader loader = CrewLoader.of(PersonaLibrary.builtIn(), StandardTools.forWorkspace(workspace))
                .withCommandTool(commands -> StandardTools.commandRunner(workspace, commands))
                .withExecutedFiles(StandardTools::withExecutedFiles);
        return BuiltInCrews.load(name, loader).crew();
    }
}
