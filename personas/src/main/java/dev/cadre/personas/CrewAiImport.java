package dev.cadre.personas;

import dev.cadre.api.Tool;
import dev.cadre.personas.internal.CrewAiBuilder;
import dev.cadre.personas.internal.CrewAiProject;
import dev.cadre.personas.internal.Doc;
import dev.cadre.personas.internal.Field;
import dev.cadre.personas.internal.Node;
import dev.cadre.personas.internal.PyCrew;
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
import java.util.stream.Stream;

/**
 * Brings a CrewAI project to the JVM: the classic layout ({@code config/agents.yaml}, {@code config/tasks.yaml}, and
 * the {@code crew.py} beside them that assigns agents, tools, llm, output models and the process; inputs from
 * {@code main.py}) or the JSON-first layout ({@code crew.jsonc} and {@code agents/*.jsonc}, whose {@code settings}
 * are merged into the agent). crew.py is read, never run. Fields Cadre does not carry over are listed in
 * {@link CrewFile#notes()} with their location, never silently dropped; keys CrewAI does not know either are errors
 * (a typo, with the nearest valid key). See docs/crewai.md.
 */
public final class CrewAiImport {

    /** A process that overrides the project's own (crew.py's or crew.jsonc's). */
    public enum Process { SEQUENTIAL, HIERARCHICAL }

    private CrewAiImport() {}

    /** Whether {@code dir} holds a CrewAI project of either layout. */
    public static boolean isProject(Path dir) {
        return Files.isDirectory(dir) && (Files.exists(dir.resolve("crew.jsonc")) || Files.exists(dir.resolve("crew.json"))
                || configDir(dir).isPresent());
    }

    /** Loads the CrewAI project in {@code dir} with the process it sets (sequential unless it says otherwise). */
    public static CrewFile load(Path dir, PersonaLibrary library, Collection<? extends Tool> tools) {
        return load(dir, library, tools, Map.of(), null);
    }

    /** Loads the CrewAI project in {@code dir} with {@code process} instead of its own. */
    public static CrewFile load(Path dir, PersonaLibrary library, Collection<? extends Tool> tools, Process process) {
        return load(dir, library, tools, Map.of(), process);
    }

    /**
     * Loads the CrewAI project in {@code dir}; {@code toolMap} maps CrewAI tool names or Python tool classes (e.g.
     * {@code SerperDevTool}) to Cadre tools (e.g. {@code workspace_search}); {@code process} overrides the project's
     * when not null.
     */
    public static CrewFile load(Path dir, PersonaLibrary library, Collection<? extends Tool> tools, Map<String, String> toolMap,
                                Process process) {
        CrewAiProject project = read(dir);
        return new CrewAiBuilder(library, List.copyOf(tools), toolMap)
                .build(project, process == null ? null : process.name().toLowerCase());
    }

    private static CrewAiProject read(Path dir) {
        Path jsonc = Files.exists(dir.resolve("crew.jsonc")) ? dir.resolve("crew.jsonc") : dir.resolve("crew.json");
        if (Files.exists(jsonc)) {
            return readJsonFirst(dir, jsonc);
        }
        Path config = configDir(dir).orElseThrow(() -> new IllegalArgumentException("No CrewAI project in " + dir
                + ": expected config/agents.yaml and config/tasks.yaml (classic layout) or crew.jsonc with agents/*.jsonc"
                + " (JSON-first layout)."));
        List<String> notes = new ArrayList<>();
        Map<String, CrewAiProject.Entry> agents = entries(Doc.read(config.resolve("agents.yaml")).root(), "agents.yaml");
        Map<String, CrewAiProject.Entry> tasks = entries(Doc.read(config.resolve("tasks.yaml")).root(), "tasks.yaml");
        Path code = config.getParent();
        Map<String, Field> crew = new LinkedHashMap<>();
        Optional<Path> crewPy = crewPy(code);
        if (crewPy.isPresent()) {
            PyCrew py = PyCrew.read(crewPy.get());
            notes.addAll(py.notes());
            agents = merge(py.methods("agent"), agents, "agents.yaml", notes);
            tasks = merge(py.methods("task"), tasks, "tasks.yaml", notes);
            py.methods("crew").stream().findFirst().ifPresent(m -> m.kwargs().forEach((k, v) -> {
                boolean all = v.isPython() && (v.python().equals("self." + k));
                if (!(k.equals("agents") || k.equals("tasks")) || !all) {
                    crew.put(k, v);
                }
            }));
        }
        Map<String, String> inputs = Files.exists(code.resolve("main.py")) ? PyCrew.inputs(code.resolve("main.py"), notes) : Map.of();
        Path root = dir.toAbsolutePath().normalize();
        String name = (root.getFileName().toString().equals("config") ? root.getParent() : root).getFileName().toString();
        return new CrewAiProject(name, List.copyOf(agents.values()), List.copyOf(tasks.values()), crew, inputs,
                PyCrew.models(pythonFiles(code)), notes);
    }

    /**
     * What crew.py's decorated methods add to the YAML entries: the method's name is the agent's (or task's) name,
     * its {@code config=self.agents_config['x']} names the YAML entry, and its keyword arguments win over the YAML.
     * With crew.py, the crew is its methods, in their order.
     */
    private static Map<String, CrewAiProject.Entry> merge(List<PyCrew.Method> methods, Map<String, CrewAiProject.Entry> yaml,
                                                          String yamlName, List<String> notes) {
        if (methods.isEmpty()) {
            return yaml;
        }
        Map<String, CrewAiProject.Entry> merged = new LinkedHashMap<>();
        List<String> used = new ArrayList<>();
        for (PyCrew.Method m : methods) {
            Map<String, Field> fields = new LinkedHashMap<>();
            Field config = m.kwargs().get("config");
            Field where = m.where();
            String key = config == null ? m.name() : config.isPython() ? null : config.text();
            if (config != null && config.isPython()) {
                notes.add(config.at() + ": @" + m.kind() + " " + m.name() + ": config=" + config.python()
                        + " is not self." + m.kind() + "s_config['name']; Cadre read only crew.py's arguments");
            }
            CrewAiProject.Entry entry = key == null ? null : yaml.get(key);
            if (entry != null) {
                fields.putAll(entry.fields());
                where = entry.where();
                used.add(key);
            } else if (config != null && key != null) {
                String nearest = Suggest.nearest(key, yaml.keySet());
                throw config.error("@" + m.kind() + " " + m.name() + " uses " + m.kind() + "s_config['" + key + "'], which " + yamlName
                        + " does not define" + (nearest != null ? " — did you mean '" + nearest + "'?" : ""));
            }
            m.kwargs().forEach((k, v) -> {
                if (!k.equals("config")) fields.put(k, v);
            });
            merged.put(m.name(), new CrewAiProject.Entry(m.name(), where, fields));
        }
        yaml.forEach((key, entry) -> {
            if (!used.contains(key)) {
                notes.add(entry.where().at() + ": " + yamlName.replace("s.yaml", "") + " '" + key + "' has no @"
                        + yamlName.replace("s.yaml", "") + " method in crew.py, so the crew does not use it; it was left out");
            }
        });
        return merged;
    }

    private static Map<String, CrewAiProject.Entry> entries(Node root, String what) {
        Map<String, CrewAiProject.Entry> entries = new LinkedHashMap<>();
        root.entries(what).forEach((name, node) -> entries.put(name, entry(name, node)));
        return entries;
    }

    private static CrewAiProject.Entry entry(String name, Node node) {
        node.requireObject("'" + name + "'");
        Map<String, Field> fields = new LinkedHashMap<>();
        node.entries(name).forEach((k, v) -> fields.put(k, Field.of(v)));
        return new CrewAiProject.Entry(name, Field.of(node), fields);
    }

    private static CrewAiProject readJsonFirst(Path dir, Path crewFile) {
        Node crew = Doc.read(crewFile).root().requireObject("crew.jsonc");
        Map<String, Field> crewFields = new LinkedHashMap<>();
        crew.entries("crew.jsonc").forEach((k, v) -> {
            if (!k.equals("tasks") && !k.equals("agents") && !k.equals("inputs")) crewFields.put(k, Field.of(v));
        });
        Map<String, CrewAiProject.Entry> agents = new LinkedHashMap<>();
        Path agentsDir = dir.resolve("agents");
        if (Files.isDirectory(agentsDir)) {
            try (Stream<Path> files = Files.list(agentsDir)) {
                for (Path f : files.filter(p -> p.toString().matches(".*\\.jsonc?$")).sorted().toList()) {
                    String name = f.getFileName().toString().replaceFirst("\\.jsonc?$", "");
                    agents.put(name, settingsMerged(name, Doc.read(f).root()));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (crew.has("agents")) {
            List<String> wanted = crew.texts("agents");
            for (Node a : crew.child("agents").items("'agents'")) {
                if (!agents.containsKey(a.text("agent"))) {
                    throw a.error("there is no agents/" + a.text("agent") + ".jsonc");
                }
            }
            agents.keySet().retainAll(wanted);
        }
        List<CrewAiProject.Entry> tasks = new ArrayList<>();
        Node taskList = crew.require("tasks", "crew.jsonc");
        if (taskList.isArray()) {
            for (Node t : taskList.items("'tasks'")) {
                tasks.add(entry(t.requireObject("a task").require("name", "a task").text("name"), t));
            }
        } else {
            tasks.addAll(entries(taskList, "'tasks'").values());
        }
        Map<String, String> inputs = new LinkedHashMap<>();
        if (crew.has("inputs")) {
            crew.child("inputs").entries("'inputs'").forEach((k, v) -> inputs.put(k, v.text(k)));
        }
        String name = crew.has("name") ? crew.child("name").text("name") : dir.toAbsolutePath().normalize().getFileName().toString();
        return new CrewAiProject(name, List.copyOf(agents.values()), tasks, crewFields, inputs,
                PyCrew.models(pythonFiles(dir)), List.of());
    }

    /** An agent file: its {@code settings} merged in, as CrewAI does; a field written beside them wins. */
    private static CrewAiProject.Entry settingsMerged(String name, Node node) {
        node.requireObject("agent '" + name + "'");
        Map<String, Field> fields = new LinkedHashMap<>();
        if (node.has("settings")) {
            node.child("settings").entries("'settings'").forEach((k, v) -> fields.put(k, Field.of(v)));
        }
        node.entries(name).forEach((k, v) -> {
            if (!k.equals("settings")) fields.put(k, Field.of(v));
        });
        return new CrewAiProject.Entry(name, Field.of(node), fields);
    }

    private static Optional<Path> configDir(Path dir) {
        return Stream.of(dir.resolve("config"), dir, dir.resolve("src")).flatMap(CrewAiImport::configDirs)
                .filter(d -> Files.exists(d.resolve("agents.yaml")) && Files.exists(d.resolve("tasks.yaml"))).findFirst();
    }

    private static Stream<Path> configDirs(Path base) {
        if (!Files.isDirectory(base)) {
            return Stream.empty();
        }
        if (base.getFileName() != null && base.getFileName().toString().equals("src")) {
            try (Stream<Path> children = Files.list(base)) {
                return children.sorted().map(c -> c.resolve("config")).toList().stream();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Stream.of(base);
    }

    /** crew.py beside the config directory, or the Python file there that holds the {@code @CrewBase} class. */
    private static Optional<Path> crewPy(Path code) {
        if (Files.isRegularFile(code.resolve("crew.py"))) {
            return Optional.of(code.resolve("crew.py"));
        }
        return pythonFiles(code).stream().filter(f -> {
            try {
                return Files.readString(f).contains("@CrewBase");
            } catch (IOException e) {
                return false;
            }
        }).findFirst();
    }

    /** The Python files of a directory and its direct subdirectories (where pydantic models usually are). */
    private static List<Path> pythonFiles(Path dir) {
        try (Stream<Path> files = Files.walk(dir, 2)) {
            return files.filter(f -> f.toString().endsWith(".py") && Files.isRegularFile(f)).sorted().limit(200).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
