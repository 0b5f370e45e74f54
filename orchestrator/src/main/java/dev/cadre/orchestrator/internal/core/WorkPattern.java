package dev.cadre.orchestrator.internal.core;

import dev.cadre.orchestrator.pattern.Promise;
import dev.cadre.orchestrator.pattern.Failure;
import dev.cadre.api.Checkpoint;
import dev.cadre.api.Task;
import dev.cadre.api.crew.Review;
import dev.cadre.api.crew.Step;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * An agent's work on a task, with the context its task names and the human review the step asks for: before (go
 * ahead, instructions, or an edited task) and after (approve, edit, or reject with feedback for another attempt,
 * {@code attempt-2} and on, up to the review's bound). The agent's turn journals the step; this adds no step of its own.
 */
final class WorkPattern {

    Promise<String> run(Step.Work w, String path, Steps steps) {
        Core core = steps.core;
        Task task = steps.effective(w.task());
        LinkedHashMap<String, String> context = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (String name : task.context()) {
            String value = core.outputs.get(name);
            if (value != null) {
                context.put(name, value);
            } else if (!core.setup.crewOutputNames().contains(name)) {
                missing.add(name);
            }
        }
        TurnSpec first = new TurnSpec(w.agent(), task, context, path, w.name(), List.of(), null);
        if (!missing.isEmpty()) {
            List<String> available = new ArrayList<>(core.outputs.keySet());
            available.sort(null);
            return steps.turns.failBeforeStart(first, "Task '" + task.id() + "' takes context " + missing
                    + ", but no earlier output has that name; available outputs: "
                    + (available.isEmpty() ? "none" : String.join(", ", available)) + ".");
        }
        Promise<TurnSpec> start = w.review().before() ? reviewBefore(first, core) : core.trampoline.done(first);
        return start.then(spec -> attempt(w, spec, 1, steps)).peek(output -> {
            core.outputs.put(w.name(), output);
            core.command(new Command.StepOutput(path, output, null));
        }, f -> {});
    }

    private Promise<TurnSpec> reviewBefore(TurnSpec spec, Core core) {
        String id = spec.stepPath() + "#review-before";
        return core.checkpoints.request(id, spec.stepPath(), Checkpoint.Kind.REVIEW_BEFORE,
                "Agent '" + spec.agent().id() + "' is about to start this task. Go ahead?", spec.task().renderedDescription(),
                spec.agent().id(), null).then(decision -> switch (decision.kind()) {
            case APPROVE -> core.trampoline.done(spec);
            case REJECT -> core.trampoline.done(withContext(spec, "Reviewer's instructions before you start", decision.feedback()));
            case EDIT -> core.trampoline.done(spec.withTask(new Task(spec.task().id(), decision.editedOutput(),
                    spec.task().expectedOutput(), spec.task().inputs(), spec.task().context(), spec.task().outputSchema())));
            case ABORT -> core.trampoline.failed(Checkpointing.aborted(id, decision));
        });
    }

    private static TurnSpec withContext(TurnSpec spec, String name, String text) {
        LinkedHashMap<String, String> context = new LinkedHashMap<>(spec.context());
        context.put(name, text == null || text.isBlank() ? "(no feedback given)" : text);
        return spec.withContext(context);
    }

    private Promise<String> attempt(Step.Work w, TurnSpec spec, int attempt, Steps steps) {
        Core core = steps.core;
        String basePath = spec.stepPath();
        // spec keeps the step's own path: a step may itself be named attempt-N
        String path = attempt == 1 ? basePath : basePath + "/attempt-" + attempt;
        Promise<String> output = steps.turns.run(spec.at(path));
        Review review = w.review();
        if (!review.after()) {
            return output;
        }
        return output.then(out -> {
            String id = path + "#review-after";
            return core.checkpoints.request(id, path, Checkpoint.Kind.REVIEW_AFTER,
                    "Review the output of agent '" + spec.agent().id() + "' for step '" + w.name() + "'.", out,
                    spec.agent().id(), null).then(decision -> switch (decision.kind()) {
                case APPROVE -> core.trampoline.done(out);
                case EDIT -> core.trampoline.done(decision.editedOutput());
                case REJECT -> {
                    if (attempt > review.maxRejections()) {
                        yield core.trampoline.failed(Failure.of("Step '" + w.name() + "' was rejected " + attempt
                                + " times; the last feedback was: " + (decision.feedback() == null ? "(none)" : decision.feedback())));
                    }
                    TurnSpec redo = withContext(withContext(spec, "Your previous answer", out),
                            "Reviewer's feedback on your previous answer", decision.feedback());
                    yield attempt(w, redo, attempt + 1, steps);
                }
                case ABORT -> core.trampoline.failed(Checkpointing.aborted(id, decision));
            });
        });
    }
}
