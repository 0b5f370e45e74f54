package dev.cadre.orchestrator.conformance;

import dev.cadre.api.HumanGate;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.Task;
import dev.cadre.api.Tool;
import dev.cadre.api.crew.Crew;
import dev.cadre.orchestrator.RunOptions;
import java.nio.file.Path;
import java.util.List;

/**
 * What the {@link DriverConformanceSuite} needs of a driver: run a crew on a task, resume a run by id, read a run's
 * journaled events, and cut a run's journal as a crash would. The local driver ({@link LocalCrewDriver}) runs on an
 * {@link dev.cadre.orchestrator.Orchestrator}; a Temporal driver implements the same four methods over its workers.
 */
public interface CrewDriver {

    /**
     * What a driver is made with: the models (a ScriptedModel in the suite), the tools agents may use, who decides
     * checkpoints, and a directory for the driver's state (journals) that outlives the driver, so a second driver made
     * over the same directory sees the first one's runs, as a restarted process would.
     */
    record Setup(ModelRegistry models, List<Tool> tools, HumanGate gate, Path store) {
        public Setup {
            tools = List.copyOf(tools);
        }
    }

    /** Starts {@code crew} on {@code task}; the suite always gives {@link RunOptions#runId()}. */
    RunHandle run(Crew crew, Task task, RunOptions options);

    /** Resumes a run from what was journaled for it (see {@code Orchestrator.resume}). */
    RunHandle resume(String runId, Crew crew, RunOptions options);

    /** The events journaled for a run so far, in journal order. */
    List<RunEvent> journal(String runId);

    /**
     * Leaves the first {@code events} events of an ended run's journal and drops the rest, as a crash right after the
     * {@code events}-th append would have; the suite then resumes the run with a new driver over the same store.
     */
    void cut(String runId, int events);
}
