package dev.cadre.orchestrator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.Agent;
import dev.cadre.api.CadreJson;
import dev.cadre.api.Checkpoint;
import dev.cadre.api.RunEvent;
import dev.cadre.api.Task;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolResult;
import dev.cadre.api.crew.Review;
import dev.cadre.api.crew.Step;
import dev.cadre.api.crew.Until;
import dev.cadre.api.crew.Worker;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs the steps of a crew's process: agents' work (with human review), and the patterns around it (sequential,
 * loop, parallel, hierarchical, debate, vote). Every step's path is unique within the run, which is what lets a
 * resumed run recognise what it already did.
 *
 * <p>Over 300 lines because every pattern's algorithm is still here; issue 14 moves each into one small pattern
 * class of the deterministic core, and this class goes then.
 */
public final class StepRunner {

    private record Result(String output, String outcome) {}

    private final RunContext run;
    private final AgentTurn turns;

    public StepRunner(RunContext run) {
        this.run = run;
        this.turns = new AgentTurn(run);
    }

    /** Runs {@code step} under {@code parentPath} ("" for the root); gives its output. */
    public Mono<String> run(Step step, String parentPath) {
        String path = parentPath.isEmpty() ? step.name() : parentPath + "/" + step.name();
        if (step instanceof Step.Work w) {
            return work(w, path);
        }
        String kind = step.getClass().getSimpleName().toLowerCase(Locale.ROOT);
        Mono<Result> body;
        if (step instanceof Step.Sequential s) {
            body = Flux.fromIterable(s.steps()).concatMap(child -> run(child, path)).last().map(out -> new Result(out, null));
        } else if (step instanceof Step.Loop l) {
            body = loop(l, path);
        } else if (step instanceof Step.Parallel p) {
            body = parallel(p, path);
        } else if (step instanceof Step.Hierarchical h) {
            body = hierarchical(h, path, null, List.of());
        } else if (step instanceof Step.Debate d) {
            body = debate(d, path);
        } else if (step instanceof Step.Vote v) {
            body = vote(v, path);
        } else {
            return Mono.error(new IllegalStateException("Unknown step type " + step.getClass()));
        }
        return composite(step.name(), path, kind, body);
    }

    private Mono<String> composite(String name, String path, String kind, Mono<Result> body) {
        return Mono.defer(() -> {
            run.recorder.emit((id, seq, at) -> new RunEvent.StepStarted(id, path, seq, at, null, kind, null));
            return body.doOnNext(result -> {
                        run.recorder.emit((id, seq, at) -> new RunEvent.StepFinished(id, path, seq, at, result.output(), null,
                                result.outcome()));
                        run.outputs.put(name, result.output());
                        run.handle.stepOutput(path, result.output(), result.outcome());
                    })
                    .doOnError(e -> run.recorder.emit((id, seq, at) -> new RunEvent.StepFailed(id, path, seq, at,
                            e.getMessage(), null)))
                    .map(Result::output);
        });
    }

    // ---- work ----

    private Mono<String> work(Step.Work w, String path) {
        return Mono.defer(() -> {
            Task task = effective(w.task());
            LinkedHashMap<String, String> context = new LinkedHashMap<>();
            List<String> missing = new ArrayList<>();
            for (String name : task.context()) {
                String value = run.outputs.get(name);
                if (value != null) {
                    context.put(name, value);
                } else if (!run.crewOutputNames.contains(name)) {
                    missing.add(name);
                }
            }
            AgentTurn.Spec first = new AgentTurn.Spec(w.agent(), task, context, path, w.name(), List.of(), null);
            if (!missing.isEmpty()) {
                List<String> available = new ArrayList<>(run.outputs.keySet());
                available.sort(null);
                return turns.failBeforeStart(first, "Task '" + task.id() + "' takes context " + missing
                        + ", but no earlier output has that name; available outputs: "
                        + (available.isEmpty() ? "none" : String.join(", ", available)) + ".");
            }
            Review review = w.review();
            Mono<AgentTurn.Spec> start = review.before() ? reviewBefore(first) : Mono.just(first);
            return start.flatMap(spec -> attempt(w, spec, 1))
                    .doOnNext(output -> {
                        run.outputs.put(w.name(), output);
                        run.handle.stepOutput(path, output, null);
                    });
        });
    }

    private Mono<AgentTurn.Spec> reviewBefore(AgentTurn.Spec spec) {
        String id = spec.stepPath() + "#review-before";
        return run.checkpoints.request(id, spec.stepPath(), Checkpoint.Kind.REVIEW_BEFORE,
                "Agent '" + spec.agent().id() + "' is about to start this task. Go ahead?", spec.task().renderedDescription(),
                spec.agent().id(), null).flatMap(decision -> switch (decision.kind()) {
            case APPROVE -> Mono.just(spec);
            case REJECT -> Mono.just(withContext(spec, "Reviewer's instructions before you start", decision.feedback()));
            case EDIT -> Mono.just(new AgentTurn.Spec(spec.agent(), new Task(spec.task().id(), decision.editedOutput(),
                    spec.task().expectedOutput(), spec.task().inputs(), spec.task().context(), spec.task().outputSchema()),
                    spec.context(), spec.stepPath(), spec.outputName(), spec.extraTools(), spec.finished()));
            case ABORT -> Mono.error(Budgets.aborted(id, decision));
        });
    }

    private static AgentTurn.Spec withContext(AgentTurn.Spec spec, String name, String text) {
        LinkedHashMap<String, String> context = new LinkedHashMap<>(spec.context());
        context.put(name, text == null || text.isBlank() ? "(no feedback given)" : text);
        return new AgentTurn.Spec(spec.agent(), spec.task(), context, spec.stepPath(), spec.outputName(), spec.extraTools(),
                spec.finished());
    }

    private Mono<String> attempt(Step.Work w, AgentTurn.Spec spec, int attempt) {
        String basePath = spec.stepPath();
        String path = attempt == 1 ? basePath : stripAttempt(basePath) + "/attempt-" + attempt;
        AgentTurn.Spec current = new AgentTurn.Spec(spec.agent(), spec.task(), spec.context(), path, spec.outputName(),
                spec.extraTools(), spec.finished());
        Mono<String> output = turns.run(current);
        if (!w.review().after()) {
            return output;
        }
        return output.flatMap(out -> {
            String id = path + "#review-after";
            return run.checkpoints.request(id, path, Checkpoint.Kind.REVIEW_AFTER,
                    "Review the output of agent '" + spec.agent().id() + "' for step '" + w.name() + "'.", out,
                    spec.agent().id(), null).flatMap(decision -> switch (decision.kind()) {
                case APPROVE -> Mono.just(out);
                case EDIT -> Mono.just(decision.editedOutput());
                case REJECT -> {
                    if (attempt > w.review().maxRejections()) {
                        yield Mono.error(new StepFailedException("Step '" + w.name() + "' was rejected " + attempt
                                + " times; the last feedback was: " + (decision.feedback() == null ? "(none)" : decision.feedback())));
                    }
                    AgentTurn.Spec redo = withContext(withContext(spec, "Your previous answer", out),
                            "Reviewer's feedback on your previous answer", decision.feedback());
                    yield attempt(w, redo, attempt + 1);
                }
                case ABORT -> Mono.error(Budgets.aborted(id, decision));
            });
        });
    }

    private static String stripAttempt(String path) {
        return path.replaceFirst("/attempt-\\d+$", "");
    }

    /** A step's task with the run's inputs and {@code {task}} (the run's task) available to its variables. */
    private Task effective(Task task) {
        Task base = task == null ? run.runTask : task;
        Map<String, String> inputs = new HashMap<>(base.inputs());
        inputs.putAll(run.runTask.inputs());
        inputs.putIfAbsent("task", run.runTask.renderedDescription());
        return base.withInputs(inputs);
    }

    private Mono<String> agentStep(Agent agent, Task task, LinkedHashMap<String, String> context, String path) {
        return turns.run(new AgentTurn.Spec(agent, task, context, path, task.id(), List.of(), null))
                .doOnNext(output -> run.handle.stepOutput(path, output, null));
    }

    // ---- loop and parallel ----

    private Mono<Result> loop(Step.Loop loop, String path) {
        long tokensAtStart = run.budgets.run().totalTokens();
        Instant start = run.recorder.clock().instant();
        return iteration(loop, path, 1, tokensAtStart, start);
    }

    private Mono<Result> iteration(Step.Loop loop, String path, int i, long tokensAtStart, Instant start) {
        String iterationPath = path + "/iteration-" + i;
        return Flux.fromIterable(loop.steps()).concatMap(child -> run(child, iterationPath)).last().flatMap(out -> {
            Until.LoopState state = new Until.LoopState(i, Map.copyOf(run.outputs),
                    run.budgets.run().totalTokens() - tokensAtStart, Duration.between(start, run.recorder.clock().instant()));
            if (loop.until().holds(state)) {
                return Mono.just(new Result(out, "converged after " + i + (i == 1 ? " iteration" : " iterations")
                        + ": " + loop.until().describe()));
            }
            if (i >= loop.maxIterations()) {
                return Mono.just(new Result(out, "stopped at the bound of " + loop.maxIterations()
                        + " iterations without converging"));
            }
            return iteration(loop, path, i + 1, tokensAtStart, start);
        });
    }

    private Mono<Result> parallel(Step.Parallel parallel, String path) {
        return Flux.fromIterable(parallel.branches())
                .flatMapSequential(branch -> run(branch, path).map(out -> Map.entry(branch.name(), out)), parallel.maxConcurrency())
                .collectList()
                .map(outputs -> new Result(outputs.stream().map(e -> "## " + e.getKey() + "\n" + e.getValue().strip())
                        .collect(Collectors.joining("\n\n")), outputs.size() + " branches joined"));
    }

    // ---- hierarchical ----

    private Mono<Result> hierarchical(Step.Hierarchical h, String path, Task goalOverride, List<String> chain) {
        return Mono.defer(() -> {
            List<String> managers = new ArrayList<>(chain);
            managers.add(h.manager().id());
            Task goal = goalOverride != null ? goalOverride : effective(h.goal());
            AtomicInteger delegations = new AtomicInteger();
            AtomicReference<String> finished = new AtomicReference<>();
            Map<String, Worker> workers = new LinkedHashMap<>();
            h.workers().forEach(w -> workers.put(w.name(), w));
            String roster = h.workers().stream().map(w -> "- " + w.name() + ": " + describe(w)).collect(Collectors.joining("\n"));

            ToolSpecification delegateSpec = ToolSpecification.builder().name("delegate")
                    .description("Give a subtask to one of your workers and get their output back. Workers:\n" + roster)
                    .parameters(JsonObjectSchema.builder()
                            .addStringProperty("worker", "The worker's name, exactly as listed")
                            .addStringProperty("subtask", "What the worker should do, self-contained: they see nothing else")
                            .required("worker", "subtask").build())
                    .build();
            Tool delegate = new InternalTool(delegateSpec, (args, ctx) -> {
                String name = args.get("worker").asText().strip();
                String subtask = args.get("subtask").asText();
                if (name.equals(h.manager().id())) {
                    return Mono.just(ToolResult.error("You cannot delegate to yourself. Workers: "
                            + String.join(", ", workers.keySet()) + "."));
                }
                Worker worker = workers.get(name);
                if (worker == null) {
                    return Mono.just(ToolResult.error("There is no worker named '" + name + "'. Workers: "
                            + String.join(", ", workers.keySet()) + "."));
                }
                int n = delegations.incrementAndGet();
                if (n > h.maxDelegations()) {
                    return Mono.just(ToolResult.error("The limit of " + h.maxDelegations()
                            + " delegations is reached; call finish with your answer now."));
                }
                String childPath = path + "/delegation-" + n + "/" + name;
                Task subTask = Task.builder("delegation-" + n).description(subtask).build();
                Mono<String> work;
                if (worker instanceof Worker.AgentWorker a) {
                    work = agentStep(a.agent(), subTask, new LinkedHashMap<>(), childPath);
                } else {
                    Worker.Team team = (Worker.Team) worker;
                    String teamManager = team.team().manager().id();
                    if (managers.contains(teamManager)) {
                        List<String> cycle = new ArrayList<>(managers);
                        cycle.add(teamManager);
                        return Mono.error(new StepFailedException("Delegation cycle: " + String.join(" -> ", cycle)
                                + "; stopped before it runs again."));
                    }
                    if (managers.size() >= h.maxDepth()) {
                        return Mono.just(ToolResult.error("The delegation depth limit of " + h.maxDepth()
                                + " is reached: team '" + name + "' cannot take subtasks from here. Use another worker."));
                    }
                    work = composite(team.name(), childPath, "hierarchical", hierarchical(team.team(), childPath, subTask, managers));
                }
                return work.map(out -> ToolResult.ok("Output of " + name + ":\n" + out))
                        .onErrorResume(StepFailedException.class, e -> e.getMessage().startsWith("Delegation cycle")
                                ? Mono.error(e) : Mono.just(ToolResult.error("Worker '" + name + "' failed: " + e.getMessage())));
            }, true);
            ToolSpecification finishSpec = ToolSpecification.builder().name("finish")
                    .description("End your work with the final answer.")
                    .parameters(JsonObjectSchema.builder().addStringProperty("answer", "The final answer").required("answer").build())
                    .build();
            Tool finish = new InternalTool(finishSpec, (args, ctx) -> {
                finished.set(args.get("answer").asText());
                return Mono.just(ToolResult.ok("Finished."));
            }, true);
            Task managerTask = new Task(goal.id(), goal.description() + "\n\nYou lead a team. Split the work, give each part to a"
                    + " worker with the delegate tool, check their outputs (ask for rework when needed), and call finish"
                    + " with the final answer. Do not do the workers' work yourself. Your workers:\n" + roster,
                    goal.expectedOutput(), goal.inputs(), List.of(), goal.outputSchema());
            AgentTurn.Spec spec = new AgentTurn.Spec(h.manager(), managerTask, new LinkedHashMap<>(),
                    path + "/" + h.manager().id(), goal.id(), List.of(delegate, finish), finished);
            return turns.run(spec)
                    .doOnNext(out -> run.handle.stepOutput(spec.stepPath(), out, null)) // as a result read from the journal has it
                    .map(out -> new Result(out, delegations.get() + (delegations.get() == 1 ? " delegation" : " delegations")));
        });
    }

    private static String describe(Worker worker) {
        if (worker instanceof Worker.AgentWorker a) {
            var p = a.agent().persona();
            return p.role() + (p.goal() == null ? "" : " (" + p.goal() + ")");
        }
        return "a team led by " + ((Worker.Team) worker).team().manager().persona().role();
    }

    // ---- debate and vote ----

    private Mono<Result> debate(Step.Debate d, String path) {
        Task question = effective(d.question());
        return debateRound(d, path, question, 0, null);
    }

    private Mono<Result> debateRound(Step.Debate d, String path, Task question, int round, List<String> previous) {
        String roundPath = path + "/round-" + round;
        Mono<String> summary = previous != null && d.summarizer() != null
                ? agentStep(d.summarizer(), Task.builder("summary").description("Summarise the debaters' answers below:"
                        + " each position and its main reasons, briefly.").build(), othersContext(d, previous, -1, round), roundPath + "/summary")
                : Mono.just("");
        return summary.flatMap(sum -> Flux.range(0, d.debaters().size())
                .flatMapSequential(i -> {
                    Agent debater = d.debaters().get(i);
                    LinkedHashMap<String, String> context = new LinkedHashMap<>();
                    if (previous != null) {
                        context.put("Your previous answer", previous.get(i));
                        if (d.summarizer() != null) {
                            context.put("Summary of all answers in round " + (round - 1), sum);
                        } else {
                            context.putAll(othersContext(d, previous, i, round));
                        }
                        context.put("Instructions", "Consider the other answers and their reasons, then give your revised answer"
                                + " in the same format.");
                    }
                    return agentStep(debater, question, context, roundPath + "/" + debater.id());
                }, d.debaters().size())
                .collectList())
                .flatMap(answers -> {
                    List<String> normalized = answers.stream().map(a -> normalize(a, d.answerField())).toList();
                    boolean consensus = normalized.stream().distinct().count() == 1;
                    if (consensus || round >= d.rounds()) {
                        return aggregate(d, path, question, answers, normalized, round, consensus);
                    }
                    return debateRound(d, path, question, round + 1, answers);
                });
    }

    private LinkedHashMap<String, String> othersContext(Step.Debate d, List<String> answers, int self, int round) {
        LinkedHashMap<String, String> context = new LinkedHashMap<>();
        StringBuilder others = new StringBuilder();
        for (int j = 0; j < answers.size(); j++) {
            if (j != self) {
                others.append("### ").append(d.debaters().get(j).persona().role()).append("\n").append(answers.get(j).strip()).append("\n\n");
            }
        }
        context.put(self < 0 ? "Answers of round " + (round - 1) : "Other debaters' answers in round " + (round - 1), others.toString().strip());
        return context;
    }

    private Mono<Result> aggregate(Step.Debate d, String path, Task question, List<String> answers, List<String> normalized,
                                   int round, boolean consensus) {
        if (d.judge() != null) {
            LinkedHashMap<String, String> context = new LinkedHashMap<>();
            for (int i = 0; i < answers.size(); i++) {
                context.put("Answer of " + d.debaters().get(i).persona().role(), answers.get(i));
            }
            Task judging = new Task(question.id(), question.description() + "\n\nYou are the judge. Read the debaters' final"
                    + " answers below, decide which answer is right, and give your reasons.", question.expectedOutput(),
                    question.inputs(), List.of(), question.outputSchema());
            return agentStep(d.judge(), judging, context, path + "/judge")
                    .map(out -> new Result(out, "judge decided after round " + round + (consensus ? " (the debaters agreed)" : "")));
        }
        Majority m = majority(normalized);
        String outcome = consensus ? "consensus in round " + round
                : "majority " + m.count + " of " + normalized.size() + " after round " + round + (m.tie ? ", tie broken by debater order" : "");
        return Mono.just(new Result(answers.get(m.index), outcome));
    }

    private Mono<Result> vote(Step.Vote v, String path) {
        Task question = effective(v.question());
        List<Map.Entry<Integer, Agent>> ballots = new ArrayList<>();
        for (int k = 1; k <= v.samples(); k++) {
            for (Agent voter : v.voters()) {
                ballots.add(Map.entry(k, voter));
            }
        }
        return Flux.fromIterable(ballots)
                .flatMapSequential(b -> agentStep(b.getValue(), question, new LinkedHashMap<>(),
                        path + "/sample-" + b.getKey() + "/" + b.getValue().id()), Math.max(1, v.voters().size()))
                .collectList()
                .map(answers -> {
                    List<String> normalized = answers.stream().map(a -> normalize(a, v.answerField())).toList();
                    Majority m = majority(normalized);
                    return new Result(answers.get(m.index), "majority " + m.count + " of " + answers.size() + " votes"
                            + (m.tie ? ", tie broken by order" : ""));
                });
    }

    private record Majority(int index, int count, boolean tie) {}

    private static Majority majority(List<String> normalized) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        normalized.forEach(a -> counts.merge(a, 1, Integer::sum));
        int best = counts.values().stream().max(Integer::compare).orElse(0);
        List<String> leaders = counts.entrySet().stream().filter(e -> e.getValue() == best).map(Map.Entry::getKey).toList();
        return new Majority(normalized.indexOf(leaders.get(0)), best, leaders.size() > 1);
    }

    /** The comparable part of an answer: a JSON answer's field, or the whole text; trimmed, lower case, single spaces. */
    static String normalize(String answer, String field) {
        String text = answer;
        try {
            JsonNode node = CadreJson.mapper().readTree(AgentTurn.unfence(answer));
            if (node != null && node.isObject() && node.has(field)) {
                text = node.get(field).isValueNode() ? node.get(field).asText() : node.get(field).toString();
            }
        } catch (Exception notJson) {
            // plain text answers are compared whole
        }
        return text.strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").replaceAll("[.!]+$", "");
    }
}
