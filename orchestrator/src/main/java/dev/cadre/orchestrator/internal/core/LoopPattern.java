package dev.cadre.orchestrator.internal.core;

import dev.cadre.orchestrator.pattern.PatternContext;
import dev.cadre.orchestrator.pattern.Promise;
import dev.cadre.orchestrator.pattern.Pattern;
import dev.cadre.api.crew.Step;
import dev.cadre.api.crew.Until;
import java.time.Duration;
import java.time.Instant;

/**
 * Runs the steps again and again ({@code iteration-1}, {@code iteration-2}, ...) until the exit condition holds or
 * the bound is reached; the output is the last iteration's last output.
 */
final class LoopPattern implements Pattern<Step.Loop> {

    @Override
    public Promise<Outcome> run(Step.Loop loop, String path, PatternContext steps) {
        long tokensAtStart = steps.tokensUsed();
        Instant start = steps.now();
        return iteration(loop, path, 1, tokensAtStart, start, steps);
    }

    private Promise<Outcome> iteration(Step.Loop loop, String path, int i, long tokensAtStart, Instant start, PatternContext steps) {
        return SequentialPattern.inOrder(loop.steps(), path + "/iteration-" + i, steps).then(out -> {
            Until.LoopState state = new Until.LoopState(i, steps.outputs(),
                    steps.tokensUsed() - tokensAtStart, Duration.between(start, steps.now()));
            if (loop.until().holds(state)) {
                return steps.done(new Outcome(out, "converged after " + i + (i == 1 ? " iteration" : " iterations")
                        + ": " + loop.until().describe()));
            }
            if (i >= loop.maxIterations()) {
                return steps.done(new Outcome(out, "stopped at the bound of " + loop.maxIterations()
                        + " iterations without converging"));
            }
            return iteration(loop, path, i + 1, tokensAtStart, start, steps);
        });
    }
}
