package dev.cadre.personas;

import dev.cadre.api.Agent;
import dev.cadre.api.Budget;
import dev.cadre.api.Decision;
import dev.cadre.api.Persona;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.Task;
import dev.cadre.api.Tool;
import dev.cadre.api.crew.BudgetPolicy;
import dev.cadre.api.crew.CommandSandbox;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.CrewCommands;
import dev.cadre.api.crew.ContextLimits;
import dev.cadre.api.crew.CrewPolicy;
import dev.cadre.api.crew.RetryPolicy;
import dev.cadre.api.crew.Review;
import dev.cadre.api.crew.Step;
import dev.cadre.api.crew.Until;
import dev.cadre.api.crew.Worker;
import dev.cadre.personas.internal.Doc;
import dev.cadre.personas.internal.ExecutedFilesDef;
import dev.cadre.personas.internal.Node;
import dev.cadre.personas.internal.PersonaDef;
import dev.cadre.personas.internal.SandboxDef;
import dev.cadre.personas.internal.Suggest;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Loads crews from YAML or JSON files: agents (persona ids from the library, or personas written inline), tasks,
 * a process (sequential, loop, parallel, hierarchical, debate, vote, nested) and a policy. Every mistake is one
 * error with file, line and column: unknown keys (with the nearest valid one), wrong types, unknown tools and
 * personas, cycles in {@code extends}, tasks naming agents or context that do not exist. See docs/crew-files.md.
 *
 * <p>Over 300 lines: it reads the process tree and the policy itself; personas, the sandbox and executed files are
 * read by their own classes in {@code internal} ({@code PersonaDef}, {@code SandboxDef}, {@code ExecutedFilesDef}),
 * and the step and policy readers are the next to move there.
 */
public final class CrewLoader {

    static final Set<String> CREW_KEYS = Set.of("name", "description", "personas", "agents", "tasks", "process", "policy",
            "inputs", "commands", "executed_files", "sandbox");
    static final Set<String> TASK_KEYS = Set.of("id", "description", "expected_output", "agent", "context", "human_review", "output_file",
            "output_schema", "inputs");
    static final Set<String> STEP_TYPES = Set.of("sequential", "loop", "parallel", "hierarchical", "debate", "vote");

    private final PersonaLibrary library;
    private final List<Tool> baseTools;
    private final Function<CrewCommands, ? extends Tool> commandTool;
    private final BiFunction<List<Tool>, List<String>, List<Tool>> executedFilesTools;
    private List<Tool> tools;

    private CrewLoader(PersonaLibrary library, Collection<? extends Tool> tools, Function<CrewCommands, ? extends Tool> commandTool,
                       BiFunction<List<Tool>, List<String>, List<Tool>> executedFilesTools) {
        this.library = library;
        this.baseTools = List.copyOf(tools);
        this.tools = baseTools;
        this.commandTool = commandTool;
        this.executedFilesTools = executedFilesTools;
    }

    /** A loader resolving persona ids in {@code library} and tool names among {@code tools}. */
    public static CrewLoader of(PersonaLibrary library, Collection<? extends Tool> tools) {
        return new CrewLoader(library, tools, null, null);
    }

    /**
     * The same loader, for crews whose file allows commands: a crew file's {@code commands:} (e.g.
     * {@code ["mvn -q test"]}) and {@code sandbox:} are read as {@link CrewCommands} and {@code factory} makes the
     * {@code run_command} tool that allows exactly those (e.g. {@code c -> StandardTools.commandRunner(workspace, c)}).
     */
    public CrewLoader withCommandTool(Function<CrewCommands, ? extends Tool> factory) {
        return new CrewLoader(library, baseTools, Objects.requireNonNull(factory, "factory"), executedFilesTools);
    }

    /**
     * The same loader, for crews whose file names the files its commands run ({@code executed_files:}): {@code factory}
     * returns the tools with the workspace tools among them asking an EXECUTES approval for writes to those files
     * (e.g. {@code StandardTools::withExecutedFiles}).
     */
    public CrewLoader withExecutedFiles(BiFunction<List<Tool>, List<String>, List<Tool>> factory) {
        return new CrewLoader(library, baseTools, commandTool, Objects.requireNonNull(factory, "factory"));
    }

    public CrewFile load(Path file) {
        return load(Doc.read(file), defaultName(file));
    }

    /** Loads a crew from text; {@code name} is the file name used in errors (its extension picks YAML or JSON). */
    public CrewFile load(String name, String text) {
        return load(Doc.parse(name, text), defaultName(Path.of(name)));
    }

    private static String defaultName(Path file) {
        return file.getFileName().toString().replaceFirst("\\.(ya?ml|jsonc?)$", "");
    }

    private final class Context {
        PersonaLibrary personas = library;
        final Map<String, Agent> agents = new LinkedHashMap<>();
        final Map<String, Node> agentNodes = new LinkedHashMap<>();
        final Map<String, Task> tasks = new LinkedHashMap<>();
        final Map<String, Node> taskNodes = new LinkedHashMap<>();
        final Map<String, String> taskAgents = new LinkedHashMap<>();
        final Map<String, Review> reviews = new LinkedHashMap<>();
        final Map<String, String> outputFiles = new LinkedHashMap<>();
    }

    synchronized CrewFile load(Doc doc, String defaultName) {
        Node root = doc.root().allowOnly(CREW_KEYS, "a crew");
        tools = baseTools;
        CrewCommands commands = null;
        if (root.has("commands")) {
            commands = commands(root);
            List<Tool> withRunner = new ArrayList<>(baseTools.stream().filter(t -> !t.name().equals("run_command")).toList());
            try {
                withRunner.add(commandTool.apply(commands));
            } catch (IllegalArgumentException e) {
                throw root.child("commands").error("'commands' is not a list of command lines: " + e.getMessage());
            } catch (IllegalStateException e) {
                throw root.child(root.has("sandbox") ? "sandbox" : "commands").error(e.getMessage().replaceAll("\\.$", ""));
            }
            tools = withRunner;
        }
        List<String> executedFiles = List.of();
        if (root.has("executed_files")) {
            executedFiles = ExecutedFilesDef.read(root.child("executed_files"));
            if (executedFilesTools == null) {
                throw root.child("executed_files").keyError("the crew names files its commands run, but it is loaded without"
                        + " workspace tools that know them (CrewLoader.withExecutedFiles)");
            }
            tools = executedFilesTools.apply(tools, executedFiles);
        }
        if (root.has("sandbox") && !root.has("commands")) {
            throw root.child("sandbox").keyError("'sandbox' confines the crew's commands, but the crew allows none ('commands')");
        }
        Context ctx = new Context();
        String name = root.has("name") ? root.child("name").text("name") : defaultName;
        if (root.has("personas")) {
            for (Node p : root.child("personas").items("'personas'")) {
                ctx.personas = ctx.personas.withDefinition(PersonaDef.read(p, null));
            }
        }
        if (root.has("agents")) {
            for (Map.Entry<String, Node> e : root.child("agents").entries("'agents'").entrySet()) {
                Node value = e.getValue();
                String personaId;
                if (value.isText()) {
                    personaId = value.text("agent");
                    if (!ctx.personas.contains(personaId)) {
                        throw value.error(unknownPersona(ctx, personaId));
                    }
                } else {
                    PersonaDef inline = PersonaDef.read(value, e.getKey());
                    if (!inline.id().equals(e.getKey())) {
                        throw value.child("id").error("agent '" + e.getKey() + "' has id '" + inline.id() + "'; an inline persona takes its agent's name");
                    }
                    // Registered under its own id, so that `coder: {extends: coder}` refines the library's coder
                    // instead of extending itself; the agent still takes the name `coder`.
                    PersonaDef own = new PersonaDef(e.getKey() + "--agent", inline.extendsId(), inline.role(), inline.goal(),
                            inline.backstory(), inline.instructions(), inline.examples(), inline.model(), inline.temperature(),
                            inline.tools(), inline.maxToolRounds(), inline.expectedOutput(), inline.outputSchema(), inline.node(),
                            inline.extendsNode(), inline.toolsNode());
                    ctx.personas = ctx.personas.withDefinition(own);
                    personaId = own.id();
                }
                ctx.agents.put(e.getKey(), agent(ctx, personaId, value, e.getKey()));
                ctx.agentNodes.put(e.getKey(), value);
            }
        }
        readTasks(root, ctx);
        Step process = root.has("process") ? step(root.child("process"), ctx, name) : defaultProcess(root, ctx, name);
        Set<String> outputs = new LinkedHashSet<>(Crew.outputNames(process));
        Map<String, String> inputs = new LinkedHashMap<>();
        if (root.has("inputs")) {
            root.child("inputs").entries("'inputs'").forEach((k, v) -> inputs.put(k, v.text(k)));
        }
        for (Map.Entry<String, Task> t : ctx.tasks.entrySet()) {
            Node taskNode = ctx.taskNodes.get(t.getKey());
            List<String> context = t.getValue().context();
            for (int i = 0; i < context.size(); i++) {
                String c = context.get(i);
                if (!outputs.contains(c)) {
                    Node at = taskNode.child("context").isArray() ? taskNode.child("context").items("'context'").get(i) : taskNode.child("context");
                    String nearest = Suggest.nearest(c, outputs);
                    throw at.error("task '" + t.getKey() + "' takes context '" + c + "', which no task or step produces"
                            + (nearest != null ? " — did you mean '" + nearest + "'?" : "; outputs: " + String.join(", ", outputs)));
                }
            }
        }
        for (String task : ctx.outputFiles.keySet()) {
            if (!outputs.contains(task)) {
                throw ctx.taskNodes.get(task).child("output_file").error("task '" + task + "' has an output_file, but no step of"
                        + " the process runs it on its own (a hierarchical manager's goal has no output per task)");
            }
        }
        CrewPolicy policy = root.has("policy") ? policy(root.child("policy"), ctx) : CrewPolicy.DEFAULT;
        try {
            return new CrewFile(new Crew(name, process, policy), inputs, List.of(), commands, ctx.outputFiles, executedFiles);
        } catch (IllegalArgumentException e) {
            throw root.error(e.getMessage().replaceAll("\\.$", ""));
        }
    }

    private CrewCommands commands(Node root) {
        List<String> lines = root.texts("commands");
        if (commandTool == null) {
            throw root.child("commands").keyError("the crew allows commands, but it is loaded without a way to run them"
                    + " (CrewLoader.withCommandTool)");
        }
        if (lines.isEmpty() || lines.stream().allMatch(c -> c == null || c.isBlank())) {
            throw root.child("commands").error("'commands' is empty; list the command lines agents may run, e.g. mvn -q test");
        }
        CommandSandbox sandbox = root.has("sandbox")
                ? SandboxDef.read(root.child("sandbox"), Path.of(System.getProperty("user.home"))) : CommandSandbox.DEFAULT;
        return new CrewCommands(lines, sandbox);
    }

    private String unknownPersona(Context ctx, String id) {
        String nearest = Suggest.nearest(id, ctx.personas.ids());
        return "there is no persona '" + id + "'" + (nearest != null ? " — did you mean '" + nearest + "'?"
                : "; personas: " + String.join(", ", ctx.personas.ids()));
    }

    /**
     * The agent {@code agentName}: its persona (renamed to the agent's name, so two agents may share a persona and
     * events name the agent) with its tools resolved; an exact tool name that is not available is an error at its line.
     */
    private Agent agent(Context ctx, String personaId, Node where, String agentName) {
        String shown = personaId.endsWith("--agent") ? agentName : personaId;
        Persona persona;
        try {
            persona = ctx.personas.persona(personaId);
        } catch (dev.cadre.personas.ConfigException e) {
            throw new ConfigException(e.file(), e.line(), e.column(), e.problem().replace("'" + personaId + "'", "'" + shown + "'"));
        } catch (IllegalArgumentException e) {
            throw where.error(e.getMessage().replaceAll("\\.$", "").replace("'" + personaId + "'", "'" + shown + "'"));
        }
        PersonaDef resolved = ctx.personas.resolved(personaId);
        List<Tool> chosen = new ArrayList<>();
        List<String> patterns = persona.tools();
        for (int i = 0; i < patterns.size(); i++) {
            String pattern = patterns.get(i);
            boolean glob = pattern.contains("*") || pattern.contains("?") || pattern.contains("[") || pattern.contains("{");
            PathMatcher matcher = glob ? FileSystems.getDefault().getPathMatcher("glob:" + pattern) : null;
            List<Tool> matching = tools.stream().filter(t -> glob ? matcher.matches(Path.of(t.name())) : t.name().equals(pattern)).toList();
            if (matching.isEmpty() && !glob) {
                Node at = resolved.toolsNode() != null && resolved.toolsNode().isArray()
                        ? resolved.toolsNode().items("'tools'").get(i) : where;
                List<String> names = tools.stream().map(Tool::name).sorted().toList();
                String nearest = Suggest.nearest(pattern, names);
                throw at.error("persona '" + shown + "' names tool '" + pattern + "', which is not available"
                        + (nearest != null ? " — did you mean '" + nearest + "'?" : "; tools: " + (names.isEmpty() ? "none" : String.join(", ", names))));
            }
            for (Tool tool : matching) {
                if (chosen.stream().noneMatch(t -> t.name().equals(tool.name()))) {
                    chosen.add(tool);
                }
            }
        }
        try {
            return new Agent(persona.id().equals(agentName) ? persona : persona.toBuilder().id(agentName).build(), chosen);
        } catch (IllegalArgumentException e) {
            throw where.error(e.getMessage().replaceAll("\\.$", ""));
        }
    }

    private Agent agentNamed(Context ctx, Node at, String name) {
        Agent agent = ctx.agents.get(name);
        if (agent != null) {
            return agent;
        }
        if (ctx.personas.contains(name)) {
            agent = agent(ctx, name, at, name);
            ctx.agents.put(name, agent);
            return agent;
        }
        Set<String> known = new LinkedHashSet<>(ctx.agents.keySet());
        known.addAll(ctx.personas.ids());
        String nearest = Suggest.nearest(name, known);
        return fail(at, "there is no agent '" + name + "'" + (nearest != null ? " — did you mean '" + nearest + "'?"
                : "; agents: " + String.join(", ", ctx.agents.keySet()) + " (or any persona id)"));
    }

    private static <T> T fail(Node at, String problem) {
        throw at.error(problem);
    }

    private void readTasks(Node root, Context ctx) {
        if (!root.has("tasks")) {
            return;
        }
        Node tasks = root.child("tasks");
        List<Map.Entry<String, Node>> entries = new ArrayList<>();
        if (tasks.isArray()) {
            for (Node t : tasks.items("'tasks'")) {
                t.requireObject("a task");
                entries.add(Map.entry(t.require("id", "a task").text("id"), t));
            }
        } else {
            entries.addAll(tasks.entries("'tasks'").entrySet());
        }
        for (Map.Entry<String, Node> e : entries) {
            Node t = e.getValue().allowOnly(TASK_KEYS, "a task");
            String id = e.getKey();
            if (ctx.tasks.containsKey(id)) {
                throw t.error("task id '" + id + "' is used twice");
            }
            Map<String, String> inputs = new LinkedHashMap<>();
            if (t.has("inputs")) {
                t.child("inputs").entries("'inputs'").forEach((k, v) -> inputs.put(k, v.text(k)));
            }
            Task task;
            try {
                task = new Task(id, t.require("description", "task '" + id + "'").text("description"),
                        t.text("expected_output", "expected_output"), inputs, t.texts("context"),
                        t.has("output_schema") ? t.child("output_schema").requireObject("'output_schema'").json() : null);
            } catch (IllegalArgumentException e2) {
                throw t.error(e2.getMessage().replaceAll("\\.$", ""));
            }
            ctx.tasks.put(id, task);
            ctx.taskNodes.put(id, t);
            if (t.has("output_file")) {
                ctx.outputFiles.put(id, t.child("output_file").text("output_file"));
            }
            if (t.has("agent")) {
                String agentName = t.child("agent").text("agent");
                agentNamed(ctx, t.child("agent"), agentName);
                ctx.taskAgents.put(id, agentName);
            }
            String review = t.has("human_review") && t.child("human_review").json().isBoolean()
                    ? (t.bool("human_review") ? "after" : "none")
                    : t.choice("human_review", Set.of("none", "before", "after", "both"));
            ctx.reviews.put(id, switch (review == null ? "none" : review) {
                case "before" -> Review.beforeWork();
                case "after" -> Review.afterWork();
                case "both" -> new Review(true, true, 3);
                default -> Review.NONE;
            });
        }
    }

    private Step defaultProcess(Node root, Context ctx, String name) {
        if (ctx.tasks.isEmpty()) {
            throw root.error("a crew needs 'tasks' (and optionally a 'process' that arranges them)");
        }
        List<Step> steps = new ArrayList<>();
        for (String id : ctx.tasks.keySet()) {
            steps.add(work(ctx, ctx.taskNodes.get(id), id));
        }
        return new Step.Sequential(safeName(name), steps);
    }

    private static String safeName(String name) {
        String s = name.replaceAll("[^a-zA-Z0-9_-]", "-");
        return s.isEmpty() || !Character.isLetterOrDigit(s.charAt(0)) ? "crew" + s : s;
    }

    private Step work(Context ctx, Node at, String taskId) {
        Task task = ctx.tasks.get(taskId);
        if (task == null) {
            String nearest = Suggest.nearest(taskId, ctx.tasks.keySet());
            throw at.error("there is no task '" + taskId + "'" + (nearest != null ? " — did you mean '" + nearest + "'?"
                    : "; tasks: " + String.join(", ", ctx.tasks.keySet())));
        }
        String agentName = ctx.taskAgents.get(taskId);
        if (agentName == null) {
            throw ctx.taskNodes.get(taskId).error("task '" + taskId + "' has no 'agent'; name the agent that works on it");
        }
        return new Step.Work(taskId, ctx.agents.get(agentName), task, ctx.reviews.get(taskId));
    }

    private Step step(Node node, Context ctx, String crewName) {
        if (node.isText()) {
            return work(ctx, node, node.text("step"));
        }
        node.requireObject("a step");
        Node typeNode = node.require("type", "a step");
        String type = typeNode.text("type").toLowerCase();
        if (!STEP_TYPES.contains(type)) {
            String nearest = Suggest.nearest(type, STEP_TYPES);
            throw typeNode.error("step type '" + type + "' is unknown" + (nearest != null ? " — did you mean '" + nearest + "'?"
                    : "; types: " + String.join(", ", STEP_TYPES)));
        }
        String name = node.has("name") ? node.child("name").text("name") : null;
        try {
            switch (type) {
                case "sequential" -> {
                    node.allowOnly(Set.of("type", "name", "steps"), "a sequential step");
                    return new Step.Sequential(name != null ? name : safeName(crewName), steps(node, "steps", ctx, crewName));
                }
                case "loop" -> {
                    node.allowOnly(Set.of("type", "name", "steps", "until", "max_iterations"), "a loop step");
                    Integer max = node.integer("max_iterations");
                    String loopName = name != null ? name : "loop";
                    if (!node.has("until") && max == null) {
                        throw node.keyError("loop step '" + loopName + "' has no exit condition: give 'until' (e.g. until: {verdict:"
                                + " {output: review, field: verdict, equals: APPROVED}}) or 'max_iterations'");
                    }
                    List<Step> body = steps(node, "steps", ctx, crewName);
                    Until until = node.has("until") ? until(node.child("until")) : Until.iterations(max);
                    LoopExit.check(loopName, until, Crew.outputNames(new Step.Sequential(loopName, body)), node.child(node.has("until") ? "until" : "steps"));
                    return new Step.Loop(loopName, body, until, max == null ? 3 : max);
                }
                case "parallel" -> {
                    node.allowOnly(Set.of("type", "name", "branches", "max_concurrency"), "a parallel step");
                    List<Step> branches = steps(node, "branches", ctx, crewName);
                    Integer max = node.integer("max_concurrency");
                    return new Step.Parallel(name != null ? name : "parallel", branches, max == null ? branches.size() : max);
                }
                case "hierarchical" -> {
                    node.allowOnly(Set.of("type", "name", "manager", "goal", "workers", "max_delegations", "max_depth"), "a hierarchical step");
                    return hierarchical(node, ctx, name);
                }
                case "debate" -> {
                    node.allowOnly(Set.of("type", "name", "debaters", "question", "rounds", "judge", "summarizer", "answer_field"), "a debate step");
                    List<Agent> debaters = agents(node, "debaters", ctx);
                    Integer rounds = node.integer("rounds");
                    return new Step.Debate(name != null ? name : "debate", debaters, task(node, "question", ctx),
                            rounds == null ? 2 : rounds, optionalAgent(node, "judge", ctx), optionalAgent(node, "summarizer", ctx),
                            node.text("answer_field", "answer_field"));
                }
                default -> {
                    node.allowOnly(Set.of("type", "name", "voters", "question", "samples", "answer_field"), "a vote step");
                    Integer samples = node.integer("samples");
                    return new Step.Vote(name != null ? name : "vote", agents(node, "voters", ctx), task(node, "question", ctx),
                            samples == null ? 3 : samples, node.text("answer_field", "answer_field"));
                }
            }
        } catch (dev.cadre.personas.ConfigException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw node.error(e.getMessage().replaceAll("\\.$", ""));
        }
    }

    private Step.Hierarchical hierarchical(Node node, Context ctx, String name) {
        Node managerNode = node.require("manager", "a hierarchical step");
        Agent manager = agentNamed(ctx, managerNode, managerNode.text("manager"));
        List<Worker> workers = new ArrayList<>();
        for (Node w : node.require("workers", "a hierarchical step").items("'workers'")) {
            if (w.isText()) {
                workers.add(Worker.agent(agentNamed(ctx, w, w.text("worker"))));
            } else {
                w.allowOnly(Set.of("team"), "a worker");
                Step team = step(w.child("team"), ctx, name);
                if (!(team instanceof Step.Hierarchical h)) {
                    throw w.child("team").error("a team worker must be a hierarchical step");
                }
                workers.add(Worker.team(h.name(), h));
            }
        }
        Integer max = node.integer("max_delegations");
        Integer depth = node.integer("max_depth");
        return new Step.Hierarchical(name != null ? name : "team", manager, node.has("goal") ? task(node, "goal", ctx) : null,
                workers, max == null ? 10 : max, depth == null ? 3 : depth);
    }

    private List<Step> steps(Node node, String key, Context ctx, String crewName) {
        List<Step> steps = new ArrayList<>();
        for (Node s : node.require(key, "the step").items("'" + key + "'")) {
            steps.add(step(s, ctx, crewName));
        }
        return steps;
    }

    private List<Agent> agents(Node node, String key, Context ctx) {
        List<Agent> agents = new ArrayList<>();
        for (Node a : node.require(key, "the step").items("'" + key + "'")) {
            agents.add(agentNamed(ctx, a, a.text(key)));
        }
        return agents;
    }

    private Agent optionalAgent(Node node, String key, Context ctx) {
        return node.has(key) ? agentNamed(ctx, node.child(key), node.child(key).text(key)) : null;
    }

    private Task task(Node node, String key, Context ctx) {
        if (!node.has(key)) {
            return null;
        }
        String id = node.child(key).text(key);
        Task task = ctx.tasks.get(id);
        if (task == null) {
            String nearest = Suggest.nearest(id, ctx.tasks.keySet());
            throw node.child(key).error("there is no task '" + id + "'" + (nearest != null ? " — did you mean '" + nearest + "'?" : ""));
        }
        return task;
    }

    private static Until until(Node node) {
        node.allowOnly(Set.of("verdict", "text_contains", "iterations", "tokens", "time", "all", "any"), "a loop condition");
        List<Until> parts = new ArrayList<>();
        if (node.has("verdict")) {
            Node v = node.child("verdict").allowOnly(Set.of("output", "field", "equals"), "a verdict condition");
            parts.add(Until.verdict(v.require("output", "a verdict condition").text("output"),
                    v.has("field") ? v.child("field").text("field") : "verdict", v.require("equals", "a verdict condition").text("equals")));
        }
        if (node.has("text_contains")) {
            Node v = node.child("text_contains").allowOnly(Set.of("output", "text"), "a text condition");
            parts.add(Until.textContains(v.require("output", "a text condition").text("output"), v.require("text", "a text condition").text("text")));
        }
        if (node.has("iterations")) parts.add(Until.iterations(node.integer("iterations")));
        if (node.has("tokens")) parts.add(Until.tokens(node.integer("tokens")));
        if (node.has("time")) parts.add(Until.time(node.duration("time")));
        if (node.has("all")) parts.add(node.child("all").items("'all'").stream().map(CrewLoader::until).reduce(Until::and)
                .orElseThrow(() -> node.child("all").error("'all' needs at least one condition")));
        if (node.has("any")) parts.add(node.child("any").items("'any'").stream().map(CrewLoader::until).reduce(Until::or)
                .orElseThrow(() -> node.child("any").error("'any' needs at least one condition")));
        return parts.stream().reduce(Until::and).orElseThrow(() -> node.error("a loop condition needs one of verdict,"
                + " text_contains, iterations, tokens, time, all, any"));
    }

    private CrewPolicy policy(Node node, Context ctx) {
        node.allowOnly(Set.of("budget", "agent_budgets", "task_budgets", "on_budget_exceeded", "cheaper_model", "retries",
                "cache", "approve_tools_from", "ask_human", "checkpoint_timeout", "on_checkpoint_timeout",
                "max_repeated_tool_calls", "context", "rate_limits"), "a policy");
        CrewPolicy.Builder policy = CrewPolicy.builder();
        if (node.has("budget")) policy.runBudget(budget(node.child("budget")));
        if (node.has("agent_budgets")) {
            for (var e : node.child("agent_budgets").entries("'agent_budgets'").entrySet()) {
                if (!ctx.agents.containsKey(e.getKey())) {
                    throw e.getValue().keyError("there is no agent '" + e.getKey() + "'");
                }
                policy.agentBudget(ctx.agents.get(e.getKey()).id(), budget(e.getValue()));
            }
        }
        if (node.has("task_budgets")) {
            for (var e : node.child("task_budgets").entries("'task_budgets'").entrySet()) {
                if (!ctx.tasks.containsKey(e.getKey())) {
                    throw e.getValue().keyError("there is no task '" + e.getKey() + "'");
                }
                policy.taskBudget(e.getKey(), budget(e.getValue()));
            }
        }
        String exceeded = node.choice("on_budget_exceeded", Set.of("fail", "cheaper_model", "ask_human"));
        if (exceeded != null || node.has("cheaper_model")) {
            try {
                policy.onBudgetExceeded(exceeded == null ? BudgetPolicy.FAIL : BudgetPolicy.valueOf(exceeded.toUpperCase()),
                        node.text("cheaper_model", "cheaper_model")).build();
            } catch (IllegalArgumentException e) {
                throw node.error(e.getMessage().replaceAll("\\.$", ""));
            }
        }
        if (node.has("retries")) {
            Node r = node.child("retries").allowOnly(Set.of("max_retries", "first_backoff", "max_backoff"), "retries");
            Integer max = r.integer("max_retries");
            Duration first = r.duration("first_backoff");
            Duration maxBackoff = r.duration("max_backoff");
            policy.retry(new RetryPolicy(max == null ? 3 : max, first == null ? Duration.ofMillis(500) : first,
                    maxBackoff == null ? Duration.ofSeconds(30) : maxBackoff, 0.5));
        }
        if (node.has("cache")) policy.cache(node.bool("cache"));
        String approve = node.choice("approve_tools_from", Set.of("none", "read_only", "writes", "executes", "external"));
        if (approve != null) policy.approveToolsFrom(approve.equals("none") ? null : RiskLevel.valueOf(approve.toUpperCase()));
        if (node.has("ask_human")) policy.askHuman(node.bool("ask_human"));
        if (node.has("checkpoint_timeout")) {
            String decision = node.choice("on_checkpoint_timeout", Set.of("approve", "reject", "abort"));
            if (decision == null) {
                throw node.child("checkpoint_timeout").error("'checkpoint_timeout' needs 'on_checkpoint_timeout': approve, reject or abort");
            }
            Decision d = switch (decision) {
                case "approve" -> Decision.approve("timeout");
                case "reject" -> Decision.reject("No decision before the checkpoint timed out.", "timeout");
                default -> Decision.abort("No decision before the checkpoint timed out.", "timeout");
            };
            policy.checkpointTimeout(node.duration("checkpoint_timeout"), d);
        }
        if (node.has("max_repeated_tool_calls")) {
            try {
                policy.maxRepeatedToolCalls(node.integer("max_repeated_tool_calls")).build();
            } catch (IllegalArgumentException e) {
                throw node.child("max_repeated_tool_calls").error(e.getMessage().replaceAll("\\.$", ""));
            }
        }
        if (node.has("context")) policy.context(context(node.child("context")));
        if (node.has("rate_limits")) {
            for (var e : node.child("rate_limits").entries("'rate_limits'").entrySet()) {
                Node limit = e.getValue().allowOnly(Set.of("requests_per_minute", "tokens_per_minute"), "a rate limit");
                Integer requests = limit.integer("requests_per_minute");
                Integer tokens = limit.integer("tokens_per_minute");
                try {
                    dev.cadre.api.ModelRef.parse(e.getKey());
                } catch (IllegalArgumentException ex) {
                    throw e.getValue().keyError(ex.getMessage().replaceAll("\\.$", ""));
                }
                try {
                    policy.rateLimit(e.getKey(), new dev.cadre.api.RateLimit(requests == null ? 0 : requests, tokens == null ? 0 : tokens));
                } catch (IllegalArgumentException ex) {
                    throw limit.error(ex.getMessage().replaceAll("\\.$", ""));
                }
            }
        }
        return policy.build();
    }

    private static ContextLimits context(Node node) {
        node.allowOnly(Set.of("max_tool_result_chars", "window_tokens", "keep_exchanges"), "a context policy");
        Integer chars = node.integer("max_tool_result_chars");
        Integer window = node.integer("window_tokens");
        Integer keep = node.integer("keep_exchanges");
        ContextLimits d = ContextLimits.DEFAULT;
        try {
            return new ContextLimits(chars == null ? d.maxToolResultChars() : chars, window == null ? d.windowTokens() : window,
                    keep == null ? d.keepExchanges() : keep);
        } catch (IllegalArgumentException e) {
            throw node.error(e.getMessage().replaceAll("\\.$", ""));
        }
    }

    private static Budget budget(Node node) {
        node.allowOnly(Set.of("max_tokens", "max_cost", "max_model_calls", "max_wall_time"), "a budget");
        Integer tokens = node.integer("max_tokens");
        Integer calls = node.integer("max_model_calls");
        return new Budget(tokens == null ? null : tokens.longValue(), node.decimal("max_cost"),
                calls == null ? null : calls.longValue(), node.duration("max_wall_time"));
    }
}
