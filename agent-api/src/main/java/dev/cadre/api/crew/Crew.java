package dev.cadre.api.crew;

import dev.cadre.api.Agent;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
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

    /**
     * Every agent of the crew's process, in the order the process names them (a work step's agent, a manager before
     * its workers, debaters before the judge and the summarizer, voters); an agent named by two steps appears twice.
     */
    public List<Agent> agents() {
        List<Agent> agents = new ArrayList<>();
        agents(process, agents);
        return List.copyOf(agents);
    }

    private static void agents(Step step, List<Agent> agents) {
        if (step instanceof Step.Work w) agents.add(w.agent());
        if (step instanceof Step.Sequential s) s.steps().forEach(c -> agents(c, agents));
        if (step instanceof Step.Loop l) l.steps().forEach(c -> agents(c, agents));
        if (step instanceof Step.Custom c) c.steps().forEach(child -> agents(child, agents));
        if (step instanceof Step.Parallel p) p.branches().forEach(c -> agents(c, agents));
        if (step instanceof Step.Hierarchical h) {
            agents.add(h.manager());
            h.workers().forEach(w -> {
                if (w instanceof Worker.AgentWorker a) agents.add(a.agent());
                if (w instanceof Worker.Team t) agents(t.team(), agents);
            });
        }
        if (step instanceof Step.Debate d) {
            agents.addAll(d.debaters());
            if (d.judge() != null) agents.add(d.judge());
            if (d.summarizer() != null) agents.add(d.summarizer());
        }
        if (step instanceof Step.Vote v) agents.addAll(v.voters());
    }

    public Crew withPolicy(CrewPolicy policy) {
        return new Crew(name, process, policy);
    }
}
