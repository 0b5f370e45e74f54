package dev.cadre.cli;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cadre.api.RemoteRuns;
import dev.cadre.api.RunHandle;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * {@code cadre console --temporal} and {@code cadre mcp --temporal}: the runs open on a Temporal cluster, found by their
 * workflow (workflow id = run id), answered through its {@code decide} update and cancelled as a workflow
 * ({@code TemporalCadre.handle}). A handle is kept while it is used (at most {@link #MAX_HANDLES}, each
 * {@link #IDLE} after its last use), so its journal tail and result are shared by the page's and the tools' requests.
 */
final class TemporalRemoteRuns implements RemoteRuns, AutoCloseable {

    static final int MAX_HANDLES = 1_000;
    static final Duration IDLE = Duration.ofMinutes(10);

    private final Predicate<String> isOpen;
    private final Function<String, RunHandle> handle;
    private final String target;
    private final AutoCloseable connection;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private final Cache<String, RunHandle> handles = Caffeine.newBuilder().maximumSize(MAX_HANDLES).expireAfterAccess(IDLE).build();

    /** The runs open on the cluster {@code temporal} is connected to; closing this closes the connection. */
    TemporalRemoteRuns(TemporalRuns temporal) {
        this(temporal::isOpen, id -> temporal.cadre().handle(id), temporal.target(), temporal);
    }

    /**
     * Runs {@code isOpen} says are open on cluster {@code target} (a workflow running), answered through {@code handle}'s
     * handles; {@code connection} is closed with this.
     */
    TemporalRemoteRuns(Predicate<String> isOpen, Function<String, RunHandle> handle, String target, AutoCloseable connection) {
        this.isOpen = isOpen;
        this.handle = handle;
        this.target = target;
        this.connection = connection;
    }

    @Override
    public Optional<RunHandle> find(String runId) {
        if (!dev.cadre.orchestrator.RunOptions.isRunId(runId)) {   // anything else is no workflow of ours
            return Optional.empty();
        }
        boolean open;
        try {
            open = isOpen.test(runId);
        } catch (RuntimeException e) {
            throw new IllegalStateException("The Temporal cluster at " + target + " did not say whether run '" + runId
                    + "' is open: " + TerminalText.line(TerminalText.rootMessage(e)) + ".", e);
        }
        if (!open) {
            handles.invalidate(runId);
            return Optional.empty();
        }
        return Optional.of(handles.get(runId, handle));
    }

    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        handles.invalidateAll();
        try {
            connection.close();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot close the connection to the Temporal cluster at " + target + ": " + e.getMessage(), e);
        }
    }
}
