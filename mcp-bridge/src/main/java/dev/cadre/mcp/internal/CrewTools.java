package dev.cadre.mcp.internal;

import dev.cadre.api.HumanGate;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.Task;
import dev.cadre.mcp.McpServerConfig;
import dev.cadre.personas.CrewFile;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A crew as a tool on MCP 2025-11-25 ({@code crew_<name>}): the model is the configured one or, for a crew whose agents
 * call no tools, the client's through sampling; checkpoints go through elicitation when the client has it, else the call
 * returns the first checkpoint for {@code cadre_checkpoint_resolve}. While the run goes, its events are progress
 * notifications (with a progress token) and log messages, and {@code notifications/cancelled} cancels it.
 */
public final class CrewTools {

    private static final Logger log = LoggerFactory.getLogger(CrewTools.class);

    private final McpServerConfig config;
    private final CrewCatalog catalog;
    private final CrewRuns crewRuns;
    private final CrewResults results;
    private final Cancellations cancellations;
    private final boolean http;
    private final Supplier<McpAsyncServer> server;

    public CrewTools(McpServerConfig config, CrewCatalog catalog, CrewRuns crewRuns, CrewResults results, Cancellations cancellations,
                     boolean http, Supplier<McpAsyncServer> server) {
        this.config = config;
        this.catalog = catalog;
        this.crewRuns = crewRuns;
        this.results = results;
        this.cancellations = cancellations;
        this.http = http;
        this.server = server;
    }

    /** The tool of {@code entry}. */
    public McpServerFeatures.AsyncToolSpecification tool(CrewCatalog.Entry entry) {
        return McpServerFeatures.AsyncToolSpecification.builder().tool(definition(entry)).callHandler((exchange, request) ->
                started(entry, exchange, request).flatMap(run -> follow(run, exchange, request))
                        .onErrorResume(Refused.class, e -> Mono.just(CrewResults.error(e.getMessage())))
                        .onErrorResume(e -> e instanceof IllegalArgumentException || e instanceof IllegalStateException,
                                e -> Mono.just(CrewResults.error(e.getMessage())))).build();
    }

    /** The tool's name, title, description and schemas. */
    public static McpSchema.Tool definition(CrewCatalog.Entry entry) {
        String name = entry.name();
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("type", "object");
        inputs.put("additionalProperties", Map.of("type", "string"));
        Map<String, String> defaults = entry.loaded().inputs();
        inputs.put("description", "Values for the crew's {variables}" + (defaults.isEmpty() ? "" : "; defaults: " + defaults));
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", Map.of("task", Map.of("type", "string", "description", "What the crew should do"), "inputs", inputs));
        schema.put("required", List.of("task"));
        String toolName = ("crew_" + name).replaceAll("[^a-zA-Z0-9_-]", "_");
        return McpSchema.Tool.builder().name(toolName.length() > 64 ? toolName.substring(0, 64) : toolName)
                .title("Crew " + name)
                .description((entry.description() == null ? "" : entry.description() + " ")
                        + "Runs the crew '" + name + "' on a task and returns its final output. Progress arrives as notifications;"
                        + " checkpoints are asked through elicitation or left for cadre_checkpoint_resolve.")
                .inputSchema(schema).outputSchema(CrewResults.OUTPUT_SCHEMA).build();
    }

    /** A call a crew cannot run for: its message is the tool result's text. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The run a call starts (without a root of its own, a crew works in the client's root; one whose agents use no tools
     * needs none), or a {@link Refused} error saying why it cannot start.
     */
    Mono<RunHandle> started(CrewCatalog.Entry entry, McpAsyncServerExchange exchange, McpSchema.CallToolRequest request) {
        Mono<CrewFile> crewFile = catalog.perClientRoot() && entry.source() != null && (ClientRoots.shares(exchange) || entry.usesTools())
                ? ClientRoots.first(exchange).map(root -> catalog.crewIn(entry, root)).subscribeOn(Schedulers.boundedElastic())
                : Mono.just(entry.loaded());
        return crewFile.flatMap(crew -> Mono.fromCallable(() -> start(entry, crew, exchange, request)));
    }

    private RunHandle start(CrewCatalog.Entry entry, CrewFile crew, McpAsyncServerExchange exchange, McpSchema.CallToolRequest request) {
        Map<String, Object> args = request.arguments() == null ? Map.of() : request.arguments();
        Map<String, String> values = new LinkedHashMap<>(crew.inputs());
        if (args.get("inputs") instanceof Map<?, ?> given) {
            given.forEach((k, v) -> values.put(String.valueOf(k), String.valueOf(v)));
        }
        ModelRegistry models = config.models();
        boolean sampling = exchange.getClientCapabilities() != null && exchange.getClientCapabilities().sampling() != null;
        if (models == null) {
            if (!sampling) {
                throw new Refused("No model is configured: set CADRE_MODEL (for example openai:gpt-4.1-mini with"
                        + " OPENAI_API_KEY) when starting cadre mcp, or use a client that supports sampling.");
            }
            if (entry.usesTools()) {
                throw new Refused("The crew '" + entry.name() + "' needs tools (" + String.join(", ", entry.agentsWithTools())
                        + " call them), and the client's model through sampling cannot call tools: set CADRE_MODEL (for example"
                        + " openai:gpt-4.1-mini with OPENAI_API_KEY) when starting cadre mcp to run it.");
            }
            models = new SamplingModels(exchange, config.checkpointTimeout());
        } else {
            String missing = ModelChecks.missingModel(crew.crew(), models);
            if (missing != null) {
                throw new Refused(missing);
            }
        }
        HumanGate gate = elicits(exchange) ? new ElicitationGate(exchange, config.checkpointTimeout()) : HumanGate.programmatic();
        RunHandle run = crewRuns.start(entry, crew, Task.of("task", String.valueOf(args.getOrDefault("task", ""))).withInputs(values),
                models, gate);
        server.get().notifyResourcesListChanged().subscribe(x -> { }, e -> log.debug("resource list change not sent", e));
        return run;
    }

    private static boolean elicits(McpAsyncServerExchange exchange) {
        return exchange.getClientCapabilities() != null && exchange.getClientCapabilities().elicitation() != null;
    }

    /** The run's events as notifications, then its result (or, without elicitation, its first checkpoint). */
    private Mono<McpSchema.CallToolResult> follow(RunHandle run, McpAsyncServerExchange exchange, McpSchema.CallToolRequest request) {
        Object token = request.meta() == null ? null : request.meta().get("progressToken");
        Object requestId = request.meta() == null ? null : request.meta().get(Cancellations.REQUEST_ID);
        String key = requestId == null ? null : cancellations.register(http ? exchange.sessionId() : "stdio", requestId, run::cancel);
        String uri = "cadre://runs/" + run.runId();
        OrderedNotifications notifications = new OrderedNotifications();
        run.events().subscribe(event -> {
            if (token != null && !(event instanceof RunEvent.TokenStreamed)) {
                notifications.send(exchange.progressNotification(new McpSchema.ProgressNotification(token, (double) event.seq(), null,
                        CrewResults.describe(event))).doOnError(e -> log.debug("progress not sent", e)));
            }
            server.get().notifyResourcesUpdated(new McpSchema.ResourcesUpdatedNotification(uri))
                    .subscribe(x -> { }, e -> log.debug("resource update not sent", e));
            McpSchema.LoggingLevel level = event instanceof RunEvent.RunFailed || event instanceof RunEvent.StepFailed
                    ? McpSchema.LoggingLevel.ERROR
                    : event instanceof RunEvent.BudgetWarning || event instanceof RunEvent.RunCancelled ? McpSchema.LoggingLevel.WARNING
                    : event instanceof RunEvent.RunStarted || event instanceof RunEvent.RunFinished ? McpSchema.LoggingLevel.INFO : null;
            if (level != null) {
                notifications.send(exchange.loggingNotification(new McpSchema.LoggingMessageNotification(level, "cadre.run", CrewResults.describe(event)))
                        .doOnError(e -> log.debug("log notification not sent", e)));
            }
        });
        // the result goes after the progress that led to it
        return awaitRun(run, elicits(exchange)).delayUntil(result -> notifications.drained()).doFinally(s -> {
            if (key != null) {
                cancellations.done(key);
            }
        });
    }

    /** The run's result, or (without elicitation) the first checkpoint it waits at, whichever comes first. */
    private Mono<McpSchema.CallToolResult> awaitRun(RunHandle run, boolean elicitation) {
        Mono<McpSchema.CallToolResult> done = run.result().map(results::finished);
        if (elicitation) {
            return done;
        }
        return Mono.firstWithValue(done, CrewRuns.nextCheckpoint(run, Set.of()).map(c -> results.waiting(run, c)));
    }
}
