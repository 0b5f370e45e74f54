package dev.cadre.orchestrator.internal.core;

import dev.cadre.orchestrator.pattern.PatternContext;
import dev.cadre.orchestrator.pattern.Promise;
import dev.cadre.orchestrator.pattern.Pattern;
import dev.cadre.api.crew.Step;
import java.util.List;

/** Runs the steps one after another; the output is the last step's. */
final class SequentialPattern implements Pattern<Step.Sequential> {

    @Override
    public Promise<Outcome> run(Step.Sequential step, String path, PatternContext steps) {
        return inOrder(step.steps(), path, steps).map(out -> new Outcome(out, null));
    }

    /** Runs {@code children} in order under {@code path}; gives the last one's output. */
    static Promise<String> inOrder(List<Step> children, String path, PatternContext steps) {
        return from(children, 0, path, steps);
    }

    private static Promise<String> from(List<Step> children, int i, String path, PatternContext steps) {
        Promise<String> output = steps.run(children.get(i), path);
        return i == children.size() - 1 ? output : output.then(x -> from(children, i + 1, path, steps));
    }
}
