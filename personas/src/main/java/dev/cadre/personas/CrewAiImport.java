package dev.cadre.personas;

import dev.cadre.api.Agent;
import dev.cadre.api.OutputContract;
import dev.cadre.api.Persona;
import dev.cadre.api.Task;
import dev.cadre.api.Tool;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Review;
import dev.cadre.api.crew.Step;
import dev.cadre.api.crew.Worker;
import dev.cadre.personas.internal.Doc;
import dev.cadre.personas.internal.Node;
import dev.cadre.personas.internal.Suggest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Brings a CrewAI project to the JVM: the classic layout ({@code config/agents.yaml} and {@code config/tasks.yaml})
 * or the JSON-first layout ({@code crew.jsonc} and {@code agents/*.jsonc}). Supported fields become a Cadre crew;
 * CrewAI fields Cadre does not support are listed in {@link CrewFile#notes()} with their location, never silently
 * dropped; keys CrewAI does not know either are errors (a typo, with the nearest valid key).
 */
public final class CrewAiImport {

    /** The process of a classic project, which CrewAI sets in crew.py rather than in YAML. */
    public enum Process { SEQUENTIAL, HIERARCHICAL }

    static final Set<String> AGENT_SUPPORTED = Set.of("role", "goal", "backstory", "llm", "tools", "allow_delegation", "max_iter");
    static final Set<String> AGENT_UNSUPPORTED = Set.of("verbose", "max_rpm", "max_execution_time", "memory", "cache",
            "allow_code_execution", "code_execution_mode", "respect_context_window", "max_retry_limit", "function_calling_llm",
            "system_template", "prompt_template", "response_template", "multimodal", "reasoning", "max_reasoning_attempts",
            "inject_date", "date_format", "knowledge_sources", "embedder", "step_callback", "use_system_prompt", "apps",
            "mcps", "guardrail", "skills", "planning_llm", "max_tokens");
    static final Set<String> TASK_SUPPORTED = Set.of("name", "description", "expected_output", "agent", "context",
            "human_input", "output_json");
    static final Set<String> TASK_UNSUPPORTED = Set.of("output_pydantic", "output_file", "async_execution", "tools",
            "callback", "guardrail", "guardrails", "markdown", "create_directory", "converter_cls", "config", "output_key",
            "max_retries", "guardrail_max_retries");
    static final Set<String> CREW_SUPPORTED = Set.of("name", "process", "inputs", "tasks", "agents", "manager_agent");
    static final Set<String> CREW_UNSUPPORTED = Set.of("verbose", "memory", "planning", "planning_llm", "manager_llm",
            "max_rpm", "cache", "embedder", "knowledge_sources", "output_log_file", "stream", "share_crew", "description",
            "function_calling_llm", "tracing", "chat_llm");

    private final PersonaLibrary library;
    private final List<Tool> tools;
    private final List<String> notes = new ArrayList<>();

    private CrewAiImport(PersonaLibrary library, Collection<? extends Tool> tools) {
        this.library = library;
        this.tools = List.copyOf(tools);
    }

    /** Loads the CrewAI project in {@code dir}, sequential unless its crew.jsonc says otherwise. */
    public static CrewFile load(Path dir, PersonaLibrary library, Collection<? extends Tool> tools) {
        return load(dir, library, tools, Process.SEQUENTIAL);
    }

    /** Loads the CrewAI project in {@code dir}; {@code process} applies to classic projects (crew.py holds theirs). */
    public static CrewFile load(Path dir, PersonaLibrary library, Collection<? extends Tool> tools, Process process) {
        return new CrewAiImport(library, tools).read(dir, process);
    }

    private CrewFile read(Path dir, Process process) {
        Path jsonc = Files.exists(dir.resolve("crew.jsonc")) ? dir.resolve("crew.jsonc") : dir.resolve("crew.json");
        if (Files.exists(jsonc)) {
            return readJsonFirst(dir, jsonc);
        }
        Optional<Path> config = Stream.of(dir.resolve("config"), dir, dir.resolve("src"))
                .flatMap(CrewAiImport::configDirs)
                .filter(d -> Files.exists(d.resolve("agents.yaml")) && Files.exists(d.resolve("tasks.yaml"))).findFirst();
        if (config.isEmpty()) {
            throw new IllegalArgumentException("No CrewAI project in " + dir + ": expected config/agents.yaml and"
                    + " config/tasks.yaml (classic layout) or crew.jsonc with agents/*.jsonc (JSON-first layout).");
        }
        Node agentsRoot = Doc.read(config.get().resolve("agents.yaml")).root();
        Node tasksRoot = Doc.read(config.get().resolve("tasks.yaml")).root();
        Map<String, Node> agentNodes = agentsRoot.entries("agents.yaml");
        List<Map.Entry<String, Node>> taskNodes = new ArrayList<>(tasksRoot.entries("tasks.yaml").entrySet());
        String name = dir.toAbsolutePath().normalize().getFileName().toString();
        return build(name, agentNodes, taskNodes, process, Map.of(), null);
    }

    private static Stream<Path> configDirs(Path base) {
        if (!Files.isDirectory(base)) {
            return Stream.empty();
        }
        if (base.getFileName() != null && base.getFileName().toString().equals("src")) {
            try (Stream<Path> children = Files.list(base)) {
                return children.map(c -> c.resolve("config")).toList().stream();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Stream.of(base);
    }

    private CrewFile readJsonFirst(Path dir, Path crewFile) {
        Node crew = Doc.read(crewFile).root().requireObject("crew.jsonc");
        crew.entries("crew.jsonc").forEach((key, value) -> check(value, key, CREW_SUPPORTED, CREW_UNSUPPORTED, "the crew"));
        Map<String, Node> agentNodes = new LinkedHashMap<>();
        Path agentsDir = dir.resolve("agents");
        if (Files.isDirectory(agentsDir)) {
            try (Stream<Path> files = Files.list(agentsDir)) {
                for (Path f : files.filter(p -> p.toString().matches(".*\\.jsonc?$")).sorted().toList()) {
                    agentNodes.put(f.getFileName().toString().replaceFirst("\\.jsonc?$", ""), Doc.read(f).root());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (crew.has("agents")) {
            List<String> wanted = crew.texts("agents");
            for (Node a : crew.child("agents").items("'agents'")) {
                if (!agentNodes.containsKey(a.text("agent"))) {
                    throw a.error("there is no agents/" + a.text("agent") + ".jsonc");
                }
            }
            agentNodes.keySet().retainAll(wanted);
        }
        List<Map.Entry<String, Node>> taskNodes = new ArrayList<>();
        Node tasks = crew.require("tasks", "crew.jsonc");
        if (tasks.isArray()) {
            for (Node t : tasks.items("'tasks'")) {
                taskNodes.add(Map.entry(t.require("name", "a task").text("name"), t));
            }
        } else {
            taskNodes.addAll(tasks.entries("'tasks'").entrySet());
        }
        Map<String, String> inputs = new LinkedHashMap<>();
        if (crew.has("inputs")) {
            crew.child("inputs").entries("'inputs'").forEach((k, v) -> inputs.put(k, v.text(k)));
        }
        String process = crew.choice("process", Set.of("sequential", "hierarchical"));
        String name = crew.has("name") ? crew.child("name").text("name") : dir.toAbsolutePath().normalize().getFileName().toString();
        return build(name, agentNodes, taskNodes, "hierarchical".equals(process) ? Process.HIERARCHICAL : Process.SEQUENTIAL,
                inputs, crew.text("manager_agent", "manager_agent"));
    }

    private void check(Node value, String key, Set<String> supported, Set<String> unsupported, String what) {
        if (supported.contains(key)) {
            return;
        }
        if (unsupported.contains(key)) {
            notes.add(location(value) + ": " + what + ": '" + key + "' is not supported by Cadre and was ignored");
            return;
        }
        Set<String> all = new java.util.TreeSet<>(supported);
        all.addAll(unsupported);
        String nearest = Suggest.nearest(key, all);
        throw value.keyError("unknown key '" + key + "' in " + what + (nearest != null ? " — did you mean '" + nearest + "'?" : ""));
    }

    private static String location(Node node) {
        ConfigException e = node.keyError("x");
        return e.file() + ":" + e.line() + ":" + e.column();
    }

    private CrewFile build(String crewName, Map<String, Node> agentNodes, List<Map.Entry<String, Node>> taskNodes, Process process,
                           Map<String, String> inputs, String managerName) {
        Map<String, Agent> agents = new LinkedHashMap<>();
        for (Map.Entry<String, Node> e : agentNodes.entrySet()) {
            agents.put(e.getKey(), agent(e.getKey(), e.getValue(), process));
        }
        Map<String, Task> tasks = new LinkedHashMap<>();
        Map<String, String> taskAgent = new LinkedHashMap<>();
        Map<String, Boolean> humanInput = new LinkedHashMap<>();
        for (Map.Entry<String, Node> e : taskNodes) {
            String id = e.getKey();
            Node t = e.getValue().requireObject("task '" + id + "'");
            t.entries("task").forEach((key, value) -> check(value, key, TASK_SUPPORTED, TASK_UNSUPPORTED, "task '" + id + "'"));
            List<String> context = t.texts("context");
            for (int i = 0; i < context.size(); i++) {
                if (tasks.keySet().stream().noneMatch(context.get(i)::equals)) {
                    Node at = t.child("context").isArray() ? t.child("context").items("'context'").get(i) : t.child("context");
                    Set<String> known = new java.util.TreeSet<>(taskNodes.stream().map(Map.Entry::getKey).toList());
                    String nearest = Suggest.nearest(context.get(i), known);
                    throw at.error("task '" + id + "' takes context '" + context.get(i) + "', which is not an earlier task"
                            + (nearest != null ? " — did you mean '" + nearest + "'?" : ""));
                }
            }
            com.fasterxml.jackson.databind.JsonNode schema = null;
            if (t.has("output_json")) {
                if (t.child("output_json").isObject()) {
                    schema = t.child("output_json").json();
                } else {
                    notes.add(location(t.child("output_json")) + ": task '" + id + "': 'output_json' names a Python class;"
                            + " Cadre needs the JSON Schema itself (a mapping), so it was ignored");
                }
            }
            Task task;
            try {
                task = new Task(id, t.require("description", "task '" + id + "'").text("description").strip(),
                        t.has("expected_output") ? t.child("expected_output").text("expected_output").strip() : null,
                        Map.of(), context, schema);
            } catch (IllegalArgumentException ex) {
                throw t.error(ex.getMessage().replaceAll("\\.$", ""));
            }
            tasks.put(id, task);
            humanInput.put(id, Boolean.TRUE.equals(t.bool("human_input")));
            if (t.has("agent")) {
                String a = t.child("agent").text("agent");
                if (!agents.containsKey(a)) {
                    String nearest = Suggest.nearest(a, agents.keySet());
                    throw t.child("agent").error("task '" + id + "' names agent '" + a + "', which is not defined"
                            + (nearest != null ? " — did you mean '" + nearest + "'?" : "; agents: " + String.join(", ", agents.keySet())));
                }
                taskAgent.put(id, a);
            } else if (process == Process.SEQUENTIAL) {
                throw t.error("task '" + id + "' has no 'agent'; a sequential crew needs one per task");
            }
        }
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("The CrewAI project " + crewName + " has no tasks.");
        }
        String stepName = crewName.replaceAll("[^a-zA-Z0-9_-]", "-");
        Step root;
        if (process == Process.SEQUENTIAL) {
            List<Step> steps = new ArrayList<>();
            tasks.forEach((id, task) -> steps.add(new Step.Work(id, agents.get(taskAgent.get(id)), task,
                    humanInput.get(id) ? Review.afterWork() : Review.NONE)));
            root = new Step.Sequential(stepName, steps);
        } else {
            Agent manager = managerName != null && agents.containsKey(managerName) ? agents.remove(managerName)
                    : Agent.of(library.persona("manager"));
            StringBuilder goal = new StringBuilder("Get these tasks done, in order, by your workers:");
            int n = 1;
            for (Task task : tasks.values()) {
                goal.append("\n").append(n++).append(". ").append(task.description())
                        .append(task.expectedOutput() == null ? "" : " (expected: " + task.expectedOutput() + ")");
            }
            root = new Step.Hierarchical(stepName, manager, Task.of("crew", goal.toString()),
                    agents.values().stream().map(Worker::agent).toList(), Math.max(10, tasks.size() * 3), 3);
        }
        return new CrewFile(new Crew(crewName.replaceAll("[^a-zA-Z0-9_.-]", "-"), root, null), inputs, notes);
    }

    private Agent agent(String name, Node node, Process process) {
        node.requireObject("agent '" + name + "'");
        node.entries("agent").forEach((key, value) -> check(value, key, AGENT_SUPPORTED, AGENT_UNSUPPORTED, "agent '" + name + "'"));
        String model = null;
        Double temperature = null;
        if (node.has("llm")) {
            Node llm = node.child("llm");
            String ref = llm.isObject() ? llm.require("model", "'llm'").text("model") : llm.text("llm");
            if (llm.isObject()) {
                temperature = llm.number("temperature");
            }
            model = ref.contains("/") ? ref.replaceFirst("/", ":") : ref.contains(":") ? ref : "openai:" + ref;
            if (!ref.contains("/") && !ref.contains(":")) {
                notes.add(location(llm) + ": agent '" + name + "': llm '" + ref + "' names no provider; read as '" + model + "'");
            }
        }
        if (Boolean.TRUE.equals(node.bool("allow_delegation")) && process == Process.SEQUENTIAL) {
            notes.add(location(node.child("allow_delegation")) + ": agent '" + name + "': delegation between agents of a"
                    + " sequential crew is not supported; use the hierarchical process, where a manager delegates");
        }
        List<String> toolNames = new ArrayList<>();
        for (String t : node.texts("tools")) {
            if (tools.stream().anyMatch(x -> x.name().equals(t))) {
                toolNames.add(t);
            } else {
                notes.add(location(node.child("tools")) + ": agent '" + name + "': tool '" + t
                        + "' is a CrewAI tool Cadre does not have; it was left out");
            }
        }
        try {
            Persona persona = new Persona(name, node.require("role", "agent '" + name + "'").text("role").strip(),
                    node.has("goal") ? node.child("goal").text("goal").strip() : null,
                    node.has("backstory") ? node.child("backstory").text("backstory").strip() : null, null, List.of(),
                    model, temperature, toolNames, node.integer("max_iter"), OutputContract.NONE);
            return Agent.resolve(persona, tools);
        } catch (ConfigException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw node.error(e.getMessage().replaceAll("\\.$", ""));
        }
    }
}
