package dev.cadre.temporal.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.Checkpoint;
import dev.cadre.api.ModelRef;
import dev.cadre.api.RunEvent;
import dev.cadre.api.ToolContext;
import dev.cadre.api.ToolResult;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/** The activities of a Cadre run: the work the core asks for, outside the workflow's deterministic code. */
public final class RunActivities {

    private RunActivities() {}

    /** A model call; {@code failure} is set (and {@code response} not) when the model cannot answer and retrying will not help. */
    public record ModelCall(String runId, String stepPath, String agent, int turn, ModelRef model, ChatRequest request) {}

    public record ModelAnswer(ChatResponse response, String failure) {}

    /** Events as a record, so each keeps its type tag in JSON (a bare list would lose it). */
    public record Events(List<RunEvent> events) {
        public Events {
            events = List.copyOf(events);
        }
    }

    public record ToolCall(String tool, JsonNode arguments, ToolContext context, boolean recover) {}

    /** Model calls: on any worker (the shared task queue). */
    @ActivityInterface(namePrefix = "Cadre")
    public interface Models {
        @ActivityMethod(name = "CallModel")
        ModelAnswer call(ModelCall call);
    }

    /** Tool calls: on a worker that has the tools (and their workspace): the workspace's task queue. */
    @ActivityInterface(namePrefix = "Cadre")
    public interface Tools {
        @ActivityMethod(name = "CallTool")
        ToolResult call(ToolCall call);
    }

    /** The run's journal and its human gate: local activities, on the worker that runs the workflow task. */
    @ActivityInterface(namePrefix = "Cadre")
    public interface Journal {
        /** The run's journaled events (for a resume or a continue-as-new). */
        @ActivityMethod(name = "ReadJournal")
        Events read(String runId);

        /** Appends events; those whose sequence number the journal already holds (a retried append) are skipped. */
        @ActivityMethod(name = "AppendJournal")
        void append(String runId, Events events);

        /** Asks the worker's human gate about a checkpoint; its answer comes back as a decide update. Returns at once. */
        @ActivityMethod(name = "AskGate")
        void ask(Checkpoint checkpoint);

        /** The checkpoint is no longer pending: stop asking the gate. */
        @ActivityMethod(name = "CloseGate")
        void closed(String runId, String checkpointId);
    }
}
