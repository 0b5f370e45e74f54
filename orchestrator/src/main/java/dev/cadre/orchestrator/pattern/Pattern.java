package dev.cadre.orchestrator.pattern;

import dev.cadre.api.crew.Step;

/**
 * One kind of step: how it runs its children and what its output is. A pattern decides only: it starts children
 * through its {@link PatternContext} (agents' turns, nested steps) and combines their outputs; it never calls a model
 * or a tool itself, never waits on a thread and never reads a clock, so the same pattern runs on any driver and
 * replays from a journal. The engine journals the step's start and end around it.
 *
 * <p>The built-in patterns (sequential, loop, parallel, hierarchical, debate, vote) are written this way; a crew's
 * {@link Step.Custom} step runs the pattern registered for its kind with
 * {@code Orchestrator.builder().pattern(kind, pattern)} (see docs/patterns.md).
 */
public interface Pattern<S extends Step> {

    /** What a step gives: its output, and a short line on how it got there (e.g. "converged after 2 iterations"). */
    record Outcome(String output, String outcome) {}

    /** Runs {@code step} at {@code path} (its children go under it). */
    Promise<Outcome> run(S step, String path, PatternContext context);
}
