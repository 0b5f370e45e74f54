package dev.cadre.mcp.internal;

import dev.cadre.api.Checkpoint;
import dev.cadre.api.HumanGate;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.Task;
import dev.cadre.mcp.McpServerConfig;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.orchestrator.RunOptions;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.orchestrator.journal.JournalWriter;
import dev.cadre.personas.CrewFile;
import java.nio.file.Files;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;

/**
 * The crew runs of one server, on both protocol versions: started by a crew call, or resumed from their journal when a
 * call names a run this process does not have (a 2026-07-28 retry after the server restarted).
 */
public final class CrewRuns {

    private final McpServerConfig config;
    private final JournalKey journalKey;
    private final Map<String, RunHandle> runs = new ConcurrentHashMap<>();

    public CrewRuns(McpServerConfig config, JournalKey journalKey) {
        this.config = config;
        this.journalKey = journalKey;
    }

    /** Runs of this server, by id. */
    public Map<String, RunHandle> all() {
        return runs;
    }

    public RunHandle get(String runId) {
        return runs.get(runId);
    }

    private Orchestrator orchestrator(ModelRegistry models, HumanGate gate) {
        Orchestrator.Builder builder = Orchestrator.builder().models(models).runsDirectory(config.runsDirectory()).journalKey(journalKey)
                .gate(gate).redactor(config.redactor());
        config.listeners().forEach(builder::listener);
        return builder.build();
    }

    private static RunOptions options(CrewCatalog.Entry entry) {
        return entry.source() == null ? RunOptions.DEFAULTS : RunOptions.DEFAULTS.withCrewSource(entry.source());
    }

    /** Starts {@code crew} (the crew of {@code entry}, loaded for its workspace) on {@code task}. */
    public RunHandle start(CrewCatalog.Entry entry, CrewFile crew, Task task, ModelRegistry models, HumanGate gate) {
        RunHandle run = orchestrator(models, gate).run(crew.crew(), task, options(entry));
        runs.put(run.runId(), run);
        return run;
    }

    /**
     * The run {@code runId} of {@code entry}'s crew: this server's, or resumed from its journal (a checkpoint it waited
     * at waits again); an {@link IllegalArgumentException} when there is no such run.
     */
    public RunHandle find(String runId, CrewCatalog.Entry entry, CrewFile crew, ModelRegistry models) {
        RunHandle run = runs.get(runId);
        if (run != null) {
            return run;
        }
        if (!Files.isRegularFile(JournalWriter.fileFor(config.runsDirectory(), runId))) {
            throw new IllegalArgumentException("There is no run '" + runId + "' in " + config.runsDirectory() + ".");
        }
        synchronized (runs) {
            return runs.computeIfAbsent(runId, id -> orchestrator(models, HumanGate.programmatic()).resume(id, crew.crew(), options(entry)));
        }
    }

    /**
     * The first checkpoint the run waits at, other than those in {@code skip}. {@code events()} replays the run from its
     * start, so a checkpoint counts only while it is still pending: one decided earlier is never taken for the next.
     */
    public static Mono<Checkpoint> nextCheckpoint(RunHandle run, Set<String> skip) {
        return run.events()
                .filter(e -> e instanceof RunEvent.CheckpointRequested c && !skip.contains(c.checkpoint().id())
                        && run.pendingCheckpoints().stream().anyMatch(p -> p.id().equals(c.checkpoint().id())))
                .next().map(e -> ((RunEvent.CheckpointRequested) e).checkpoint());
    }

    /** Waits until {@code checkpointId} is pending in the run (a resumed run asks it again), or the run ends. */
    public static Mono<Boolean> pending(RunHandle run, String checkpointId) {
        if (run.pendingCheckpoints().stream().anyMatch(p -> p.id().equals(checkpointId))) {
            return Mono.just(true);
        }
        return Mono.firstWithValue(run.result().map(r -> false), run.events()
                .filter(e -> e instanceof RunEvent.CheckpointRequested c && c.checkpoint().id().equals(checkpointId)
                        && run.pendingCheckpoints().stream().anyMatch(p -> p.id().equals(checkpointId)))
                .next().map(e -> true));
    }
}
