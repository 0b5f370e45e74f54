package dev.cadre.orchestrator.pattern;

import dev.cadre.api.Agent;
import dev.cadre.api.Task;
import dev.cadre.api.crew.Step;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a {@link Pattern} may do: run child steps and agents' turns (each journaled under its path), read the outputs
 * so far, and combine promises. Everything here is deterministic: {@link #now()} is the time the driver gave with the
 * result being handled, not a clock, so a run replayed from its journal decides the same.
 */
public interface PatternContext {

    /** Runs {@code step} under {@code parentPath} (its path is {@code parentPath/name}); gives its output. */
    Promise<String> run(Step step, String parentPath);

    /** One agent's turn on {@code task} at {@code path}, with {@code context} (name to text) added to its prompt. */
    Promise<String> agent(Agent agent, Task task, Map<String, String> context, String path);

    /** {@code task} (or the run's task, when {@code null}) with the run's inputs and {@code {task}} for its variables. */
    Task effective(Task task);

    /** The outputs so far, by name (a step's name, a task's id). */
    Map<String, String> outputs();

    /** Tokens the run has used so far. */
    long tokensUsed();

    /** The time of the result being handled (given by the driver and journaled), never the clock. */
    Instant now();

    <T> Promise<T> done(T value);

    /** A failed promise: the step fails with {@code reason} unless something recovers it. */
    <T> Promise<T> failed(String reason);

    /** Runs {@code work}, at most {@code concurrency} at a time; the values in the order of the work, or the first failure. */
    <T> Promise<List<T>> all(List<Supplier<Promise<T>>> work, int concurrency);
}
