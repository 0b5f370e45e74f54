package dev.cadre.benchmarks;

import java.util.concurrent.CompletionStage;

/**
 * The benchmark workflows, written once per framework. Each method runs one workflow to completion on the
 * framework's own engine and returns its final output. Every implementation uses a model that answers instantly
 * (or, for {@link #loopAsync()}, after the fixed delay it was built with) by the rule of {@link BenchModel}, and
 * the trivial tool {@code bump}.
 *
 * <ul>
 *   <li>W1 {@link #sequential()}: agents a1..a5 in order, one model call each, each seeing the previous output (5 calls).</li>
 *   <li>W2 {@link #loop()}: coder and reviewer for exactly 3 iterations; each coder turn makes one {@code bump} tool
 *       call and then answers; the reviewer never approves, so the loop runs to its bound (3 x 3 = 9 calls).</li>
 *   <li>W3 {@link #parallel()}: agents p1..p8 fanned out concurrently and joined (8 calls).</li>
 *   <li>W4 {@link #debate()}: 3 debaters answer in 3 rounds, each round seeing the others' previous answers, then a
 *       judge decides (10 calls).</li>
 * </ul>
 */
public interface Workflows extends AutoCloseable {

    /** Model calls per workflow, the denominator of "overhead per agent step". */
    int SEQUENTIAL_CALLS = 5;
    int LOOP_CALLS = 9;
    int PARALLEL_CALLS = 8;
    int DEBATE_CALLS = 10;

    String sequential();

    String loop();

    String parallel();

    String debate();

    /** W2 without holding a thread while the model "thinks" where the framework allows it (S1 scale). */
    CompletionStage<String> loopAsync();

    /** Model calls made so far (checked by the smoke tests so no implementation skips work). */
    long modelCalls();

    /** Drops what finished runs left behind (Cadre's journals), between measurement iterations. */
    default void cleanUp() {}

    @Override
    default void close() {}
}
