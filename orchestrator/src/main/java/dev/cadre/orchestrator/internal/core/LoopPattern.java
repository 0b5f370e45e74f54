package dev.cadre.orchestrator.internal.core;

import dev.cadre.orchestrator.pattern.PatternContext;
import dev.cadre.orchestrator.pattern.Promise;
import dev.cadre.orchestrator.pattern.Pattern;
import dev.cadre.api.RunEvent;
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
    public Promise<Outcome> run(Step.Loop loop, String path, PatternContext context) {
        Steps steps = (Steps) context; // a replayed iteration is judged at the journal's times: engine internals
        long tokensAtStart = steps.core.budgets.run().totalTokens();
        Instant start = recordedAt("step_started|" + path, steps);
        return iteration(loop, path, 1, tokensAtStart, start, steps);
    }

    private Promise<Outcome> iteration(Step.Loop loop, String path, int i, long tokensAtStart, Instant start, Steps steps) {
        return SequentialPattern.inOrder(loop.steps(), path + "/iteration-" + i, steps).then(out -> {
            String last = path + "/iteration-" + i + "/" + loop.steps().get(loop.steps().size() - 1).name();
            Until.LoopState state = new Until.LoopState(i, steps.outputs(),
                    steps.core.budgets.run().totalTokens() - tokensAtStart,
                    Duration.between(start, endOf(last, steps)));
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

    /** When the journal recorded the event with this key; now, for what happens now. */
    private static Instant recordedAt(String key, Steps steps) {
        RunEvent recorded = steps.core.setup.facts().get(key);
        return recorded != null ? recorded.timestamp() : steps.core.now();
    }

    /**
     * When the iteration's last step ended: now, or, when the journal is being folded, the time of that step's last
     * journaled event (its output, or the review that accepted it), so a replayed iteration is judged as it was.
     */
    private static Instant endOf(String lastStep, Steps steps) {
        if (!steps.core.replaying()) {
            return steps.core.now();
        }
        Instant end = null;
        for (RunEvent e : steps.core.setup.facts().events()) {
            if ((e.stepPath().equals(lastStep) || e.stepPath().startsWith(lastStep + "/"))
                    && (end == null || e.timestamp().isAfter(end))) {
                end = e.timestamp();
            }
        }
        return end != null ? end : steps.core.now();
    }
}
