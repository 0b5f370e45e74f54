package dev.cadre.api.crew;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A crew: a name, a process (a tree of {@link Step}s whose leaves are agents working on tasks) and the policy it
 * runs under. Data: build it in Java or load it from YAML.
 */
public record Crew(String name, Step process, CrewPolicy policy) {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}");

    public Crew {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Crew name '" + name + "' is invalid: use 1 to 64 letters, digits, '_', '.' or '-'.");
        }
        Objects.requireNonNull(process, "process");
        policy = policy == null ? CrewPolicy.DEFAULT : policy;
    }

    public static Crew of(String name, Step process) {
        return new Crew(name, process, CrewPolicy.DEFAULT);
    }

    /** The names this crew's outputs go by (each step's name; a work step's is its task id), which tasks can take as context. */
    public Set<String> outputNames() {
        return outputNames(process);
    }

    /** The output names of a process (see {@link #outputNames()}). */
    public static Set<String> outputNames(Step process) {
        Set<String> names = new LinkedHashSet<>();
        collect(process, names);
        return names;
    }

    private static void collect(Step step, Set<String> names) {
        names.add(step.name());
        if (step instanceof Step.Sequential s) s.steps().forEach(c -> collect(c, names));
        if (step instanceof Step.Loop l) l.steps().forEach(c -> collect(c, names));
        if (step instanceof Step.Custom c) c.steps().forEach(child -> collect(child, names));
        if (step instanceof Step.Parallel p) p.branches().forEach(c -> collect(c, names));
        if (step instanceof Step.Hierarchical h) h.workers().forEach(w -> {
            if (w instanceof Worker.Team t) collect(t.team(), names);
        });
    }

    public Crew withPolicy(CrewPolicy policy) {
        return new Crew(name, process, policy);
    }
}
