package dev.cadre.orchestrator.internal.core;

import dev.cadre.orchestrator.pattern.Promise;
import dev.cadre.orchestrator.pattern.Pattern;
import dev.cadre.api.Agent;
import dev.cadre.api.RunEvent;
import dev.cadre.api.Task;
import dev.cadre.api.crew.Step;
import dev.cadre.orchestrator.pattern.Failure;
import dev.cadre.orchestrator.pattern.PatternContext;
import java.time.Instant;
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
public final class Steps implements PatternContext {

    final Core core;
    final Turns turns;

    Steps(Core core) {
        this.core = core;
        this.turns = new Turns(core);
    }

    /** Runs {@code step} under {@code parentPath} ("" for the root); gives its output. */
    @Override
    public Promise<String> run(Step step, String parentPath) {
        String path = parentPath.isEmpty() ? step.name() : parentPath + "/" + step.name();
        String edited = core.editedOutput(path);
        if (edited != null) {
            String kind = step instanceof Step.Work ? "agent" : step.getClass().getSimpleName().toLowerCase(Locale.ROOT);
            return given(step.name(), path, kind, edited);
        }
        if (step instanceof Step.Work w) {
            return new WorkPattern().run(w, path, this);
        }
        String kind = step instanceof Step.Custom c ? c.kind() : step.getClass().getSimpleName().toLowerCase(Locale.ROOT);
        return composite(step.name(), path, kind, () -> body(step, path));
    }

    private Promise<Pattern.Outcome> body(Step step, String path) {
        if (step instanceof Step.Sequential s) return new SequentialPattern().run(s, path, this);
        if (step instanceof Step.Loop l) return new LoopPattern().run(l, path, this);
        if (step instanceof Step.Parallel p) return new ParallelPattern().run(p, path, this);
        if (step instanceof Step.Hierarchical h) return new HierarchicalPattern().run(h, path, this);
        if (step instanceof Step.Debate d) return new DebatePattern().run(d, path, this);
        if (step instanceof Step.Vote v) return new VotePattern().run(v, path, this);
        if (step instanceof Step.Custom c) {
            Pattern<Step.Custom> pattern = core.setup.patterns().get(c.kind());
            if (pattern == null) {
                return failed("Step '" + c.name() + "' is of kind '" + c.kind() + "', but no pattern is registered for it.");
            }
            return pattern.run(c, path, this);
        }
        throw new IllegalStateException("Unknown step type " + step.getClass());
    }

    /** A step whose output a fork gave: journaled as started and finished with it, nothing run. */
    Promise<String> given(String name, String path, String kind, String output) {
        core.emit((id, seq, at) -> new RunEvent.StepStarted(id, path, seq, at, null, kind, null));
        core.emit((id, seq, at) -> new RunEvent.StepFinished(id, path, seq, at, output, null, EDITED));
        core.outputs.put(name, output);
        core.command(new Command.StepOutput(path, output, EDITED));
        return core.trampoline.done(output);
    }

    static final String EDITED = "output edited in a fork";

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
    @Override
    public Promise<String> agent(Agent agent, Task task, Map<String, String> context, String path) {
        return turns.run(new TurnSpec(agent, task, new LinkedHashMap<>(context), path, task.id(), List.of(), null))
                .peek(output -> core.command(new Command.StepOutput(path, output, null)), f -> {});
    }

    /** A step's task with the run's inputs and {@code {task}} (the run's task) available to its variables. */
    @Override
    public Task effective(Task task) {
        Task runTask = core.setup.task();
        Task base = task == null ? runTask : task;
        Map<String, String> inputs = new HashMap<>(base.inputs());
        inputs.putAll(runTask.inputs());
        inputs.putIfAbsent("task", runTask.renderedDescription());
        return base.withInputs(inputs);
    }

    /** The outputs so far by name (read-only copy), as a loop's exit condition sees them. */
    @Override
    public Map<String, String> outputs() {
        return Map.copyOf(core.outputs);
    }

    @Override
    public long tokensUsed() {
        return core.budgets.run().totalTokens();
    }

    @Override
    public Instant now() {
        return core.now();
    }

    @Override
    public <T> Promise<T> done(T value) {
        return core.trampoline.done(value);
    }

    @Override
    public <T> Promise<T> failed(String reason) {
        return core.trampoline.failed(Failure.of(reason));
    }

    @Override
    public <T> Promise<List<T>> all(List<Supplier<Promise<T>>> work, int concurrency) {
        return Promise.all(core.trampoline, work, concurrency);
    }
}
