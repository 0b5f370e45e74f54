package dev.cadre.mcp.internal;

import dev.cadre.api.CadreJson;
import dev.cadre.api.Checkpoint;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import dev.cadre.orchestrator.redaction.Redactor;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a crew call answers, on both protocol versions (2026-07-28 answers are these, converted): results and progress lines. */
public final class CrewResults {

    /** What a crew tool returns as structured content: the run's end, or the checkpoint it waits at. */
    public static final Map<String, Object> OUTPUT_SCHEMA = Map.of("type", "object",
            "properties", Map.of(
                    "runId", Map.of("type", "string", "description", "The run, also readable as the resource cadre://runs/{runId}"),
                    "status", Map.of("type", "string", "description", "SUCCEEDED, FAILED, CANCELLED, ... or WAITING_FOR_HUMAN"),
                    "output", Map.of("type", "string", "description", "The crew's final output"),
                    "reason", Map.of("type", "string", "description", "Why the run did not succeed"),
                    "usage", Map.of("type", "object", "description", "Tokens and cost of the run"),
                    "checkpoint", Map.of("type", "object", "description", "The checkpoint the run waits at (WAITING_FOR_HUMAN)")),
            "required", List.of("runId", "status"));

    private final Redactor redactor;

    public CrewResults(Redactor redactor) {
        this.redactor = redactor;
    }

    /** The run's end: its output as text, {runId, status, output, reason, usage} as structured content. */
    public McpSchema.CallToolResult finished(RunResult result) {
        Map<String, Object> structured = new LinkedHashMap<>();
        structured.put("runId", result.runId());
        structured.put("status", result.status().name());
        if (result.output() != null) structured.put("output", redactor.redact(result.output()));
        if (result.reason() != null) structured.put("reason", redactor.redact(result.reason()));
        structured.put("usage", CadreJson.mapper().convertValue(result.usage(), Map.class));
        String text = result.succeeded() ? result.output() : "Run " + result.runId() + " " + result.status().name().toLowerCase()
                + ": " + result.reason();
        return McpSchema.CallToolResult.builder().addTextContent(text == null ? "" : redactor.redact(text)).structuredContent(structured)
                .isError(!result.succeeded()).build();
    }

    /** The checkpoint the run waits at, for a client that answers it with cadre_checkpoint_resolve. */
    public McpSchema.CallToolResult waiting(RunHandle run, Checkpoint checkpoint) {
        Map<String, Object> structured = new LinkedHashMap<>();
        structured.put("runId", run.runId());
        structured.put("status", "WAITING_FOR_HUMAN");
        structured.put("checkpoint", CadreJson.mapper().convertValue(checkpoint, Map.class));
        String text = "Run " + run.runId() + " waits at checkpoint '" + checkpoint.id() + "': " + checkpoint.question()
                + (checkpoint.proposedOutput() == null ? "" : "\n\n" + checkpoint.proposedOutput())
                + "\n\nAnswer it with cadre_checkpoint_resolve (decision: approve, reject, edit or abort).";
        return McpSchema.CallToolResult.builder().addTextContent(text).structuredContent(structured).build();
    }

    /** A tool result with isError and one sentence. */
    public static McpSchema.CallToolResult error(String message) {
        return McpSchema.CallToolResult.builder().addTextContent(message).isError(true).build();
    }

    /** One readable line for a run event (progress notifications, logging). */
    public static String describe(RunEvent event) {
        String at = event.stepPath().isEmpty() ? "" : "[" + event.stepPath() + "] ";
        if (event instanceof RunEvent.RunStarted e) return "Run " + e.runId() + " started (crew " + e.crew() + ")";
        if (event instanceof RunEvent.StepStarted e) return at + (e.agent() != null ? e.agent() + " is working" : e.kind() + " started");
        if (event instanceof RunEvent.ModelRequested e) return at + e.agent() + " is thinking (" + e.model() + ")";
        if (event instanceof RunEvent.ModelResponded e) return at + e.agent() + " answered (" + e.usage().totalTokens() + " tokens)";
        if (event instanceof RunEvent.ToolCalled e) return at + e.agent() + " calls " + e.tool();
        if (event instanceof RunEvent.ToolReturned e) return at + e.tool() + (e.error() ? " failed" : " returned");
        if (event instanceof RunEvent.CheckpointRequested e) return at + "waiting for a decision: " + e.checkpoint().question();
        if (event instanceof RunEvent.CheckpointResolved e) return at + "decided: " + e.decision().kind();
        if (event instanceof RunEvent.BudgetWarning e) return at + "budget warning: " + e.limit();
        if (event instanceof RunEvent.StepFinished e) return at + "done" + (e.outcome() == null ? "" : " (" + e.outcome() + ")");
        if (event instanceof RunEvent.StepFailed e) return at + "failed: " + e.reason();
        if (event instanceof RunEvent.RunFinished) return "Run finished";
        if (event instanceof RunEvent.RunFailed e) return "Run failed: " + e.reason();
        if (event instanceof RunEvent.RunCancelled e) return "Run cancelled: " + e.reason();
        return event.getClass().getSimpleName();
    }
}
