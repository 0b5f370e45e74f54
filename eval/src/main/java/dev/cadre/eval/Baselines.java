package dev.cadre.eval;

import dev.cadre.api.Task;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Step;
import dev.cadre.personas.CrewFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The baselines a crew should beat to be worth its agents, made from the crew itself so they use the same personas,
 * models and tools, and run under the same budget per case as every crew of an eval:
 * <ul>
 *   <li>a debate: {@code <crew>-single} (its first debater answers once) and {@code <crew>-vote} (every debater
 *       answers rounds + 1 times independently and the majority wins: as many answers as the debate makes, without
 *       the debaters seeing each other; "Debate or Vote", 2025, found voting explains most of debate's gain);</li>
 *   <li>a loop of several agents (coder and reviewer): {@code <crew>-alone}, the loop's first agent (the coder) once,
 *       on its own task, without the others' feedback;</li>
 *   <li>any other crew of more than one agent: {@code <crew>-single}, its first agent alone on the run's task.</li>
 * </ul>
 * The report then shows whether the extra agents pay: success against tokens, cost and time.
 */
public final class Baselines {

    private Baselines() {}

    /** The baselines of {@code crew}; empty for a crew of one agent. */
    public static List<EvalCrew> of(EvalCrew crew) {
        Crew sample = crew.sample();
        List<EvalCrew> baselines = new ArrayList<>();
        Optional<Step.Debate> debate = find(sample.process(), Step.Debate.class);
        Optional<Step.Loop> loop = find(sample.process(), Step.Loop.class);
        if (debate.isPresent()) {
            baselines.add(derived(crew, "single", c -> replaced(c, find(c.process(), Step.Debate.class)
                    .map(d -> (Step) new Step.Work(d.name(), d.debaters().get(0), d.question(), null)).orElseThrow())));
            baselines.add(derived(crew, "vote", c -> replaced(c, find(c.process(), Step.Debate.class)
                    .map(d -> (Step) d.voteBaseline(d.name())).orElseThrow())));
        } else if (loop.isPresent() && works(loop.get()).size() > 1) {
            baselines.add(derived(crew, "alone", c -> replaced(c, find(c.process(), Step.Loop.class)
                    .map(l -> alone(works(l).get(0))).orElseThrow())));
        } else {
            List<Step.Work> all = new ArrayList<>();
            collectWorks(sample.process(), all);
            if (all.stream().map(w -> w.agent().id()).distinct().count() > 1) {
                baselines.add(derived(crew, "single", c -> {
                    List<Step.Work> works = new ArrayList<>();
                    collectWorks(c.process(), works);
                    return replaced(c, new Step.Work(works.get(0).name(), works.get(0).agent(), null, null));
                }));
            }
        }
        return baselines;
    }

    private static EvalCrew derived(EvalCrew crew, String suffix, UnaryOperator<Crew> change) {
        return new EvalCrew(crew.name() + "-" + suffix, crew.source(), workspace -> {
            CrewFile file = crew.make().apply(workspace);
            Crew changed = change.apply(file.crew());
            return new CrewFile(new Crew(changed.name(), changed.process(), changed.policy()), file.inputs(), file.notes(), file.commands());
        });
    }

    /** The crew with its process replaced by {@code step} (a baseline runs alone: what followed the pattern needs its output). */
    private static Crew replaced(Crew crew, Step step) {
        return new Crew(crew.name(), step, crew.policy());
    }

    /** A work step on its own: its task without the context only the loop's other steps produced. */
    private static Step alone(Step.Work work) {
        Task task = work.task();
        Task own = task == null ? null : new Task(task.id(), task.description(), task.expectedOutput(), task.inputs(), List.of(), task.outputSchema());
        return new Step.Work(work.name(), work.agent(), own, null);
    }

    private static List<Step.Work> works(Step.Loop loop) {
        return loop.steps().stream().filter(Step.Work.class::isInstance).map(Step.Work.class::cast).toList();
    }

    private static void collectWorks(Step step, List<Step.Work> into) {
        if (step instanceof Step.Work w) into.add(w);
        if (step instanceof Step.Sequential s) s.steps().forEach(c -> collectWorks(c, into));
        if (step instanceof Step.Loop l) l.steps().forEach(c -> collectWorks(c, into));
        if (step instanceof Step.Parallel p) p.branches().forEach(c -> collectWorks(c, into));
    }

    private static <T extends Step> Optional<T> find(Step step, Class<T> kind) {
        if (kind.isInstance(step)) {
            return Optional.of(kind.cast(step));
        }
        List<Step> children = new ArrayList<>();
        if (step instanceof Step.Sequential s) children.addAll(s.steps());
        if (step instanceof Step.Loop l) children.addAll(l.steps());
        if (step instanceof Step.Parallel p) children.addAll(p.branches());
        for (Step child : children) {
            Optional<T> found = find(child, kind);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }
}
