package dev.cadre.personas.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.Agent;
import dev.cadre.api.OutputContract;
import dev.cadre.api.Persona;
import dev.cadre.api.Task;
import dev.cadre.api.Tool;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Review;
import dev.cadre.api.crew.Step;
import dev.cadre.api.crew.Worker;
import dev.cadre.personas.ConfigException;
import dev.cadre.personas.CrewFile;
import dev.cadre.personas.PersonaLibrary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Gives a {@link CrewAiProject} CrewAI's meaning as a Cadre crew: in a sequential crew a task without {@code context}
 * sees every earlier task's output; {@code human_input} is a review after the task; {@code output_pydantic} and
 * {@code output_json} become the task's output schema; {@code planning} is a planning step whose plan every task
 * sees; the hierarchical process puts {@code manager_agent} (or the built-in manager on {@code manager_llm}) over
 * the agents. Every field it cannot carry over is one located note; a key CrewAI does not know either is an error.
 *
 * <p>Over 300 lines: it holds the field tables and one reader per CrewAI concept (agent, task, manager, planning);
 * the agent's llm and tools readers are the next to move to their own class.
 */
public final class CrewAiBuilder {

    static final Set<String> AGENT_SUPPORTED = Set.of("role", "goal", "backstory", "llm", "tools", "allow_delegation", "max_iter");
    static final Set<String> AGENT_UNSUPPORTED = Set.of("verbose", "max_rpm", "max_execution_time", "memory", "cache",
            "allow_code_execution", "code_execution_mode", "respect_context_window", "max_retry_limit", "function_calling_llm",
            "system_template", "prompt_template", "response_template", "multimodal", "reasoning", "max_reasoning_attempts",
            "inject_date", "date_format", "knowledge_sources", "embedder", "step_callback", "use_system_prompt", "apps",
            "mcps", "guardrail", "skills", "planning", "planning_llm", "max_tokens", "callbacks", "knowledge", "security_config");
    static final Set<String> TASK_SUPPORTED = Set.of("name", "description", "expected_output", "agent", "context",
            "human_input", "output_json", "output_pydantic", "output_file");
    static final Set<String> TASK_UNSUPPORTED = Set.of("async_execution", "tools", "callback", "guardrail",
            "guardrails", "markdown", "create_directory", "converter_cls", "config", "output_key", "max_retries",
            "guardrail_max_retries");
    static final Set<String> CREW_SUPPORTED = Set.of("name", "process", "inputs", "tasks", "agents", "manager_agent",
            "manager_llm", "planning", "planning_llm");
    static final Set<String> CREW_UNSUPPORTED = Set.of("verbose", "memory", "max_rpm", "cache", "embedder", "knowledge_sources",
            "output_log_file", "stream", "share_crew", "description", "function_calling_llm", "tracing", "chat_llm",
            "step_callback", "task_callback", "before_kickoff_callbacks", "after_kickoff_callbacks", "short_term_memory",
            "long_term_memory", "entity_memory", "prompt_file", "security_config");
    static final String PLANNING = "crewai_planning";

    private final PersonaLibrary library;
    private final List<Tool> tools;
    private final Map<String, String> toolMap;
    private final List<String> notes = new ArrayList<>();
    private final Map<String, String> outputFiles = new LinkedHashMap<>();

    public CrewAiBuilder(PersonaLibrary library, List<Tool> tools, Map<String, String> toolMap) {
        this.library = library;
        this.tools = List.copyOf(tools);
        this.toolMap = Map.copyOf(toolMap);
        toolMap.forEach((from, to) -> {
            if (tools.stream().noneMatch(t -> t.name().equals(to))) {
                String nearest = Suggest.nearest(to, tools.stream().map(Tool::name).toList());
                throw new IllegalArgumentException("--tool " + from + "=" + to + " maps to '" + to + "', which is not a Cadre tool here"
                        + (nearest != null ? " — did you mean '" + nearest + "'?" : "") + ".");
            }
        });
    }

    /** The crew; {@code processOverride} (sequential or hierarchical) wins over what the project says, when set. */
    public CrewFile build(CrewAiProject project, String processOverride) {
        notes.addAll(project.notes());
        project.crew().forEach((key, f) -> check(f, key, CREW_SUPPORTED, CREW_UNSUPPORTED, "the crew"));
        String process = processOverride != null ? processOverride : choice(project.crew().get("process"), "process");
        boolean hierarchical = "hierarchical".equals(process);
        Map<String, Agent> agents = new LinkedHashMap<>();
        for (CrewAiProject.Entry e : project.agents()) {
            agents.put(e.name(), agent(e, hierarchical));
        }
        boolean planning = bool(project.crew().get("planning"));
        List<String> earlier = new ArrayList<>(planning ? List.of(PLANNING) : List.of());
        List<Step.Work> work = new ArrayList<>();
        for (CrewAiProject.Entry t : project.tasks()) {
            work.add(task(t, agents, earlier, project, hierarchical));
            earlier.add(t.name());
        }
        if (work.isEmpty()) {
            throw new IllegalArgumentException("The CrewAI project " + project.name() + " has no tasks.");
        }
        String stepName = project.name().replaceAll("[^a-zA-Z0-9_-]", "-");
        List<Step> steps = new ArrayList<>();
        if (planning) {
            steps.add(planningStep(project, agents, work, hierarchical));
        }
        if (!hierarchical) {
            steps.addAll(work);
        } else {
            steps.add(team(project, agents, work, planning, planning ? "team" : stepName));
        }
        Step root = steps.size() == 1 ? steps.get(0) : new Step.Sequential(stepName, steps);
        return new CrewFile(new Crew(project.name().replaceAll("[^a-zA-Z0-9_.-]", "-"), root, null), project.inputs(),
                sorted(notes), null, outputFiles, List.of());
    }

    private static final java.util.regex.Pattern LOCATED = java.util.regex.Pattern.compile("^(.*?):(\\d+):(\\d+): ");

    /** The notes once each, by file, line and column, so the summary reads like the project. */
    static List<String> sorted(List<String> notes) {
        List<String> unique = new ArrayList<>(new LinkedHashSet<>(notes));
        unique.sort(java.util.Comparator.comparing((String n) -> part(n, 1)).thenComparingInt(n -> Integer.parseInt(part(n, 2)))
                .thenComparingInt(n -> Integer.parseInt(part(n, 3))));
        return unique;
    }

    private static String part(String note, int group) {
        java.util.regex.Matcher m = LOCATED.matcher(note);
        return m.find() ? m.group(group) : group == 1 ? "\uffff" : "0";
    }

    private Step team(CrewAiProject project, Map<String, Agent> agents, List<Step.Work> work, boolean planning, String stepName) {
        Field managerAgent = project.crew().get("manager_agent");
        Field managerLlm = project.crew().get("manager_llm");
        Map<String, Agent> workers = new LinkedHashMap<>(agents);
        Agent manager;
        if (managerAgent != null && !managerAgent.isPython()) {
            manager = workers.remove(managerAgent.text());
            if (manager == null) {
                throw managerAgent.error("manager_agent '" + managerAgent.text() + "' is not one of the agents: "
                        + String.join(", ", agents.keySet()));
            }
        } else {
            if (managerAgent != null) {
                notes.add(managerAgent.at() + ": the crew: manager_agent=" + managerAgent.python()
                        + " is a Python object Cadre cannot read; the built-in manager persona delegates instead");
            }
            Persona builtIn = library.persona("manager");
            String model = managerLlm == null ? null : model(managerLlm, "the crew's manager_llm");
            manager = Agent.of(model == null ? builtIn : builtIn.toBuilder().model(model).build());
        }
        StringBuilder goal = new StringBuilder("Get these tasks done, in order, by your workers:");
        int n = 1;
        for (Step.Work w : work) {
            Task task = w.task();
            goal.append("\n").append(n++).append(". ").append(task.description())
                    .append(task.expectedOutput() == null ? "" : " (expected: " + task.expectedOutput() + ")");
        }
        return new Step.Hierarchical(stepName, manager,
                new Task("crew", goal.toString(), null, Map.of(), planning ? List.of(PLANNING) : List.of(), null),
                workers.values().stream().map(Worker::agent).toList(), Math.max(10, work.size() * 3), 3);
    }

    /** CrewAI's planning: before the crew starts, a planner writes a step-by-step plan for every task. */
    private Step.Work planningStep(CrewAiProject project, Map<String, Agent> agents, List<Step.Work> work, boolean hierarchical) {
        Field llm = project.crew().get("planning_llm");
        String model = llm == null ? null : model(llm, "the crew's planning_llm");
        Persona planner = new Persona("planner", "Task Execution Planner",
                "Plan how the crew's tasks get done, step by step, before they start", null, null, List.of(), model, null,
                List.of(), 0, OutputContract.NONE);
        StringBuilder d = new StringBuilder("Write a step-by-step plan for each of these tasks, which the crew will do in order:");
        for (Step.Work w : work) {
            d.append("\n- ").append(w.name()).append(hierarchical ? "" : " (by " + w.agent().persona().role().strip() + ")")
                    .append(": ").append(w.task().description());
        }
        Task task = new Task(PLANNING, d.toString(), "One short plan per task, in order", Map.of(), List.of(), null);
        return new Step.Work(PLANNING, agents.containsKey("planner") ? Agent.of(planner.toBuilder().id("crewai_planner").build())
                : Agent.of(planner), task, Review.NONE);
    }

    private Step.Work task(CrewAiProject.Entry t, Map<String, Agent> agents, List<String> earlier, CrewAiProject project,
                           boolean hierarchical) {
        String id = t.name();
        String what = "task '" + id + "'";
        t.fields().forEach((key, f) -> check(f, key, TASK_SUPPORTED, TASK_UNSUPPORTED, what));
        List<String> context;
        Field contextField = t.get("context");
        if (contextField == null) {
            context = hierarchical ? List.of() : List.copyOf(earlier); // CrewAI: all earlier outputs
        } else {
            context = new ArrayList<>(earlier.contains(PLANNING) ? List.of(PLANNING) : List.of());
            for (JsonNode c : contextField.value().isArray() ? contextField.value() : List.of(contextField.value())) {
                String name = c.asText();
                if (!earlier.contains(name)) {
                    Set<String> known = new TreeSet<>(project.tasks().stream().map(CrewAiProject.Entry::name).toList());
                    String nearest = Suggest.nearest(name, known);
                    throw contextField.error(what + " takes context '" + name + "', which is not an earlier task"
                            + (nearest != null ? " — did you mean '" + nearest + "'?" : ""));
                }
                context.add(name);
            }
        }
        JsonNode schema = schema(t, "output_json", project, what);
        if (schema == null) {
            schema = schema(t, "output_pydantic", project, what);
        }
        Field description = t.get("description");
        if (description == null) {
            throw t.where().keyError(what + " needs 'description'");
        }
        Task task;
        try {
            task = new Task(id, description.text().strip(), t.get("expected_output") == null ? null : t.get("expected_output").text().strip(),
                    Map.of(), context, schema);
        } catch (IllegalArgumentException ex) {
            throw t.where().error(ex.getMessage().replaceAll("\\.$", ""));
        }
        Field agentField = t.get("agent");
        Agent agent;
        if (agentField != null) {
            agent = agents.get(agentField.text());
            if (agent == null) {
                String nearest = Suggest.nearest(agentField.text(), agents.keySet());
                throw agentField.error(what + " names agent '" + agentField.text() + "', which is not defined"
                        + (nearest != null ? " — did you mean '" + nearest + "'?" : "; agents: " + String.join(", ", agents.keySet())));
            }
        } else if (!hierarchical) {
            throw t.where().error(what + " has no 'agent' (in the YAML or in crew.py); a sequential crew needs one per task");
        } else if (agents.isEmpty()) {
            throw t.where().error("the CrewAI project defines no agents for the manager to delegate " + what + " to");
        } else {
            agent = agents.values().iterator().next(); // the manager chooses who works on it; only the task is used
        }
        outputFile(t.get("output_file"), id, what, hierarchical);
        boolean humanInput = bool(t.get("human_input"));
        if (hierarchical && humanInput) {
            notes.add(t.get("human_input").at() + ": " + what + ": human_input in a hierarchical crew is not supported (the"
                    + " manager delegates the task); it was ignored");
        }
        return new Step.Work(id, agent, task, humanInput ? Review.afterWork() : Review.NONE);
    }

    /** CrewAI's output_file: the task's output written to that file of the workspace when the run ends. */
    private void outputFile(Field f, String id, String what, boolean hierarchical) {
        if (f == null) {
            return;
        }
        if (f.isPython() || !f.value().isTextual()) {
            notes.add(f.at() + ": " + what + ": output_file is not a plain path; it was not written");
        } else if (hierarchical) {
            notes.add(f.at() + ": " + what + ": output_file in a hierarchical crew is not written (the manager delegates the"
                    + " task, which has no output of its own)");
        } else {
            outputFiles.put(id, f.text());
        }
    }

    private JsonNode schema(CrewAiProject.Entry t, String key, CrewAiProject project, String what) {
        Field f = t.get(key);
        if (f == null) {
            return null;
        }
        if (f.value().isObject() && !f.isPython()) {
            return f.value();
        }
        String cls = f.isPython() ? f.python() : f.text();
        JsonNode schema = project.models().get(cls);
        if (schema == null) {
            notes.add(f.at() + ": " + what + ": '" + key + "' names " + cls + ", which is not a plain pydantic model of the"
                    + " project's Python files; Cadre needs a JSON Schema, so the answer is not checked");
        }
        return schema;
    }

    private Agent agent(CrewAiProject.Entry e, boolean hierarchical) {
        String name = e.name();
        String what = "agent '" + name + "'";
        e.fields().forEach((key, value) -> check(value, key, AGENT_SUPPORTED, AGENT_UNSUPPORTED, what));
        String model = null;
        Double temperature = null;
        Field llm = e.get("llm");
        if (llm != null) {
            model = model(llm, what);
            if (llm.value().isObject() && !llm.isPython() && llm.value().has("temperature")) {
                temperature = llm.value().get("temperature").asDouble();
            }
        }
        Field delegation = e.get("allow_delegation");
        if (bool(delegation) && !hierarchical) {
            notes.add(delegation.at() + ": " + what + ": delegation between agents of a sequential crew is not supported;"
                    + " use the hierarchical process, where a manager delegates");
        }
        List<String> toolNames = tools(e.get("tools"), what);
        Field maxIter = e.get("max_iter");
        Field role = e.get("role");
        if (role == null) {
            throw e.where().keyError(what + " needs 'role'");
        }
        try {
            Persona persona = new Persona(name, role.text().strip(), text(e.get("goal")), text(e.get("backstory")), null, List.of(),
                    model, temperature, toolNames, maxIter == null || !maxIter.value().canConvertToInt() ? null : maxIter.value().asInt(),
                    OutputContract.NONE);
            return Agent.resolve(persona, tools);
        } catch (ConfigException ex) {
            throw ex;
        } catch (IllegalArgumentException ex) {
            throw e.where().error(ex.getMessage().replaceAll("\\.$", ""));
        }
    }

    private List<String> tools(Field field, String what) {
        List<String> names = new ArrayList<>();
        if (field == null) {
            return names;
        }
        if (field.isPython() || !field.value().isArray()) {
            notes.add(field.at() + ": " + what + ": tools=" + (field.isPython() ? field.python() : field.text())
                    + " is not a list Cadre can read; map each tool with --tool NAME=cadre_tool");
            return names;
        }
        for (JsonNode item : field.value()) {
            boolean object = PySource.isPython(item);
            String written = object ? item.get("python").asText() : item.asText();
            String key = object ? written.replaceFirst("\\(.*", "").replaceFirst(".*\\.", "") : written;
            String mapped = toolMap.getOrDefault(key, key);
            if (tools.stream().anyMatch(x -> x.name().equals(mapped))) {
                if (!names.contains(mapped)) names.add(mapped);
            } else if (object) {
                notes.add(field.at() + ": " + what + ": tools=[" + written + "] uses a Python object Cadre cannot map;"
                        + " map it with --tool " + key + "=cadre_tool");
            } else {
                notes.add(field.at() + ": " + what + ": tool '" + written + "' is a CrewAI tool Cadre does not have;"
                        + " map it with --tool " + key + "=cadre_tool");
            }
        }
        return names;
    }

    private String model(Field llm, String what) {
        if (llm.isPython()) {
            notes.add(llm.at() + ": " + what + ": llm=" + llm.python() + " is a Python object Cadre cannot read; the default"
                    + " model answers instead");
            return null;
        }
        if (llm.value().isObject() && (!llm.value().has("model") || !llm.value().get("model").isTextual())) {
            notes.add(llm.at() + ": " + what + ": its llm names no model Cadre can read; the default model answers instead");
            return null;
        }
        String ref = llm.value().isObject() ? llm.value().get("model").asText() : llm.text();
        String model = ref.contains("/") ? ref.replaceFirst("/", ":") : ref.contains(":") ? ref : "openai:" + ref;
        if (!ref.contains("/") && !ref.contains(":")) {
            notes.add(llm.at() + ": " + what + ": llm '" + ref + "' names no provider; read as '" + model + "'");
        }
        return model;
    }

    private void check(Field value, String key, Set<String> supported, Set<String> unsupported, String what) {
        if (supported.contains(key)) {
            return;
        }
        if (unsupported.contains(key) || value.file().endsWith(".py")) {
            notes.add(value.at() + ": " + what + ": '" + key + "' is not supported by Cadre and was ignored");
            return;
        }
        Set<String> all = new TreeSet<>(supported);
        all.addAll(unsupported);
        String nearest = Suggest.nearest(key, all);
        throw value.keyError("unknown key '" + key + "' in " + what + (nearest != null ? " — did you mean '" + nearest + "'?" : ""));
    }

    private static String choice(Field f, String key) {
        if (f == null) {
            return null;
        }
        String v = f.text().toLowerCase();
        if (!v.equals("sequential") && !v.equals("hierarchical")) {
            throw f.error("'" + key + "' is '" + f.text() + "'; use sequential or hierarchical");
        }
        return v;
    }

    private static boolean bool(Field f) {
        return f != null && f.value().isBoolean() && f.value().asBoolean();
    }

    private static String text(Field f) {
        return f == null ? null : f.text().strip();
    }
}
