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

    /**
     * A model call: its chat request itself, or (from payload-refs version 1 on) {@code requestRef}, the request kept in
     * the {@link PayloadStore}, so the history holds a reference, not the whole transcript. {@code stream}: the run
     * streams, so the answer is streamed when the model can, its tokens to the journal store's live channel (false in
     * histories from before).
     */
    public record ModelCall(String runId, String stepPath, String agent, int turn, ModelRef model, ChatRequest request, String requestRef,
                            boolean stream) {
        public ModelCall(String runId, String stepPath, String agent, int turn, ModelRef model, ChatRequest request) {
            this(runId, stepPath, agent, turn, model, request, null, false);
        }

        public ModelCall(String runId, String stepPath, String agent, int turn, ModelRef model, ChatRequest request, String requestRef) {
            this(runId, stepPath, agent, turn, model, request, requestRef, false);
        }
    }

    /** {@code failure} is set (and {@code response} not) when the model cannot answer and retrying will not help. */
    public record ModelAnswer(ChatResponse response, String failure) {}

    /** Events as a record, so each keeps its type tag in JSON (a bare list would lose it). */
    public record Events(List<RunEvent> events) {
        public Events {
            events = List.copyOf(events);
        }
    }

    /**
     * One page of a run's journal, for a resume: events from a sequence number on, as many as fit {@code maxBytes} of
     * JSON (at least one), and whether the journal ends there. Each page is one local activity result, so each stays
     * far below Temporal's payload limit however long the journal is.
     */
    public record Page(List<RunEvent> events, boolean last) {
        public Page {
            events = List.copyOf(events);
        }

        /** The page of {@code journal} from {@code fromSeq} on. */
        public static Page of(List<RunEvent> journal, long fromSeq, int maxBytes) {
            List<RunEvent> page = new java.util.ArrayList<>();
            long bytes = 0;
            int i = 0;
            while (i < journal.size() && journal.get(i).seq() < fromSeq) {
                i++;
            }
            for (; i < journal.size(); i++) {
                long size = size(journal.get(i));
                if (!page.isEmpty() && bytes + size > maxBytes) {
                    return new Page(page, false);
                }
                page.add(journal.get(i));
                bytes += size;
            }
            return new Page(page, true);
        }

        private static long size(RunEvent event) {
            try {
                return ChatJson.mapper().writeValueAsBytes(event).length;
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("Cannot serialise event #" + event.seq() + ": " + e.getOriginalMessage(), e);
            }
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

        /** The directory this worker's tools work in (absolute), or {@code null}: what a run's run_started records. */
        @ActivityMethod(name = "Workspace")
        String workspace();
    }

    /** Keeps what is too large for the history beside the journals: a local activity, its argument left out of the history. */
    @ActivityInterface(namePrefix = "Cadre")
    public interface Payloads {
        /** Keeps {@code request}; its reference. */
        @ActivityMethod(name = "PutRequest")
        String putRequest(String runId, ChatRequest request);
    }

    /** The run's journal and its human gate: local activities, on the worker that runs the workflow task. */
    @ActivityInterface(namePrefix = "Cadre")
    public interface Journal {
        /** The run's journaled events (for a resume or a continue-as-new). */
        @ActivityMethod(name = "ReadJournal")
        Events read(String runId);

        /** A page of the run's journal from {@code fromSeq} on (for a resume from journal-pages version 1 on). */
        @ActivityMethod(name = "ReadJournalPage")
        Page readPage(String runId, long fromSeq);

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
