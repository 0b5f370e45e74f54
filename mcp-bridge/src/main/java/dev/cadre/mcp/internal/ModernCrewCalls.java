package dev.cadre.mcp.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.api.CadreJson;
import dev.cadre.api.Checkpoint;
import dev.cadre.api.Decision;
import dev.cadre.api.HumanGate;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.Task;
import dev.cadre.mcp.McpServerConfig;
import dev.cadre.personas.CrewFile;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.modern.McpSchema;
import io.modelcontextprotocol.modern.server.InputResponses;
import io.modelcontextprotocol.modern.server.McpAsyncResponse;
import io.modelcontextprotocol.modern.server.McpRequestContext;
import io.modelcontextprotocol.modern.server.feature.McpAsyncTool;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * A crew as a tool on MCP 2026-07-28, where the server asks the client nothing mid-request: a call that reaches a
 * checkpoint returns {@code input_required} with the checkpoint as a form ({@code inputRequests.checkpoint}) and the
 * run id and checkpoint id in {@code requestState} (sealed by the SDK with a key kept beside the journals, so it
 * outlives the process); the client's retry with {@code inputResponses} decides the checkpoint and carries on. A retry
 * that reaches a server that does not have the run resumes it from its journal. A client that cannot fill forms gets
 * the run's id and checkpoint as a result, for {@code cadre_checkpoint_resolve}, as on 2025-11-25. A request that
 * declares the tasks extension ({@link TasksExtension}) gets a task at once instead, its checkpoints as the task's
 * input requests.
 */
public final class ModernCrewCalls {

    /** The key of the checkpoint's form in {@code inputRequests} and {@code inputResponses}. */
    public static final String INPUT = "checkpoint";

    private final McpServerConfig config;
    private final CrewCatalog catalog;
    private final CrewRuns runs;
    private final CrewResults results;
    private final McpJsonMapper json;
    private final ToolTasks tasks;

    public ModernCrewCalls(McpServerConfig config, CrewCatalog catalog, CrewRuns runs, CrewResults results, McpJsonMapper json,
                           ToolTasks tasks) {
        this.config = config;
        this.tasks = tasks;
        this.catalog = catalog;
        this.runs = runs;
        this.results = results;
        this.json = json;
    }

    /** The tool of {@code entry}, named and described by {@code definition}. */
    public McpAsyncTool tool(CrewCatalog.Entry entry, McpSchema.Tool definition) {
        return McpAsyncTool.of(definition, (ctx, request) -> call(entry, ctx, request)
                .onErrorResume(e -> e instanceof IllegalArgumentException || e instanceof IllegalStateException,
                        e -> Mono.just(McpAsyncResponse.result(convert(CrewResults.error(e.getMessage()))))));
    }

    private Mono<McpAsyncResponse<McpSchema.CallToolOutcome>> call(CrewCatalog.Entry entry, McpRequestContext ctx,
                                                                   McpSchema.CallToolRequest request) {
        if (catalog.perClientRoot() && entry.source() != null && entry.usesTools()) {
            return refuse("The crew '" + entry.name() + "' works in a workspace: start cadre mcp with --root DIR for MCP 2026-07-28"
                    + " clients (the protocol deprecates roots, so Cadre does not ask the client for them).");
        }
        CrewFile crew = entry.loaded();
        ModelRegistry models = config.models();
        if (models == null) {
            return refuse("No model is configured: set CADRE_MODEL (for example openai:gpt-4.1-mini with OPENAI_API_KEY) when"
                    + " starting cadre mcp. (MCP 2026-07-28 deprecates sampling, so crews do not run on the client's model there.)");
        }
        String missing = ModelChecks.missingModel(crew.crew(), models);
        if (missing != null) {
            return refuse(missing);
        }
        if (request.requestState() == null) {
            Map<String, Object> args = request.arguments() == null ? Map.of() : request.arguments();
            Map<String, String> values = new LinkedHashMap<>(crew.inputs());
            if (args.get("inputs") instanceof Map<?, ?> given) {
                given.forEach((k, v) -> values.put(String.valueOf(k), String.valueOf(v)));
            }
            Task task = Task.of("task", String.valueOf(args.getOrDefault("task", ""))).withInputs(values);
            if (TasksExtension.negotiated(ctx)) {
                // a client of the tasks extension gets a task at once; the run's checkpoints become its input requests
                return Mono.fromCallable(() -> McpAsyncResponse.<McpSchema.CallToolOutcome>result(TaskWire.Result.created(
                        tasks.start(new CrewWork(runs.start(entry, crew, task, models, HumanGate.programmatic()), results)))));
            }
            return Mono.fromCallable(() -> runs.start(entry, crew, task, models, HumanGate.programmatic()))
                    .map(run -> respond(ctx, run, Set.of()));
        }
        JsonNode state = state(request.requestState());
        String runId = state.path("run").asText();
        String checkpointId = state.path("checkpoint").asText();
        McpSchema.ElicitResult answer = request.inputResponses() == null ? null
                : InputResponses.get(request.inputResponses(), INPUT, McpSchema.ElicitResult.class, json);
        return Mono.fromCallable(() -> runs.find(runId, entry, crew, models)).flatMap(run -> {
            if (answer == null || answer.action() == McpSchema.ElicitResult.Action.CANCEL) {
                // nothing decided: ask again (or, dismissed, leave it waiting for cadre_checkpoint_resolve)
                return answer == null ? Mono.just(respond(ctx, run, Set.of())) : CrewRuns.nextCheckpoint(run, Set.of())
                        .map(c -> McpAsyncResponse.<McpSchema.CallToolOutcome>result(convert(results.waiting(run, c))))
                        .switchIfEmpty(Mono.fromCallable(() -> respond(ctx, run, Set.of())));
            }
            String by = ctx.clientInfo() == null ? "mcp-client" : "mcp:" + ctx.clientInfo().name();
            Decision decision = answer.action() == McpSchema.ElicitResult.Action.DECLINE ? Decision.reject("Declined in the IDE.", by)
                    : ElicitationGate.toDecision(answer.content() == null ? Map.of() : answer.content(), by);
            return CrewRuns.pending(run, checkpointId).map(waiting -> {
                if (waiting) {
                    run.resolve(checkpointId, decision);
                }
                return respond(ctx, run, Set.of(checkpointId));
            });
        });
    }

    /**
     * The run's end, or the next checkpoint it waits at: as {@code input_required} when the client fills forms. With a
     * progress token the answer streams the run's events as progress first.
     */
    private McpAsyncResponse<McpSchema.CallToolOutcome> respond(McpRequestContext ctx, RunHandle run, Set<String> skip) {
        Mono<McpSchema.CallToolOutcome> outcome = Mono.firstWithValue(
                run.result().map(r -> (McpSchema.CallToolOutcome) convert(results.finished(r))),
                CrewRuns.nextCheckpoint(run, skip).map(c -> asked(ctx, run, c)));
        if (ctx.progressToken() == null) {
            return McpAsyncResponse.streaming(notifier -> outcome);
        }
        return McpAsyncResponse.streaming(notifier -> {
            Disposable progress = run.events().filter(e -> !(e instanceof RunEvent.TokenStreamed))
                    .concatMap(e -> notifier.progress(e.seq(), null, CrewResults.describe(e)).onErrorResume(x -> Mono.empty()))
                    .subscribe();
            return outcome.doFinally(s -> progress.dispose());
        });
    }

    private McpSchema.CallToolOutcome asked(McpRequestContext ctx, RunHandle run, Checkpoint checkpoint) {
        if (ctx.clientCapabilities() == null || !ctx.clientCapabilities().supportsElicitationForm()) {
            return convert(results.waiting(run, checkpoint));
        }
        ObjectNode state = JsonNodeFactory.instance.objectNode().put("run", run.runId()).put("checkpoint", checkpoint.id());
        McpSchema.ElicitFormRequest form = McpSchema.ElicitFormRequest.builder(ElicitationGate.message(checkpoint), ElicitationGate.form())
                .meta(Map.of("cadre/checkpoint", checkpoint.id(), "cadre/run", run.runId())).build();
        return McpSchema.InputRequiredResult.builder().elicit(INPUT, form).requestState(state.toString()).build();
    }

    private static JsonNode state(String text) {
        try {
            JsonNode state = CadreJson.mapper().readTree(text);
            if (state.path("run").isTextual() && state.path("checkpoint").isTextual()) {
                return state;
            }
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            // refused below
        }
        throw new IllegalArgumentException("The requestState is not one this server gave for a crew call.");
    }

    private Mono<McpAsyncResponse<McpSchema.CallToolOutcome>> refuse(String message) {
        return Mono.just(McpAsyncResponse.result(convert(CrewResults.error(message))));
    }

    /** A 2025-11-25 tool result as its 2026-07-28 twin (the same JSON, with resultType). */
    McpSchema.CallToolResult convert(io.modelcontextprotocol.spec.McpSchema.CallToolResult legacy) {
        return json.convertValue(legacy, McpSchema.CallToolResult.class);
    }
}
