package dev.cadre.orchestrator.internal.core;

import dev.cadre.orchestrator.pattern.PatternContext;
import dev.cadre.orchestrator.pattern.Promise;
import dev.cadre.orchestrator.pattern.Failure;
import dev.cadre.orchestrator.pattern.Pattern;
import dev.cadre.api.Task;
import dev.cadre.api.ToolResult;
import dev.cadre.api.crew.Step;
import dev.cadre.api.crew.Worker;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A manager leads workers: its turn gets a {@code delegate} tool (each call runs a worker, an agent or a nested team,
 * at {@code delegation-N/WORKER}, and gives its output back) and a {@code finish} tool that ends the step with the
 * answer. Delegations are numbered in the order the manager makes them, so a resumed run numbers them the same.
 * Bounds: {@code maxDelegations}, {@code maxDepth} of nested teams, and no cycle of managers.
 */
final class HierarchicalPattern implements Pattern<Step.Hierarchical> {

    @Override
    public Promise<Outcome> run(Step.Hierarchical h, String path, PatternContext context) {
        // a manager's turn with the core's own tools, and a nested team as a step of its own: engine internals
        return lead(h, path, null, List.of(), (Steps) context);
    }

    private Promise<Outcome> lead(Step.Hierarchical h, String path, Task goalOverride, List<String> chain, Steps steps) {
        List<String> managers = new ArrayList<>(chain);
        managers.add(h.manager().id());
        Task goal = goalOverride != null ? goalOverride : steps.effective(h.goal());
        int[] delegations = {0};
        TurnSpec.FinalAnswer finished = new TurnSpec.FinalAnswer();
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
        TurnSpec.CoreTool delegate = new TurnSpec.CoreTool(delegateSpec, (args, ctx) -> {
            String name = args.get("worker").asText().strip();
            String subtask = args.get("subtask").asText();
            if (name.equals(h.manager().id())) {
                return steps.done(ToolResult.error("You cannot delegate to yourself. Workers: "
                        + String.join(", ", workers.keySet()) + "."));
            }
            Worker worker = workers.get(name);
            if (worker == null) {
                return steps.done(ToolResult.error("There is no worker named '" + name + "'. Workers: "
                        + String.join(", ", workers.keySet()) + "."));
            }
            // only a delegation that runs takes a number (and counts in the outcome): refusals leave no gap
            int n = delegations[0] + 1;
            if (n > h.maxDelegations()) {
                return steps.done(ToolResult.error("The limit of " + h.maxDelegations()
                        + " delegations is reached; call finish with your answer now."));
            }
            String childPath = path + "/delegation-" + n + "/" + name;
            Task subTask = Task.builder("delegation-" + n).description(subtask).build();
            Promise<String> work;
            if (worker instanceof Worker.AgentWorker a) {
                delegations[0] = n;
                work = steps.agent(a.agent(), subTask, Map.of(), childPath);
            } else {
                Worker.Team team = (Worker.Team) worker;
                String teamManager = team.team().manager().id();
                if (managers.contains(teamManager)) {
                    List<String> cycle = new ArrayList<>(managers);
                    cycle.add(teamManager);
                    return steps.core.trampoline.failed(new Failure("Delegation cycle: " + String.join(" -> ", cycle)
                            + "; stopped before it runs again.", Failure.Kind.CYCLE));
                }
                if (managers.size() >= h.maxDepth()) {
                    return steps.done(ToolResult.error("The delegation depth limit of " + h.maxDepth()
                            + " is reached: team '" + name + "' cannot take subtasks from here. Use another worker."));
                }
                delegations[0] = n;
                work = steps.composite(team.name(), childPath, "hierarchical", () -> lead(team.team(), childPath, subTask, managers, steps));
            }
            return work.map(out -> ToolResult.ok("Output of " + name + ":\n" + out))
                    .recover(f -> f.kind() == Failure.Kind.FAILED
                            ? steps.done(ToolResult.error("Worker '" + name + "' failed: " + f.reason())) : null);
        });
        ToolSpecification finishSpec = ToolSpecification.builder().name("finish")
                .description("End your work with the final answer.")
                .parameters(JsonObjectSchema.builder().addStringProperty("answer", "The final answer").required("answer").build())
                .build();
        TurnSpec.CoreTool finish = new TurnSpec.CoreTool(finishSpec, (args, ctx) -> {
            finished.value = args.get("answer").asText();
            return steps.done(ToolResult.ok("Finished."));
        });
        Task managerTask = new Task(goal.id(), goal.description() + "\n\nYou lead a team. Split the work, give each part to a"
                + " worker with the delegate tool, check their outputs (ask for rework when needed), and call finish"
                + " with the final answer. Do not do the workers' work yourself. Your workers:\n" + roster,
                goal.expectedOutput(), goal.inputs(), List.of(), goal.outputSchema());
        String managerPath = path + "/" + h.manager().id();
        TurnSpec spec = new TurnSpec(h.manager(), managerTask, new LinkedHashMap<>(), managerPath, goal.id(),
                List.of(delegate, finish), finished);
        return steps.turns.run(spec)
                .peek(out -> steps.core.command(new Command.StepOutput(managerPath, out, null)), f -> {})
                .map(out -> new Outcome(out, delegations[0] + (delegations[0] == 1 ? " delegation" : " delegations")));
    }

    private static String describe(Worker worker) {
        if (worker instanceof Worker.AgentWorker a) {
            var p = a.agent().persona();
            return p.role() + (p.goal() == null ? "" : " (" + p.goal() + ")");
        }
        return "a team led by " + ((Worker.Team) worker).team().manager().persona().role();
    }
}
