package dev.cadre.orchestrator.internal;

import com.github.benmanes.caffeine.cache.Cache;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.PriceTable;
import dev.cadre.api.Task;
import dev.cadre.api.ToolResult;
import dev.cadre.api.crew.Crew;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.scheduler.Scheduler;

/** Everything the steps of one run share. */
public final class RunContext {

    /** What the orchestrator gives every run. */
    public record Services(ModelRegistry models, PriceTable prices, Scheduler blocking, JsonSchemas schemas,
                           int maxConcurrentTools, Cache<ModelCacheKey, ChatResponse> modelCache) {}

    /** A cached model answer is keyed by model and the full request. */
    public record ModelCacheKey(String model, ChatRequest request) {}

    final RunRecorder recorder;
    final DefaultRunHandle handle;
    final Crew crew;
    final Task runTask;
    final Services services;
    final int maxOutputRetries;
    final boolean streaming;
    final Checkpoints checkpoints;
    final Budgets budgets;
    final Instant startedAt;
    final Set<String> crewOutputNames;
    /** Outputs by name (task id or step name), the latest one for steps that repeat. */
    final Map<String, String> outputs = new ConcurrentHashMap<>();
    /** Idempotent tools' results within this run, by tool and arguments. */
    final Map<String, ToolResult> toolCache = new ConcurrentHashMap<>();
    /** How often each agent called each tool with each arguments. */
    final Map<String, Integer> repeats = new ConcurrentHashMap<>();

    public RunContext(RunRecorder recorder, DefaultRunHandle handle, Crew crew, Task runTask, Services services,
                      int maxOutputRetries, boolean streaming, Checkpoints checkpoints, Budgets budgets,
                      Instant startedAt, Set<String> crewOutputNames, Map<String, String> initialContext) {
        this.recorder = recorder;
        this.handle = handle;
        this.crew = crew;
        this.runTask = runTask;
        this.services = services;
        this.maxOutputRetries = maxOutputRetries;
        this.streaming = streaming;
        this.checkpoints = checkpoints;
        this.budgets = budgets;
        this.startedAt = startedAt;
        this.crewOutputNames = crewOutputNames;
        this.outputs.putAll(initialContext);
    }
}
