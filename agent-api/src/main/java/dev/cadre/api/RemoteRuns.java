package dev.cadre.api;

import java.util.Optional;

/**
 * Runs that are open somewhere else than in this process and can be answered and cancelled from here: for example
 * workflows on a Temporal cluster, whose journals a console or an MCP server reads from a shared store. The console
 * and the MCP server ask it for a run they show from its journal but do not run themselves; with a handle, its
 * checkpoints are decided (by the console's user or the MCP client, never by anything an agent writes) and it is
 * cancelled through that handle.
 */
@FunctionalInterface
public interface RemoteRuns {

    /**
     * The open run {@code runId}, when it is open elsewhere and this process can reach it; empty for a run that is
     * not (unknown, ended, or local). It may ask a server, so call it off event-loop threads. An unreachable server is
     * an {@link IllegalStateException} whose message says so in one sentence.
     */
    Optional<RunHandle> find(String runId);

    /** Whether this is {@link #none()}: callers need not look for runs open elsewhere (a list of them is empty). */
    default boolean isNone() {
        return false;
    }

    /** No runs elsewhere: every run is answered in the process that runs it. */
    static RemoteRuns none() {
        return new RemoteRuns() {
            @Override
            public Optional<RunHandle> find(String runId) {
                return Optional.empty();
            }

            @Override
            public boolean isNone() {
                return true;
            }
        };
    }
}
