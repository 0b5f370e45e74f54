package dev.cadre.orchestrator;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a fork changes in the run it starts from: outputs of steps replaced (the step is not run; what follows sees the
 * new output) and models swapped for agents' calls from the fork point on. {@link #none()} forks unchanged, to run
 * again from an earlier point.
 *
 * <pre>{@code
 * RunHandle fork = orchestrator.fork(runId, 12, Fork.none().editOutput("plan/draft", "A shorter plan."), crew);
 * }</pre>
 */
public record Fork(Map<String, String> editedOutputs, Map<String, String> models) {

    public Fork {
        editedOutputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(editedOutputs));
        models = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(models));
    }

    public static Fork none() {
        return new Fork(Map.of(), Map.of());
    }

    /** The step at {@code stepPath} gives {@code output} instead of running. */
    public Fork editOutput(String stepPath, String output) {
        Map<String, String> more = new LinkedHashMap<>(editedOutputs);
        more.put(Objects.requireNonNull(stepPath, "stepPath"), Objects.requireNonNull(output, "output"));
        return new Fork(more, models);
    }

    /** Agent {@code agent}'s calls after the fork point go to {@code modelReference} (e.g. "openai:gpt-4.1"). */
    public Fork model(String agent, String modelReference) {
        Map<String, String> more = new LinkedHashMap<>(models);
        more.put(Objects.requireNonNull(agent, "agent"), Objects.requireNonNull(modelReference, "modelReference"));
        return new Fork(editedOutputs, more);
    }
}
