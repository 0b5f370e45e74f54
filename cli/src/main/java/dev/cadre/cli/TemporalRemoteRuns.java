package dev.cadre.cli;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cadre.api.RemoteRuns;
import dev.cadre.api.RunHandle;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code cadre console --temporal} and {@code cadre mcp --temporal}: the runs open on a Temporal cluster, found by their
 * workflow (workflow id = run id), answered through its {@code decide} update and cancelled as a workflow
 * ({@code TemporalCadre.handle}). A handle is kept while it is used (at most {@link #MAX_HANDLES}, each
 * {@link #IDLE} after its last use), so its journal tail and result are shared by the page's and the tools' requests.
 */
final class TemporalRemoteRuns implements RemoteRuns, AutoCloseable {

    static final int MAX_HANDLES = 1_000;
    static final Duration IDLE = Duration.ofMinutes(10);
    /** What a run id looks like; anything else is no workflow of ours. */
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    private final TemporalRuns temporal;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private final Cache<String, RunHandle> handles = Caffeine.newBuilder().maximumSize(MAX_HANDLES).expireAfterAccess(IDLE).build();

    TemporalRemoteRuns(TemporalRuns temporal) {
        this.temporal = temporal;
    }

    @Override
    public Optional<RunHandle> find(String runId) {
        if (!RUN_ID.matcher(runId).matches()) {
            return Optional.empty();
        }
        boolean open;
        try {
            open = temporal.isOpen(runId);
        } catch (RuntimeException e) {
            throw new IllegalStateException("The Temporal cluster at " + temporal.target() + " did not say whether run '" + runId
                    + "' is open: " + TerminalText.line(String.valueOf(rootMessage(e))) + ".", e);
        }
        if (!open) {
            handles.invalidate(runId);
            return Optional.empty();
        }
        return Optional.of(handles.get(runId, id -> temporal.cadre().handle(id)));
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        handles.invalidateAll();
        temporal.close();
    }
}
