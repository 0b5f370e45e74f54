package dev.cadre.orchestrator.internal.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.Checkpoint;
import dev.cadre.api.ModelRef;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolContext;
import dev.cadre.api.Usage;
import dev.cadre.orchestrator.internal.RunRecorder;
import dev.langchain4j.model.chat.request.ChatRequest;
import java.time.Instant;

/**
 * What the core tells its driver to do, in order. Every command that asks for a result carries a stable key (step
 * path, turn, call id; a checkpoint's id), and its result comes back as an {@link Input} with the same key.
 */
public sealed interface Command {

    /** Journal and publish an event the core decided (the driver gives it its sequence number and time). */
    record Record(RunRecorder.EventFactory<? extends RunEvent> event) implements Command {}

    /** Call a model; the answer comes back as {@link Input.ModelAnswered} or {@link Input.ModelFailed}. */
    record CallModel(String key, String stepPath, String agent, int turn, ModelRef model, ChatRequest request)
            implements Command {}

    /**
     * Call a tool; the result comes back as {@link Input.ToolDone}. {@code recover}: the journal shows the call was
     * started before a crash, so {@link Tool#recoverInterruptedCall} is asked first.
     */
    record CallTool(String key, Tool tool, JsonNode arguments, ToolContext context, boolean recover) implements Command {}

    /** Ask a human (through the gate and the run handle); the decision comes back as {@link Input.Decided}. */
    record AskHuman(Checkpoint checkpoint) implements Command {}

    /** A checkpoint was decided: it is no longer pending. */
    record CheckpointClosed(String checkpointId) implements Command {}

    /** Fire {@link Input.TimerFired} with this id at {@code at}. */
    record StartTimer(String id, Instant at) implements Command {}

    /** A step's output, for the run's result (kept even when the run later fails). */
    record StepOutput(String stepPath, String output, String outcome) implements Command {}

    /** The run is over: the driver journals its last event and completes the handle. */
    record EndRun(RunStatus status, String output, String reason, Usage usage) implements Command {}
}
