package dev.cadre.personas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cadre.api.Agent;
import dev.cadre.api.FewShotExample;
import dev.cadre.api.Persona;
import dev.cadre.api.Task;
import dev.cadre.api.crew.CrewPolicy;
import dev.cadre.api.crew.Review;
import dev.cadre.api.crew.Step;
import dev.cadre.api.crew.Worker;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a crew as a Cadre crew file (YAML) that {@link CrewLoader} loads back into the same crew: what
 * {@code cadre import crewai} writes for users who move for good. Notes become comments at the top. Agents are
 * written inline (a persona of the library unchanged is named by its id); sequential, parallel and hierarchical
 * processes of work steps are written; a loop, debate or vote, or a policy other than the default, is refused.
 */
public final class CrewFileWriter {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final YAMLMapper YAML = YAMLMapper.builder().enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE).disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).build();

    private final PersonaLibrary library;
    private final Map<String, Agent> agents = new LinkedHashMap<>();
    private final Map<String, Task> tasks = new LinkedHashMap<>();
    private final Map<String, String> taskAgents = new LinkedHashMap<>();
    private final Map<String, Review> reviews = new LinkedHashMap<>();
    private final Map<String, String> outputFiles = new LinkedHashMap<>();

    private CrewFileWriter(PersonaLibrary library) {
        this.library = library;
    }

    /** The crew file's YAML; {@code header} (e.g. where it came from) and the file's notes are comments at the top. */
    public static String yaml(CrewFile file, PersonaLibrary library, String header) {
        return new CrewFileWriter(library).write(file, header);
    }

    private String write(CrewFile file, String header) {
        if (!file.crew().policy().equals(CrewPolicy.DEFAULT)) {
            throw new IllegalArgumentException("Crew '" + file.crew().name() + "' has a policy, which cannot be written as a crew file yet.");
        }
        ObjectNode root = F.objectNode().put("name", file.crew().name());
        outputFiles.putAll(file.outputFiles());
        if (!file.inputs().isEmpty()) {
            ObjectNode inputs = root.putObject("inputs");
            file.inputs().forEach(inputs::put);
        }
        ObjectNode process = step(file.crew().process());
        ObjectNode agentsNode = root.putObject("agents");
        agents.forEach((name, agent) -> agentsNode.set(name, persona(agent.persona())));
        ArrayNode tasksNode = root.putArray("tasks");
        tasks.forEach((id, task) -> tasksNode.add(task(task)));
        root.set("process", process);
        StringBuilder out = new StringBuilder();
        if (header != null) {
            header.lines().forEach(l -> out.append("# ").append(l).append('\n'));
        }
        if (!file.notes().isEmpty()) {
            out.append("# Not carried over:\n");
            file.notes().forEach(n -> out.append("#   ").append(n.replace('\n', ' ')).append('\n'));
        }
        try {
            return out.append(YAML.writeValueAsString(root)).toString();
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ObjectNode step(Step step) {
        ObjectNode node = F.objectNode();
        if (step instanceof Step.Sequential s) {
            node.put("type", "sequential").put("name", s.name());
            ArrayNode steps = node.putArray("steps");
            s.steps().forEach(c -> steps.add(c instanceof Step.Work w ? F.textNode(work(w)) : step(c)));
        } else if (step instanceof Step.Parallel p) {
            node.put("type", "parallel").put("name", p.name()).put("max_concurrency", p.maxConcurrency());
            ArrayNode branches = node.putArray("branches");
            p.branches().forEach(c -> branches.add(c instanceof Step.Work w ? F.textNode(work(w)) : step(c)));
        } else if (step instanceof Step.Hierarchical h) {
            node.put("type", "hierarchical").put("name", h.name()).put("manager", agent(h.manager()));
            if (h.goal() != null) {
                tasks.put(h.goal().id(), h.goal());
                node.put("goal", h.goal().id());
            }
            ArrayNode workers = node.putArray("workers");
            for (Worker w : h.workers()) {
                if (!(w instanceof Worker.AgentWorker a)) {
                    throw new IllegalArgumentException("Step '" + h.name() + "' has a team of workers, which cannot be written yet.");
                }
                workers.add(agent(a.agent()));
            }
            node.put("max_delegations", h.maxDelegations()).put("max_depth", h.maxDepth());
        } else if (step instanceof Step.Work w) {
            node.put("type", "sequential").put("name", w.name()).putArray("steps").add(work(w));
        } else {
            throw new IllegalArgumentException("Step '" + step.name() + "' is a " + step.getClass().getSimpleName().toLowerCase()
                    + " step, which cannot be written as a crew file yet.");
        }
        return node;
    }

    private String work(Step.Work w) {
        if (w.task() == null || !w.task().id().equals(w.name())) {
            throw new IllegalArgumentException("Step '" + w.name() + "' has no task of its own name, which a crew file cannot say.");
        }
        tasks.put(w.task().id(), w.task());
        taskAgents.put(w.task().id(), agent(w.agent()));
        reviews.put(w.task().id(), w.review());
        return w.name();
    }

    private String agent(Agent agent) {
        Agent known = agents.putIfAbsent(agent.id(), agent);
        if (known != null && !known.equals(agent)) {
            throw new IllegalArgumentException("Two different agents are named '" + agent.id() + "'; a crew file needs one per name.");
        }
        return agent.id();
    }

    /** A persona file (YAML) that {@link PersonaLibrary#withFile} reads back into the same persona. */
    public static String personaYaml(Persona persona) {
        ObjectNode node = F.objectNode().put("id", persona.id());
        node.setAll(fields(persona));
        try {
            return YAML.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private com.fasterxml.jackson.databind.JsonNode persona(Persona p) {
        if (library.contains(p.id()) && library.persona(p.id()).equals(p)) {
            return F.textNode(p.id());
        }
        return fields(p);
    }

    private static ObjectNode fields(Persona p) {
        ObjectNode node = F.objectNode().put("role", p.role());
        if (p.goal() != null) node.put("goal", p.goal());
        if (p.backstory() != null) node.put("backstory", p.backstory());
        if (p.instructions() != null) node.put("instructions", p.instructions());
        if (!p.examples().isEmpty()) {
            ArrayNode examples = node.putArray("examples");
            for (FewShotExample e : p.examples()) {
                examples.addObject().put("input", e.input()).put("output", e.output());
            }
        }
        if (p.model() != null) node.put("model", p.model());
        if (p.temperature() != null) node.put("temperature", p.temperature());
        if (!p.tools().isEmpty()) {
            ArrayNode tools = node.putArray("tools");
            p.tools().forEach(tools::add);
        }
        if (p.maxToolRounds() != Persona.DEFAULT_MAX_TOOL_ROUNDS) node.put("max_tool_rounds", p.maxToolRounds());
        if (p.output().expectedOutput() != null) node.put("expected_output", p.output().expectedOutput());
        if (p.output().hasSchema()) node.set("output_schema", p.output().schema());
        return node;
    }

    private ObjectNode task(Task t) {
        ObjectNode node = F.objectNode().put("id", t.id()).put("description", t.description());
        if (t.expectedOutput() != null) node.put("expected_output", t.expectedOutput());
        if (taskAgents.containsKey(t.id())) node.put("agent", taskAgents.get(t.id()));
        if (!t.context().isEmpty()) {
            ArrayNode context = node.putArray("context");
            t.context().forEach(context::add);
        }
        Review review = reviews.getOrDefault(t.id(), Review.NONE);
        if (review.any()) {
            if (review.maxRejections() != 3) {
                throw new IllegalArgumentException("Task '" + t.id() + "' allows " + review.maxRejections()
                        + " rejections; a crew file's human_review allows 3.");
            }
            node.put("human_review", review.before() && review.after() ? "both" : review.before() ? "before" : "after");
        }
        if (!t.inputs().isEmpty()) {
            ObjectNode inputs = node.putObject("inputs");
            t.inputs().forEach(inputs::put);
        }
        if (t.outputSchema() != null) node.set("output_schema", t.outputSchema());
        if (outputFiles.containsKey(t.id())) node.put("output_file", outputFiles.get(t.id()));
        return node;
    }
}
