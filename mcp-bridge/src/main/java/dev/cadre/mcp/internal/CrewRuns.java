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
import dev.cadre.orchestrator.journal.Durability;
import dev.cadre.orchestrator.journal.JournalStore;
import dev.cadre.orchestrator.journal.LocalJournalStore;
import dev.cadre.personas.CrewFile;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * The crew runs of one server, on both protocol versions: started by a crew call, or resumed from their journal when a
 * call names a run this process does not have (a 2026-07-28 retry after the server restarted).
 *
 * <p>Bounded: a run that is running or waiting for a human stays as long as it lasts; a finished run stays
 * {@link #FINISHED_RETENTION} after it ended, and of the finished runs at most {@link #MAX_FINISHED} stay (Caffeine's
 * size policy picks which go). An evicted run is still in its journal ({@code cadre://runs/{id}}, {@code cadre runs show}); a
 * 2026-07-28 call naming it resumes it from there ({@link #find}).
 */
public final class CrewRuns {

    /** How long a finished run stays in {@link #all()} after it ended. */
    public static final Duration FINISHED_RETENTION = Duration.ofHours(1);

    /** The most finished runs {@link #all()} keeps. */
    public static final int MAX_FINISHED = 1_000;

    private final McpServerConfig config;
    private final JournalKey journalKey;
    /** One store for all of this server's runs: its appends share one writer and its segments (docs/journal.md). */
    private final JournalStore store;
    private final Cache<String, RunHandle> runs;

    public CrewRuns(McpServerConfig config, JournalKey journalKey) {
        this(config, journalKey, Ticker.systemTicker(), FINISHED_RETENTION, MAX_FINISHED);
    }

    CrewRuns(McpServerConfig config, JournalKey journalKey, Ticker ticker, Duration retention, int maxFinished) {
        this.config = config;
        this.journalKey = journalKey;
        this.store = config.journalStore() != null ? config.journalStore()
                : LocalJournalStore.open(config.runsDirectory(), journalKey, Durability.PROCESS);
        this.runs = bounded(ticker, retention, maxFinished);
    }

    /** Unfinished runs weigh nothing and never expire; a finished one weighs 1 and expires {@code retention} after it ended. */
    static Cache<String, RunHandle> bounded(Ticker ticker, Duration retention, int maxFinished) {
        return Caffeine.newBuilder().ticker(ticker).executor(Runnable::run).maximumWeight(maxFinished)
                .weigher((String id, RunHandle run) -> run.status().isFinal() ? 1 : 0)
                .expireAfter(new Expiry<String, RunHandle>() {
                    @Override
                    public long expireAfterCreate(String id, RunHandle run, long now) {
                        return run.status().isFinal() ? retention.toNanos() : Long.MAX_VALUE;
                    }

                    @Override
                    public long expireAfterUpdate(String id, RunHandle run, long now, long current) {
                        return expireAfterCreate(id, run, now);
                    }

                    @Override
                    public long expireAfterRead(String id, RunHandle run, long now, long current) {
                        return current;
                    }
                }).build();
    }

    /** Keeps {@code run}, and once it has ended, keeps it again as finished (weighed and timed as one). */
    static void track(Cache<String, RunHandle> runs, RunHandle run) {
        runs.put(run.runId(), run);
        run.result().doFinally(signal -> {
            if (runs.getIfPresent(run.runId()) == run) {
                runs.put(run.runId(), run);
            }
        }).subscribe(r -> { }, e -> { });
    }

    /** Runs of this server, by id (a live view). */
    public Map<String, RunHandle> all() {
        return runs.asMap();
    }

    public RunHandle get(String runId) {
        return runs.getIfPresent(runId);
    }

    /** Where this server's runs are journaled, and read back from by its resources. */
    public JournalStore store() {
        return store;
    }

    private Orchestrator orchestrator(ModelRegistry models, HumanGate gate) {
        Orchestrator.Builder builder = Orchestrator.builder().models(models).runsDirectory(config.runsDirectory()).journalKey(journalKey)
                .journalStore(store).gate(gate).redactor(config.redactor());
        config.listeners().forEach(builder::listener);
        return builder.build();
    }

    private static RunOptions options(CrewCatalog.Entry entry) {
        return entry.source() == null ? RunOptions.DEFAULTS : RunOptions.DEFAULTS.withCrewSource(entry.source());
    }

    /** Starts {@code crew} (the crew of {@code entry}, loaded for its workspace) on {@code task}. */
    public RunHandle start(CrewCatalog.Entry entry, CrewFile crew, Task task, ModelRegistry models, HumanGate gate) {
        RunHandle run = orchestrator(models, gate).run(crew.crew(), task, options(entry));
        track(runs, run);
        return run;
    }

    /**
     * The run {@code runId} of {@code entry}'s crew: this server's, one open elsewhere ({@link McpServerConfig#remoteRuns()},
     * not kept here: closing the server leaves it alone), or resumed from its journal (a checkpoint it waited at waits
     * again); an {@link IllegalArgumentException} when there is no such run.
     */
    public RunHandle find(String runId, CrewCatalog.Entry entry, CrewFile crew, ModelRegistry models) {
        RunHandle run = runs.getIfPresent(runId);
        if (run != null) {
            return run;
        }
        java.util.Optional<RunHandle> elsewhere = config.remoteRuns().find(runId);
        if (elsewhere.isPresent()) {
            return elsewhere.get();   // open elsewhere (a Temporal workflow): answered there, never resumed here as well
        }
        if (!store.contains(runId)) {
            throw new IllegalArgumentException("There is no run '" + runId + "' in " + store.location(runId) + ".");
        }
        synchronized (runs) {
            RunHandle known = runs.getIfPresent(runId);
            if (known != null) {
                return known;
            }
            RunHandle resumed = orchestrator(models, HumanGate.programmatic()).resume(runId, crew.crew(), options(entry));
            track(runs, resumed);
            return resumed;
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
