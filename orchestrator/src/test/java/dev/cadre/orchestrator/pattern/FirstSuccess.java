package dev.cadre.orchestrator.pattern;

import dev.cadre.api.crew.Step;
import java.util.List;

/**
 * The example pattern of docs/patterns.md: tries its child steps in order and gives the output of the first one that
 * succeeds (a fallback chain: a cheap agent first, a strong one if it fails). Deterministic: it only starts steps
 * and combines promises.
 */
public final class FirstSuccess implements Pattern<Step.Custom> {

    @Override
    public Promise<Outcome> run(Step.Custom step, String path, PatternContext context) {
        return attempt(step.steps(), 0, path, context);
    }

    private Promise<Outcome> attempt(List<Step> children, int i, String path, PatternContext context) {
        Step child = children.get(i);
        return context.run(child, path)
                .map(output -> new Outcome(output, "step " + child.name() + " succeeded" + (i == 0 ? "" : " after " + i + " failed")))
                .recover(failure -> i + 1 < children.size() && failure.kind() == Failure.Kind.FAILED
                        ? attempt(children, i + 1, path, context)
                        : null);
    }
}
