package dev.cadre.api.crew;

import dev.cadre.api.Agent;
import dev.cadre.api.Task;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One part of a crew's process. Processes nest: any step can be part of another. Each step has a name, which is
 * its segment in step paths ({@code review-loop/iteration-2/coder}) and the name its output goes by, so later
 * tasks can take it as context.
 */
public sealed interface Step permits Step.Work, Step.Sequential, Step.Loop, Step.Parallel, Step.Hierarchical,
        Step.Debate, Step.Vote, Step.Custom {

    Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}");

    String name();

    private static String requireName(String kind, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(kind + " step name '" + name + "' is invalid: use 1 to 64 letters, digits,"
                    + " '_' or '-'.");
        }
        return name;
    }

    private static <T> List<T> nonEmpty(String kind, String name, String what, List<T> items) {
        if (items == null || items.isEmpty()) {
            throw new IllegalArgumentException(kind + " step '" + name + "' has no " + what + ".");
        }
        return List.copyOf(items);
    }

    private static void uniqueNames(String kind, String name, List<Step> steps) {
        Set<String> seen = new HashSet<>();
        for (Step step : steps) {
            if (!seen.add(step.name())) {
                throw new IllegalArgumentException(kind + " step '" + name + "' has two steps named '" + step.name()
                        + "': step names must be unique among siblings.");
            }
        }
    }

    /**
     * An agent works on a task. The output goes by the task's id (the step's name). With no task, the agent works
     * on the run's task. {@code review} asks a human before and/or after.
     */
    record Work(String name, Agent agent, Task task, Review review) implements Step {
        public Work {
            Objects.requireNonNull(agent, "agent");
            name = requireName("Work", name != null ? name : task != null ? task.id() : agent.id());
            review = review == null ? Review.NONE : review;
        }

        public Work reviewed(Review review) {
            return new Work(name, agent, task, review);
        }
    }

    /** Steps in order; each sees the outputs its task names. The output is the last step's. */
    record Sequential(String name, List<Step> steps) implements Step {
        public Sequential {
            requireName("Sequential", name);
            steps = nonEmpty("Sequential", name, "steps", steps);
            uniqueNames("Sequential", name, steps);
        }
    }

    /**
     * Steps that repeat, in order, until {@code until} holds after an iteration or {@code maxIterations} is
     * reached. Each iteration's steps see the latest outputs of the others (a reviewer's feedback reaches the coder's
     * next iteration). The output is the last step's output of the last iteration; the outcome says whether the loop
     * converged or hit its bound.
     */
    record Loop(String name, List<Step> steps, Until until, int maxIterations) implements Step {
        public Loop {
            requireName("Loop", name);
            steps = nonEmpty("Loop", name, "steps", steps);
            uniqueNames("Loop", name, steps);
            Objects.requireNonNull(until, "until");
            if (maxIterations < 1) {
                throw new IllegalArgumentException("Loop step '" + name + "' has maxIterations " + maxIterations + ": it must be at least 1.");
            }
        }
    }

    /** Branches fanned out at most {@code maxConcurrency} at a time and joined; the output lists each branch's. */
    record Parallel(String name, List<Step> branches, int maxConcurrency) implements Step {
        public Parallel {
            requireName("Parallel", name);
            branches = nonEmpty("Parallel", name, "branches", branches);
            uniqueNames("Parallel", name, branches);
            if (maxConcurrency < 1) {
                throw new IllegalArgumentException("Parallel step '" + name + "' has maxConcurrency " + maxConcurrency + ": it must be at least 1.");
            }
        }
    }

    /**
     * A manager plans and delegates: it gets a {@code delegate(worker, subtask)} tool and a {@code finish(answer)}
     * tool. Workers run as child steps; the manager sees their outputs and may delegate again. Delegations are
     * bounded by {@code maxDelegations}; nested teams by {@code maxDepth}.
     */
    record Hierarchical(String name, Agent manager, Task goal, List<Worker> workers, int maxDelegations, int maxDepth)
            implements Step {
        public Hierarchical {
            requireName("Hierarchical", name);
            Objects.requireNonNull(manager, "manager");
            workers = nonEmpty("Hierarchical", name, "workers", workers);
            Set<String> seen = new HashSet<>();
            for (Worker worker : workers) {
                if (worker.name().equals(manager.id())) {
                    throw new IllegalArgumentException("Hierarchical step '" + name + "' lists its manager '" + manager.id()
                            + "' as a worker: a manager delegates to others, never to itself.");
                }
                if (!seen.add(worker.name())) {
                    throw new IllegalArgumentException("Hierarchical step '" + name + "' has two workers named '" + worker.name() + "'.");
                }
            }
            if (maxDelegations < 1 || maxDepth < 1) {
                throw new IllegalArgumentException("Hierarchical step '" + name + "' needs maxDelegations and maxDepth of at least 1.");
            }
        }
    }

    /**
     * Debaters answer independently, then for {@code rounds} rounds each sees the others' previous answers (or a
     * summary of them, when a summarizer is set) and revises. Stops early when the normalised answers agree.
     * Aggregated by majority vote, or by a judge when one is set. {@code answerField} names the field of a JSON
     * answer that is compared (default {@code answer}); plain text answers are compared whole.
     */
    record Debate(String name, List<Agent> debaters, Task question, int rounds, Agent judge, Agent summarizer,
                  String answerField) implements Step {
        public Debate {
            requireName("Debate", name);
            debaters = nonEmpty("Debate", name, "debaters", debaters);
            Set<String> ids = new HashSet<>();
            debaters.forEach(d -> {
                if (!ids.add(d.id())) {
                    throw new IllegalArgumentException("Debate step '" + name + "' has two debaters with id '" + d.id() + "'.");
                }
            });
            if (rounds < 0) {
                throw new IllegalArgumentException("Debate step '" + name + "' has " + rounds + " rounds: it must be 0 or more.");
            }
            answerField = answerField == null ? "answer" : answerField;
        }

        /** The vote-only baseline at the same budget: each debater answers rounds + 1 times, independently. */
        public Vote voteBaseline(String voteName) {
            return new Vote(voteName, debaters, question, rounds + 1, answerField);
        }
    }

    /** Each voter answers {@code samples} times independently; the majority answer wins (debate's baseline). */
    record Vote(String name, List<Agent> voters, Task question, int samples, String answerField) implements Step {
        public Vote {
            requireName("Vote", name);
            voters = nonEmpty("Vote", name, "voters", voters);
            if (samples < 1) {
                throw new IllegalArgumentException("Vote step '" + name + "' has " + samples + " samples: it must be at least 1.");
            }
            answerField = answerField == null ? "answer" : answerField;
        }
    }

    // ---- builders ----

    static Work work(Agent agent, Task task) {
        return new Work(null, agent, task, null);
    }

    /** An agent working on the run's task. */
    static Work work(Agent agent) {
        return new Work(null, agent, null, null);
    }

    static Sequential sequential(String name, Step... steps) {
        return new Sequential(name, List.of(steps));
    }

    /**
     * A step of a kind of your own: the pattern registered for {@code kind} with the orchestrator runs it, with these
     * child steps and settings (what they mean is the pattern's; see docs/patterns.md).
     */
    record Custom(String name, String kind, List<Step> steps, java.util.Map<String, String> settings) implements Step {
        public Custom {
            name = requireName("Custom", name);
            if (kind == null || !NAME.matcher(kind).matches()) {
                throw new IllegalArgumentException("Custom step '" + name + "' has kind '" + kind + "': use 1 to 64 letters, digits,"
                        + " '_' or '-'.");
            }
            steps = steps == null ? List.of() : List.copyOf(steps);
            uniqueNames("Custom", name, steps);
            settings = settings == null ? java.util.Map.of() : java.util.Map.copyOf(settings);
        }
    }

    static Custom custom(String name, String kind, java.util.Map<String, String> settings, Step... steps) {
        return new Custom(name, kind, List.of(steps), settings);
    }

    static Loop loop(String name, Until until, int maxIterations, Step... steps) {
        return new Loop(name, List.of(steps), until, maxIterations);
    }

    static Parallel parallel(String name, int maxConcurrency, Step... branches) {
        return new Parallel(name, List.of(branches), maxConcurrency);
    }

    static Hierarchical hierarchical(String name, Agent manager, Task goal, int maxDelegations, Agent... workers) {
        List<Worker> list = new ArrayList<>();
        for (Agent worker : workers) {
            list.add(Worker.agent(worker));
        }
        return new Hierarchical(name, manager, goal, list, maxDelegations, 3);
    }

    static Debate debate(String name, Task question, int rounds, Agent... debaters) {
        return new Debate(name, List.of(debaters), question, rounds, null, null, null);
    }
}
