package dev.cadre.orchestrator.internal.core;

import dev.cadre.orchestrator.pattern.PatternContext;
import dev.cadre.orchestrator.pattern.Promise;
import dev.cadre.orchestrator.pattern.Pattern;
import dev.cadre.api.crew.Step;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Runs the branches at the same time (at most {@code maxConcurrency} at once); the output joins theirs, in branch
 * order, each under its name. The first branch that fails fails the step.
 */
final class ParallelPattern implements Pattern<Step.Parallel> {

    @Override
    public Promise<Outcome> run(Step.Parallel parallel, String path, PatternContext steps) {
        List<Supplier<Promise<Map.Entry<String, String>>>> branches = parallel.branches().stream()
                .<Supplier<Promise<Map.Entry<String, String>>>>map(branch ->
                        () -> steps.run(branch, path).map(out -> Map.entry(branch.name(), out)))
                .toList();
        return steps.all(branches, parallel.maxConcurrency())
                .map(outputs -> new Outcome(outputs.stream().map(e -> "## " + e.getKey() + "\n" + e.getValue().strip())
                        .collect(Collectors.joining("\n\n")), outputs.size() + " branches joined"));
    }
}
