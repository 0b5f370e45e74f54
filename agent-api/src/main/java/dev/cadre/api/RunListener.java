package dev.cadre.api;

/**
 * Told about every run an orchestrator starts or resumes, before the run's first step executes. Watch the run
 * through {@link RunHandle#events()} (it replays from the start, so nothing is missed). Tracing, metrics and the web
 * console attach this way. A listener must not block; an exception it throws is logged and the run goes on.
 */
@FunctionalInterface
public interface RunListener {

    /** {@code run} has just started, or has just been resumed from its journal. */
    void runStarted(RunHandle run);
}
