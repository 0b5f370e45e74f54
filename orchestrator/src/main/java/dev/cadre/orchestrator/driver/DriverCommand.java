package dev.cadre.orchestrator.driver;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.Checkpoint;
import dev.cadre.api.ModelRef;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunResult;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import java.time.Instant;

/**
 * What a {@link RunCore} tells its driver to do, in order. A command that asks for a result carries a stable key (step
 * path, turn, call id; a checkpoint's id); its result goes back to {@link RunCore#accept} as a {@link DriverInput}
 * with the same key.
 *
 * <p>The public twin of the core's internal commands (which carry event factories of the local recorder): a driver outside
 * the orchestrator gets finished events, and {@link End} carries the run's result.
 */
public sealed interface DriverCommand {

    /**
     * Journal, then publish, this event: it is numbered, timed and redacted already, and the journal the core was made
     * with does not hold it yet. Journal it before executing the commands that follow it.
     */
    record Record(RunEvent event) implements DriverCommand {}

    /** Call a model; answer with {@link DriverInput.ModelAnswered} or {@link DriverInput.ModelFailed}. */
    record CallModel(String key, String stepPath, String agent, int turn, ModelRef model, ChatRequest request)
            implements DriverCommand {}

    /**
     * Call a tool; answer with {@link DriverInput.ToolDone}. {@code recover}: the journal shows the call started before a
     * crash, so ask {@link Tool#recoverInterruptedCall} first.
     */
    record CallTool(String key, Tool tool, JsonNode arguments, ToolContext context, boolean recover) implements DriverCommand {}

    /** Ask a human (a gate, the run's handle); answer with {@link DriverInput.Decided}. */
    record AskHuman(Checkpoint checkpoint) implements DriverCommand {}

    /** A checkpoint was decided (or timed out): it is no longer pending; stop asking for it. */
    record CheckpointClosed(String checkpointId) implements DriverCommand {}

    /** Answer with {@link DriverInput.TimerFired} of this id at {@code at}. */
    record StartTimer(String id, Instant at) implements DriverCommand {}

    /** The run is over (its last event came just before, as a {@link Record}); nothing more will be asked. */
    record End(RunResult result) implements DriverCommand {}
}
