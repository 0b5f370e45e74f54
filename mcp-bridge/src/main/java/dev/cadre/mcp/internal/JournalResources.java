package dev.cadre.mcp.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.orchestrator.journal.JournalIntegrity;
import dev.cadre.orchestrator.journal.JournalStore;
import dev.cadre.orchestrator.redaction.Redactor;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Run journals as MCP resources: the template {@code cadre://runs/{id}} read from the journal store (redacted, with
 * a second part when its integrity check fails), and {@code resources/list} answered from {@link RunResources}, paged.
 */
public final class JournalResources {

    private static final Logger log = LoggerFactory.getLogger(JournalResources.class);
    private static final Pattern RUN_URI = Pattern.compile("cadre://runs/(" + dev.cadre.orchestrator.RunOptions.RUN_ID.pattern() + ")");

    private final JournalStore store;
    private final Redactor redactor;
    private final RunResources list;

    public JournalResources(JournalStore store, Redactor redactor, RunResources list) {
        this.store = store;
        this.redactor = redactor;
        this.list = list;
    }

    /** The resource template of the run journals. */
    public McpServerFeatures.AsyncResourceTemplateSpecification template() {
        return new McpServerFeatures.AsyncResourceTemplateSpecification(
                McpSchema.ResourceTemplate.builder("cadre://runs/{id}", "run-journal").title("Run journal")
                        .description("A run's journal: its events as JSON Lines").mimeType("application/x-ndjson").build(),
                (exchange, request) -> read(request.uri()));
    }

    private Mono<McpSchema.ReadResourceResult> read(String uri) {
        return Mono.fromCallable(() -> {
            Matcher m = RUN_URI.matcher(URLDecoder.decode(uri, StandardCharsets.UTF_8));
            if (!m.matches()) {
                throw new McpError(new McpSchema.JSONRPCResponse.JSONRPCError(McpSchema.ErrorCodes.INVALID_PARAMS,
                        "Resource '" + uri + "' is not a run journal (cadre://runs/<run-id>).", null));
            }
            String runId = m.group(1);
            if (!store.contains(runId)) {
                throw new McpError(new McpSchema.JSONRPCResponse.JSONRPCError(McpSchema.ErrorCodes.RESOURCE_NOT_FOUND,
                        "There is no run '" + runId + "'.", Map.of("uri", uri)));
            }
            ByteArrayOutputStream lines = new ByteArrayOutputStream();
            store.export(runId, lines);   // the journal's lines as written, wherever the store keeps them
            McpSchema.TextResourceContents journal = new McpSchema.TextResourceContents(uri, "application/x-ndjson",
                    redactor.redact(lines.toString(StandardCharsets.UTF_8)));
            JournalIntegrity integrity = store.read(runId).integrity();
            if (integrity.isIntact()) {
                return new McpSchema.ReadResourceResult(List.of(journal));
            }
            // flagged: a second, plain-text part says what is wrong (the journal itself stays JSON Lines)
            return new McpSchema.ReadResourceResult(List.of(journal, new McpSchema.TextResourceContents(uri + "#integrity", "text/plain",
                    redactor.redact(integrity.describe("cadre://runs/" + m.group(1))))));
        }).subscribeOn(Schedulers.boundedElastic());
    }

    /** The whole JSON-RPC response to a 2025-11-25 {@code resources/list}: the run journals in the runs directory, paged. */
    public String list(JsonNode id, JsonNode params) {
        JsonNode cursor = params == null ? null : params.get("cursor");
        try {
            return InboundMessages.resultResponse(id, list.page(cursor == null || cursor.isNull() ? null : cursor.asText()));
        } catch (IllegalArgumentException e) {
            return InboundMessages.errorResponse(id, InboundMessages.INVALID_PARAMS, "Invalid params for resources/list: " + e.getMessage());
        } catch (RuntimeException e) {
            log.warn("resources/list failed", e);
            return InboundMessages.errorResponse(id, -32603, "Cannot list the runs: " + e.getMessage());
        }
    }
}
