package dev.cadre.orchestrator.internal.core;

import dev.cadre.api.Agent;
import dev.cadre.api.RunEvent;
import dev.cadre.api.Task;
import dev.cadre.api.crew.Step;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs steps for patterns: picks the step kind's {@link Pattern}, journals the step's start and its end (finished or
 * failed), keeps its output under its name for later steps' context, and runs agents' turns. Every step's path is
 * unique within the run, which is what lets a resumed run recognise what it already did.
 */
public final class Steps {

    final Core core;
    final Turns turns;

    Steps(Core core) {
        this.core = core;
        this.turns = new Turns(core);
    }

    /** Runs {@code step} under {@code parentPath} ("" for the root); gives its output. */
    public Promise<String> run(Step step, String parentPath) {
        String path = parentPath.isEmpty() ? step.name() : parentPath + "/" + step.name();
        if (step instanceof Step.Work w) {
            return new WorkPattern().run(w, path, this);
        }
        String kind = step.getClass().getSimpleName().toLowerCase(Locale.ROOT);
        return composite(step.name(), path, kind, () -> body(step, path));
    }

    private Promise<Pattern.Outcome> body(Step step, String path) {
        if (step instanceof Step.Sequential s) return new SequentialPattern().run(s, path, this);
        if (step instanceof Step.Loop l) return new LoopPattern().run(l, path, this);
        if (step instanceof Step.Parallel p) return new ParallelPattern().run(p, path, this);
        if (step instanceof Step.Hierarchical h) return new HierarchicalPattern().run(h, path, this);
        if (step instanceof Step.Debate d) return new DebatePattern().run(d, path, this);
        if (step instanceof Step.Vote v) return new VotePattern().run(v, path, this);
        throw new IllegalStateException("Unknown step type " + step.getClass());
    }

    /** Journals a composite step's start, runs its body, and journals its end. */
    Promise<String> composite(String name, String path, String kind, Supplier<Promise<Pattern.Outcome>> body) {
        core.emit((id, seq, at) -> new RunEvent.StepStarted(id, path, seq, at, null, kind, null));
        return body.get().peek(result -> {
            core.emit((id, seq, at) -> new RunEvent.StepFinished(id, path, seq, at, result.output(), null, result.outcome()));
            core.outputs.put(name, result.output());
            core.command(new Command.StepOutput(path, result.output(), result.outcome()));
        }, f -> core.emit((id, seq, at) -> new RunEvent.StepFailed(id, path, seq, at, f.reason(), null))).map(Pattern.Outcome::output);
    }

    /** One agent's turn on a task, with the context the pattern gives it; its output is kept for the run's result. */
    public Promise<String> agent(Agent agent, Task task, Map<String, String> context, String path) {
        return turns.run(new TurnSpec(agent, task, new LinkedHashMap<>(context), path, task.id(), List.of(), null))
                .peek(output -> core.command(new Command.StepOutput(path, output, null)), f -> {});
    }

    /** A step's task with the run's inputs and {@code {task}} (the run's task) available to its variables. */
    public Task effective(Task task) {
        Task runTask = core.setup.task();
        Task base = task == null ? runTask : task;
        Map<String, String> inputs = new HashMap<>(base.inputs());
        inputs.putAll(runTask.inputs());
        inputs.putIfAbsent("task", runTask.renderedDescription());
        return base.withInputs(inputs);
    }

    /** The outputs so far by name (read-only copy), as a loop's exit condition sees them. */
    public Map<String, String> outputs() {
        return Map.copyOf(core.outputs);
    }

    Trampoline trampoline() {
        return core.trampoline;
    }
}
