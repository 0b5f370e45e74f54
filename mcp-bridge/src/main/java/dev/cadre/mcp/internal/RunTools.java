package dev.cadre.mcp.internal;

import dev.cadre.api.CadreJson;
import dev.cadre.api.Decision;
import dev.cadre.api.RemoteRuns;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The tools that follow this server's runs, for clients without elicitation: {@code cadre_run_status},
 * {@code cadre_checkpoints_list} and {@code cadre_checkpoint_resolve}. Status and resolve also reach a run open
 * elsewhere ({@link RemoteRuns}, e.g. a Temporal workflow) by its id, on a bounded-elastic thread (asking the remote
 * blocks); the list shows this server's runs and, with a remote, those of the newest runs in the journal store that
 * wait at a checkpoint and the remote has open ({@link WaitingJournals}).
 */
public final class RunTools {

    private final Map<String, RunHandle> runs;
    private final CrewResults results;
    private final RemoteRuns remote;
    private final WaitingJournals waiting;

    public RunTools(Map<String, RunHandle> runs, CrewResults results) {
        this(runs, results, RemoteRuns.none(), null);
    }

    /** {@code waiting}: where the list looks for {@code remote}'s runs (may be null when {@code remote} is none). */
    public RunTools(Map<String, RunHandle> runs, CrewResults results, RemoteRuns remote, WaitingJournals waiting) {
        this.runs = runs;
        this.results = results;
        this.remote = remote;
        this.waiting = waiting;
    }

    /** The run {@code id}: this server's, else one open elsewhere; {@code null} when neither has it. */
    private RunHandle find(Object id) {
        RunHandle run = runs.get(String.valueOf(id));
        return run != null ? run : remote.find(String.valueOf(id)).orElse(null);
    }

    /** {@code body} off the caller's thread; a remote that cannot be reached, or refuses, is the tool's error text. */
    private static Mono<McpSchema.CallToolResult> offThread(java.util.concurrent.Callable<Mono<McpSchema.CallToolResult>> body) {
        return Mono.fromCallable(body).subscribeOn(Schedulers.boundedElastic()).flatMap(m -> m)
                .onErrorResume(IllegalStateException.class, e -> Mono.just(CrewResults.error(e.getMessage())));
    }

    /** The three tools, in this order: status, checkpoints, resolve. */
    public List<McpServerFeatures.AsyncToolSpecification> specifications() {
        return List.of(status(), checkpoints(), resolve());
    }

    private McpServerFeatures.AsyncToolSpecification status() {
        return ToolCalls.simple("cadre_run_status", "A run's status, output and pending checkpoints.",
                Map.of("type", "object", "properties", Map.of("run_id", Map.of("type", "string")), "required", List.of("run_id")),
                (exchange, args) -> offThread(() -> {
                    RunHandle run = find(args.get("run_id"));
                    if (run == null) {
                        return Mono.just(CrewResults.error("There is no run '" + args.get("run_id") + "' in this server; runs: "
                                + (runs.isEmpty() ? "none" : String.join(", ", runs.keySet())) + "."));
                    }
                    Map<String, Object> s = new LinkedHashMap<>();
                    s.put("runId", run.runId());
                    s.put("status", run.status().name());
                    s.put("pendingCheckpoints", run.pendingCheckpoints().stream().map(c -> CadreJson.mapper().convertValue(c, Map.class)).toList());
                    RunResult result = run.status().isFinal() ? run.result().block(Duration.ofSeconds(1)) : null;
                    if (result != null && result.output() != null) s.put("output", result.output());
                    if (result != null && result.reason() != null) s.put("reason", result.reason());
                    return Mono.just(McpSchema.CallToolResult.builder().addTextContent(CadreJson.mapper().valueToTree(s).toString())
                            .structuredContent(s).build());
                }));
    }

    private McpServerFeatures.AsyncToolSpecification checkpoints() {
        return ToolCalls.simple("cadre_checkpoints_list", "Checkpoints waiting for a decision, in every run of this server.",
                Map.of("type", "object", "properties", Map.of()),
                (exchange, args) -> offThread(() -> {
                    List<Object> pending = new ArrayList<>();
                    runs.values().forEach(r -> addPending(r, pending));
                    String unlisted = remote.isNone() || waiting == null ? null : remotePending(pending);
                    Map<String, Object> s = new LinkedHashMap<>();
                    s.put("checkpoints", pending);
                    if (unlisted != null) {
                        s.put("unlisted", unlisted);
                    }
                    String text = pending.isEmpty() ? "No checkpoint is waiting." : CadreJson.mapper().valueToTree(Map.of("checkpoints", pending)).toString();
                    return Mono.just(McpSchema.CallToolResult.builder().addTextContent(unlisted == null ? text : text + " " + unlisted)
                            .structuredContent(s).build());
                }));
    }

    /** Adds {@code run}'s pending checkpoints to {@code pending}, each as the JSON object the tools return. */
    private static void addPending(RunHandle run, List<Object> pending) {
        run.pendingCheckpoints().forEach(c -> pending.add(CadreJson.mapper().convertValue(c, Map.class)));
    }

    /**
     * Adds to {@code pending} the checkpoints of the remote's runs that the journals show waiting; returns why some
     * could not be listed (the remote unreachable), or null.
     */
    private String remotePending(List<Object> pending) {
        for (String id : waiting.runIds(runs::containsKey)) {
            try {
                remote.find(id).ifPresent(r -> addPending(r, pending));
            } catch (IllegalStateException unreachable) {
                return "Runs open elsewhere are not all listed: " + unreachable.getMessage();
            }
        }
        return null;
    }

    private McpServerFeatures.AsyncToolSpecification resolve() {
        return ToolCalls.simple("cadre_checkpoint_resolve", "Decide a checkpoint, then wait for the run to end or stop at its next checkpoint.",
                Map.of("type", "object", "properties", Map.of(
                        "run_id", Map.of("type", "string"),
                        "checkpoint_id", Map.of("type", "string"),
                        "decision", Map.of("type", "string", "enum", List.of("approve", "reject", "edit", "abort")),
                        "feedback", Map.of("type", "string"),
                        "edited_output", Map.of("type", "string")), "required", List.of("run_id", "checkpoint_id", "decision")),
                (exchange, args) -> offThread(() -> {
                    RunHandle run = find(args.get("run_id"));
                    if (run == null) {
                        return Mono.just(CrewResults.error("There is no run '" + args.get("run_id") + "' in this server."));
                    }
                    try {
                        String by = exchange == null || exchange.getClientInfo() == null ? "mcp-client"
                                : "mcp:" + exchange.getClientInfo().name();
                        Decision decision = ElicitationGate.toDecision(args, by);
                        // the answer is the run's end or a checkpoint it reaches after this decision: not one already waiting
                        Set<String> before = new LinkedHashSet<>();
                        run.pendingCheckpoints().forEach(c -> before.add(c.id()));
                        run.resolve(String.valueOf(args.get("checkpoint_id")), decision);
                        return Mono.firstWithValue(run.result().map(results::finished),
                                CrewRuns.nextCheckpoint(run, before).map(c -> results.waiting(run, c)));
                    } catch (IllegalArgumentException e) {
                        return Mono.just(CrewResults.error(e.getMessage()));
                    }
                }));
    }
}
