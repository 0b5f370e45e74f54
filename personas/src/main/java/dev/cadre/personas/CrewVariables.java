package dev.cadre.personas;

import dev.cadre.api.Agent;
import dev.cadre.api.FewShotExample;
import dev.cadre.api.Persona;
import dev.cadre.api.Task;
import dev.cadre.api.Templates;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Step;
import dev.cadre.api.crew.Worker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The {@code {variables}} a crew's personas and tasks use, and a check, before a run starts, that each has a value:
 * a variable without one is an error, as in CrewAI ("Template variable ... not found"), never text sent to the model.
 * {@code {task}} (the run's task) always has one.
 */
public final class CrewVariables {

    private CrewVariables() {}

    /** Each variable the crew uses, with where: {@code task 'research'}, {@code agent 'researcher'}. */
    public static Map<String, Set<String>> used(Crew crew) {
        Map<String, Set<String>> used = new LinkedHashMap<>();
        collect(crew.process(), used);
        return used;
    }

    /**
     * Fails when a variable the crew uses is neither in {@code inputs} nor {@code task}; {@code howToGive} says how a
     * value is given (e.g. {@code name -> "pass --input " + name + "=VALUE"}).
     */
    public static void requireInputs(Crew crew, Map<String, String> inputs, Function<String, String> howToGive) {
        List<String> missing = new ArrayList<>();
        Map<String, Set<String>> used = used(crew);
        used.forEach((name, where) -> {
            if (!name.equals("task") && !inputs.containsKey(name)) {
                missing.add(name);
            }
        });
        if (missing.isEmpty()) {
            return;
        }
        String first = missing.get(0);
        throw new IllegalArgumentException("Template variable {" + first + "} (in " + String.join(", ", used.get(first))
                + ") has no value" + (missing.size() > 1 ? ", nor " + String.join(", ", missing.subList(1, missing.size())
                .stream().map(n -> "{" + n + "}").toList()) : "") + ": " + howToGive.apply(first) + ".");
    }

    private static void collect(Step step, Map<String, Set<String>> used) {
        if (step instanceof Step.Work w) {
            agent(w.agent(), used);
            task(w.task(), used);
        } else if (step instanceof Step.Sequential s) {
            s.steps().forEach(c -> collect(c, used));
        } else if (step instanceof Step.Loop l) {
            l.steps().forEach(c -> collect(c, used));
        } else if (step instanceof Step.Parallel p) {
            p.branches().forEach(c -> collect(c, used));
        } else if (step instanceof Step.Hierarchical h) {
            agent(h.manager(), used);
            task(h.goal(), used);
            for (Worker w : h.workers()) {
                if (w instanceof Worker.AgentWorker a) agent(a.agent(), used);
                if (w instanceof Worker.Team t) collect(t.team(), used);
            }
        } else if (step instanceof Step.Debate d) {
            d.debaters().forEach(a -> agent(a, used));
            task(d.question(), used);
            if (d.judge() != null) agent(d.judge(), used);
            if (d.summarizer() != null) agent(d.summarizer(), used);
        } else if (step instanceof Step.Vote v) {
            v.voters().forEach(a -> agent(a, used));
            task(v.question(), used);
        }
    }

    private static void agent(Agent agent, Map<String, Set<String>> used) {
        Persona p = agent.persona();
        List<String> texts = new ArrayList<>(List.of(p.role()));
        for (String s : new String[] {p.goal(), p.backstory(), p.instructions(), p.output().expectedOutput()}) {
            if (s != null) texts.add(s);
        }
        for (FewShotExample e : p.examples()) {
            texts.add(e.input());
            texts.add(e.output());
        }
        add(texts, "agent '" + agent.id() + "'", used);
    }

    private static void task(Task task, Map<String, Set<String>> used) {
        if (task == null) {
            return;
        }
        List<String> texts = new ArrayList<>(List.of(task.description()));
        if (task.expectedOutput() != null) texts.add(task.expectedOutput());
        List<String> missing = new ArrayList<>();
        for (String t : texts) {
            Templates.names(t).stream().filter(n -> !task.inputs().containsKey(n)).forEach(missing::add);
        }
        missing.forEach(n -> used.computeIfAbsent(n, k -> new LinkedHashSet<>()).add("task '" + task.id() + "'"));
    }

    private static void add(List<String> texts, String where, Map<String, Set<String>> used) {
        for (String t : texts) {
            for (String name : Templates.names(t)) {
                used.computeIfAbsent(name, k -> new LinkedHashSet<>()).add(where);
            }
        }
    }
}
