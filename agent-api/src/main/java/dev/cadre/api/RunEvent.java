package dev.cadre.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;
import java.util.List;

/**
 * Something that happened in a run. Serialised as JSON with a {@code type} tag; every event carries the run id, the
 * step path (e.g. {@code debate/round-2/skeptic}; empty for the run itself), a sequence number that starts at 1 and
 * has no gaps within a run, and a timestamp. Events are journaled before they are published.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = RunEvent.RunStarted.class, name = "run_started"),
        @JsonSubTypes.Type(value = RunEvent.RunFinished.class, name = "run_finished"),
        @JsonSubTypes.Type(value = RunEvent.RunFailed.class, name = "run_failed"),
        @JsonSubTypes.Type(value = RunEvent.RunCancelled.class, name = "run_cancelled"),
        @JsonSubTypes.Type(value = RunEvent.StepStarted.class, name = "step_started"),
        @JsonSubTypes.Type(value = RunEvent.StepFinished.class, name = "step_finished"),
        @JsonSubTypes.Type(value = RunEvent.StepFailed.class, name = "step_failed"),
        @JsonSubTypes.Type(value = RunEvent.ModelRequested.class, name = "model_requested"),
        @JsonSubTypes.Type(value = RunEvent.ModelResponded.class, name = "model_responded"),
        @JsonSubTypes.Type(value = RunEvent.TokenStreamed.class, name = "token_streamed"),
        @JsonSubTypes.Type(value = RunEvent.ToolCalled.class, name = "tool_called"),
        @JsonSubTypes.Type(value = RunEvent.ToolReturned.class, name = "tool_returned"),
        @JsonSubTypes.Type(value = RunEvent.CheckpointRequested.class, name = "checkpoint_requested"),
        @JsonSubTypes.Type(value = RunEvent.CheckpointResolved.class, name = "checkpoint_resolved"),
        @JsonSubTypes.Type(value = RunEvent.BudgetWarning.class, name = "budget_warning"),
        @JsonSubTypes.Type(value = RunEvent.RateLimitWait.class, name = "rate_limit_wait"),
})
public sealed interface RunEvent {

    String runId();

    String stepPath();

    long seq();

    Instant timestamp();

    /** Whether this event ends its run: {@link RunFinished}, {@link RunFailed} or {@link RunCancelled}. */
    @JsonIgnore
    default boolean isTerminal() {
        return this instanceof RunFinished || this instanceof RunFailed || this instanceof RunCancelled;
    }

    /** A message sent to the model, reduced to what an audit needs. */
    record PromptMessage(String role, String text) {}

    /** A tool call the model asked for; {@code arguments} is the raw JSON the model wrote. */
    record ToolCall(String id, String name, String arguments) {}

    /**
     * The run began: the crew's name and the task it was given (kept whole, so the run can be resumed), the crew's
     * definition when it was loaded from one ({@code null} otherwise, and in journals written before it was kept), for
     * a fork the run it was forked from and what changed ({@code null} for a run started afresh), and the schema
     * version of the run's events ({@link #CURRENT_SCHEMA} for runs started now). A journal written before versions
     * were kept has no {@code schemaVersion} and reads as {@link #FIRST_SCHEMA}; an engine refuses to resume a journal
     * whose version is newer than its own. {@code workspace} is the directory its tools work in, as an absolute path,
     * when the caller gave one ({@code null} otherwise, and in journals written before it was kept): a resume works there.
     */
    record RunStarted(String runId, String stepPath, long seq, Instant timestamp, String crew, Task task, CrewSource crewSource,
                      @JsonInclude(JsonInclude.Include.NON_NULL) ForkedFrom forkedFrom, int schemaVersion,
                      @JsonInclude(JsonInclude.Include.NON_NULL) String workspace) implements RunEvent {
        /** The version of journals written before the version was kept (the engine before the deterministic core). */
        public static final int FIRST_SCHEMA = 1;
        /** The version of the events this code writes. */
        public static final int CURRENT_SCHEMA = 2;

        public RunStarted {
            if (schemaVersion == 0) {
                schemaVersion = FIRST_SCHEMA; // absent from the JSON: written before versions were kept
            }
            if (schemaVersion < 0) {
                throw new IllegalArgumentException("A run_started event has schemaVersion " + schemaVersion + ": it must be 1 or more.");
            }
        }

        /** A run or fork with the given schema version, its workspace not recorded. */
        public RunStarted(String runId, String stepPath, long seq, Instant timestamp, String crew, Task task, CrewSource crewSource,
                          ForkedFrom forkedFrom, int schemaVersion) {
            this(runId, stepPath, seq, timestamp, crew, task, crewSource, forkedFrom, schemaVersion, null);
        }

        /** A run started now, by this code: {@link #CURRENT_SCHEMA}. */
        public RunStarted(String runId, String stepPath, long seq, Instant timestamp, String crew, Task task, CrewSource crewSource) {
            this(runId, stepPath, seq, timestamp, crew, task, crewSource, null, CURRENT_SCHEMA);
        }

        /** A fork started now, by this code. */
        public RunStarted(String runId, String stepPath, long seq, Instant timestamp, String crew, Task task, CrewSource crewSource,
                          ForkedFrom forkedFrom) {
            this(runId, stepPath, seq, timestamp, crew, task, crewSource, forkedFrom, CURRENT_SCHEMA);
        }

        /** A run (not a fork) with the given schema version. */
        public RunStarted(String runId, String stepPath, long seq, Instant timestamp, String crew, Task task, CrewSource crewSource,
                          int schemaVersion) {
            this(runId, stepPath, seq, timestamp, crew, task, crewSource, null, schemaVersion);
        }

        /** A run started now, by this code, from a crew built in code. */
        public RunStarted(String runId, String stepPath, long seq, Instant timestamp, String crew, Task task) {
            this(runId, stepPath, seq, timestamp, crew, task, null, null, CURRENT_SCHEMA);
        }
    }

    /** The run succeeded with {@code output}. */
    record RunFinished(String runId, String stepPath, long seq, Instant timestamp, String output, Usage usage)
            implements RunEvent {}

    /** The run failed; {@code reason} is one sentence naming what went wrong and where. */
    record RunFailed(String runId, String stepPath, long seq, Instant timestamp, String reason, Usage usage)
            implements RunEvent {}

    /** The run was cancelled; finished steps' outputs are kept. */
    record RunCancelled(String runId, String stepPath, long seq, Instant timestamp, String reason, Usage usage)
            implements RunEvent {}

    /** A step began: an agent working on a task ({@code agent} set), or a composite step of a pattern. */
    record StepStarted(String runId, String stepPath, long seq, Instant timestamp, String agent, String kind,
                       String description) implements RunEvent {}

    /**
     * A step produced its output. {@code outcome} says how a composite step ended ("converged after 2 iterations",
     * "majority 2 of 3"); {@code null} for an agent's step.
     */
    record StepFinished(String runId, String stepPath, long seq, Instant timestamp, String output, Usage usage,
                        String outcome) implements RunEvent {}

    /** A step failed. */
    record StepFailed(String runId, String stepPath, long seq, Instant timestamp, String reason, Usage usage)
            implements RunEvent {}

    /**
     * A model call went out. {@code newMessages} are the messages added since the agent's previous call in this
     * step (the whole prompt on the first call), so a journal holds each message once.
     */
    record ModelRequested(String runId, String stepPath, long seq, Instant timestamp, String agent, String model,
                          int turn, List<PromptMessage> newMessages, List<String> tools) implements RunEvent {}

    /** A model call came back. {@code usage} holds this call's tokens and cost. */
    record ModelResponded(String runId, String stepPath, long seq, Instant timestamp, String agent, String model,
                          int turn, String text, List<ToolCall> toolCalls, String finishReason, Usage usage,
                          boolean cached) implements RunEvent {}

    /** A piece of a streamed answer. */
    record TokenStreamed(String runId, String stepPath, long seq, Instant timestamp, String agent, String token)
            implements RunEvent {}

    /** A tool call is about to run (journaled before the call: its intent survives a crash). */
    record ToolCalled(String runId, String stepPath, long seq, Instant timestamp, String agent, int turn,
                      String callId, String tool, String arguments) implements RunEvent {}

    /**
     * A tool call returned; {@code error} when the model was told it failed, {@code cached} when an idempotent
     * tool's earlier result was reused.
     */
    record ToolReturned(String runId, String stepPath, long seq, Instant timestamp, String agent, int turn,
                        String callId, String tool, String result, boolean error, boolean cached) implements RunEvent {}

    /** The run stopped at a checkpoint. */
    record CheckpointRequested(String runId, String stepPath, long seq, Instant timestamp, Checkpoint checkpoint)
            implements RunEvent {}

    /** A checkpoint was decided. */
    record CheckpointResolved(String runId, String stepPath, long seq, Instant timestamp, String checkpointId,
                              Decision decision) implements RunEvent {}

    /** A budget limit passed its warning threshold. */
    record BudgetWarning(String runId, String stepPath, long seq, Instant timestamp, String limit, double used,
                         double max) implements RunEvent {}

    /**
     * A model call waits for its model's shared rate limit (a live event, like a streamed token: not journaled, so it
     * carries the sequence number of the last journaled event). {@code reason} says which limit ("requests per minute",
     * "tokens per minute", "the provider asked to wait"), {@code expectedWaitMillis} how long the wait looks from now,
     * {@code waitingAhead} how many calls to this model wait before it, across all runs.
     */
    record RateLimitWait(String runId, String stepPath, long seq, Instant timestamp, String agent, String model,
                         String reason, long expectedWaitMillis, int waitingAhead) implements RunEvent {}
}
