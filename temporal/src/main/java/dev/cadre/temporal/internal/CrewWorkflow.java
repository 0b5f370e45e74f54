package dev.cadre.temporal.internal;

import dev.cadre.api.Checkpoint;
import dev.cadre.api.Decision;
import dev.cadre.api.RunResult;
import dev.cadre.api.Task;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;
import java.util.Map;

/** One Cadre run as a Temporal workflow; its workflow id is the run id. */
@WorkflowInterface
public interface CrewWorkflow {

    /**
     * What a run is started or resumed with: the crew by name (crews are code every worker registers, as workflows
     * are), the task and options as data. {@code resume}: the run's journal already exists; go on from it. {@code toolQueue}: the task queue of the
     * worker that holds the run's workspace (tool calls go there), or {@code null} for the workflow's own. {@code crewSource}:
     * the definition the crew was loaded from, journaled in the run's start as a local run's is (so the run resumes
     * with it, without naming the crew again), or {@code null} (a crew made in Java; histories from before it was kept).
     * {@code streaming}: model answers are streamed where the model can, tokens live to the run's subscribers (never
     * into the history or the journal); false in histories from before.
     */
    record Start(String runId, String crew, Task task, Map<String, String> context, int maxOutputRetries, boolean resume,
                 String toolQueue, dev.cadre.api.CrewSource crewSource, boolean streaming) {

        public Start(String runId, String crew, Task task, Map<String, String> context, int maxOutputRetries, boolean resume,
                     String toolQueue, dev.cadre.api.CrewSource crewSource) {
            this(runId, crew, task, context, maxOutputRetries, resume, toolQueue, crewSource, false);
        }

        public Start(String runId, String crew, Task task, Map<String, String> context, int maxOutputRetries, boolean resume,
                     String toolQueue) {
            this(runId, crew, task, context, maxOutputRetries, resume, toolQueue, null);
        }
    }

    @WorkflowMethod(name = "CadreRun")
    RunResult run(Start start);

    /** Answers a pending checkpoint; returns the decision taken. */
    @UpdateMethod(name = "decide")
    Decision decide(String checkpointId, Decision decision);

    /** Refuses a decision for a checkpoint the run is not waiting on (stale, already decided, or unknown). */
    @UpdateValidatorMethod(updateName = "decide")
    void validateDecide(String checkpointId, Decision decision);

    @QueryMethod(name = "pending")
    List<Checkpoint> pending();

    /**
     * Sends the run's tool calls to {@code toolQueue} from now on (its workspace moved to the host whose worker polls
     * it), and the calls waiting on the old queue again there; returns the old queue.
     */
    @UpdateMethod(name = "moveWorkspace")
    String moveWorkspace(String toolQueue);

    /** Refuses a move to no queue, to the queue the run already uses, or of a run that is not running. */
    @UpdateValidatorMethod(updateName = "moveWorkspace")
    void validateMoveWorkspace(String toolQueue);

    /** The task queue the run's tool calls go to now. */
    @QueryMethod(name = "toolQueue")
    String toolQueue();

    /**
     * The run's result once it ended, else {@code null}: Temporal reports a cancelled workflow as cancelled whatever it
     * returned, so a client asks for the result of a cancelled run this way.
     */
    @QueryMethod(name = "result")
    RunResult result();
}
