package dev.cadre.core;

import dev.cadre.api.Agent;
import dev.cadre.api.HumanGate;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.Persona;
import dev.cadre.api.RunHandle;
import dev.cadre.api.Task;
import dev.cadre.api.Tool;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.CrewCommands;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.personas.BuiltInCrews;
import dev.cadre.personas.CrewLoader;
import dev.cadre.personas.PersonaLibrary;
import dev.cadre.tools.StandardTools;
import dev.cadre.tools.Workspace;
import dev.langchain4j.model.chat.ChatModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The one door for a program that embeds Cadre: models, a workspace and the commands agents may run, the persona
 * library, and who answers checkpoints; then crews from YAML or from code, and runs.
 *
 * <pre>{@code
 * Cadre cadre = Cadre.builder()
 *         .model("openai:gpt-4.1-mini", chatModel)       // any LangChain4j ChatModel
 *         .workspace(Path.of("my-project"))              // the workspace tools see only this
 *         .commands("mvn -q test")                       // what run_command may run
 *         .build();
 * Crew crew = cadre.crew(Path.of("coder-reviewer.yaml")); // or cadre.builtInCrew("coder-reviewer"), or Step...
 * RunHandle run = cadre.run(crew, "Make the failing test pass");
 * for (PendingCheckpoint checkpoint : run.checkpoints().toIterable()) checkpoint.approve();
 * RunResult result = run.await(Duration.ofMinutes(30));
 * }</pre>
 *
 * <p>By default reads are approved and everything else (writes, commands, reviews) waits for the program: a waiting
 * run says so in a log line and its status is {@code WAITING_FOR_HUMAN}. Set a {@link HumanGate} to decide otherwise.
 */
public final class Cadre {

    private final Orchestrator orchestrator;
    private final PersonaLibrary personas;
    private final Workspace workspace;
    private final List<Tool> tools;

    private Cadre(Builder b) {
        this.personas = b.personas;
        this.workspace = b.workspace;
        List<Tool> all = new ArrayList<>(b.tools);
        if (workspace != null) {
            all.addAll(StandardTools.forWorkspace(workspace));
            if (b.commands != null) {
                all.add(StandardTools.commandRunner(workspace, b.commands));
            }
        } else if (b.commands != null) {
            throw new IllegalArgumentException("Cadre.builder().commands(...) needs a workspace to run them in: add .workspace(path).");
        }
        this.tools = List.copyOf(all);
        Orchestrator.Builder orchestratorBuilder = Orchestrator.builder()
                .models(Objects.requireNonNull(b.models, "Cadre.builder() needs a model: call .model(\"openai:gpt-4.1-mini\", chatModel)."))
                .tools(tools).gate(b.gate);
        if (b.runsDirectory != null) {
            orchestratorBuilder.runsDirectory(b.runsDirectory);
        }
        b.orchestratorSettings.accept(orchestratorBuilder);
        this.orchestrator = orchestratorBuilder.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The engine underneath, for resume, fork and everything {@link Cadre} does not wrap. */
    public Orchestrator orchestrator() {
        return orchestrator;
    }

    /** The tools agents built here may use: the workspace's, {@code run_command} when commands are allowed, and yours. */
    public List<Tool> tools() {
        return tools;
    }

    /** A persona of the library (the built-in ones unless {@link Builder#personas} says otherwise). */
    public Persona persona(String id) {
        return personas.persona(id);
    }

    /** An agent for a persona of the library, its tools bound from {@link #tools()}. */
    public Agent agent(String personaId) {
        return agent(persona(personaId));
    }

    /**
     * An agent for {@code persona}, its tool names and globs bound from {@link #tools()}. A persona that runs commands
     * ({@code run_*}, like the built-in {@code coder}) needs {@link Builder#commands}; without them this says so.
     */
    public Agent agent(Persona persona) {
        boolean runsCommands = persona.tools().stream().anyMatch(pattern -> pattern.startsWith("run_"));
        if (runsCommands && tools.stream().noneMatch(tool -> tool.name().startsWith("run_"))) {
            throw new IllegalArgumentException("Persona '" + persona.id() + "' runs commands (its tools name "
                    + persona.tools().stream().filter(p -> p.startsWith("run_")).toList() + ") but this Cadre allows none: "
                    + (workspace == null ? "add .workspace(path) and " : "add ")
                    + ".commands(\"mvn -q test\", ...) to Cadre.builder(), or build a persona without run_* tools.");
        }
        return Agent.resolve(persona, tools);
    }

    /** A crew from a YAML or JSON file; errors name the file, line and column. */
    public Crew crew(Path file) {
        return loader().load(file).crew();
    }

    /** A crew from YAML or JSON text; {@code fileName} names it in errors (and its extension picks the format). */
    public Crew crew(String fileName, String text) {
        return loader().load(fileName, text).crew();
    }

    /** A built-in crew: {@code coder-reviewer} (needs a workspace), {@code debate} or {@code hierarchical}. */
    public Crew builtInCrew(String name) {
        return BuiltInCrews.load(name, loader()).crew();
    }

    /** Runs {@code crew} on a task described in a sentence (its id is {@code task}). */
    public RunHandle run(Crew crew, String task) {
        return run(crew, Task.of("task", task));
    }

    public RunHandle run(Crew crew, Task task) {
        return orchestrator.run(crew, task);
    }

    /** Runs one agent on one task. */
    public RunHandle run(Agent agent, Task task) {
        return orchestrator.run(agent, task);
    }

    private CrewLoader loader() {
        CrewLoader loader = CrewLoader.of(personas, tools);
        if (workspace != null) {
            Workspace root = workspace;
            loader = loader.withCommandTool(commands -> StandardTools.commandRunner(root, commands))
                    .withExecutedFiles(StandardTools::withExecutedFiles);
        }
        return loader;
    }

    /** Builds a {@link Cadre}; only a model is required. */
    public static final class Builder {
        private ModelRegistry models;
        private Workspace workspace;
        private CrewCommands commands;
        private final List<Tool> tools = new ArrayList<>();
        private PersonaLibrary personas = PersonaLibrary.builtIn();
        private HumanGate gate = HumanGate.approveReadOnly();
        private Path runsDirectory;
        private Consumer<Orchestrator.Builder> orchestratorSettings = b -> { };

        private Builder() {}

        /** The default model, under {@code reference} (e.g. {@code openai:gpt-4.1-mini}); personas naming no model use it. */
        public Builder model(String reference, ChatModel model) {
            this.models = ModelRegistry.of(reference, Objects.requireNonNull(model, "model"));
            return this;
        }

        /** Every model personas may name, and the default one. */
        public Builder models(ModelRegistry models) { this.models = Objects.requireNonNull(models); return this; }

        /** The directory agents work in: the workspace tools and git see only it. */
        public Builder workspace(Path root) { this.workspace = Workspace.at(root); return this; }

        /** The commands {@code run_command} may run for agents built in code (a crew file says its own). */
        public Builder commands(String... allowed) { this.commands = CrewCommands.of(allowed); return this; }

        /** A tool of your own (e.g. from {@code LangChain4jTools}), offered to personas that name it. */
        public Builder tool(Tool tool) { this.tools.add(Objects.requireNonNull(tool)); return this; }

        /** The persona library (default: the built-in personas), e.g. {@code PersonaLibrary.builtIn().withDirectory(dir)}. */
        public Builder personas(PersonaLibrary library) { this.personas = Objects.requireNonNull(library); return this; }

        /** Who decides checkpoints (default {@link HumanGate#approveReadOnly()}: the rest waits for the program). */
        public Builder gate(HumanGate gate) { this.gate = Objects.requireNonNull(gate); return this; }

        /** Where journals go (default: the user's state directory, outside every workspace). */
        public Builder runsDirectory(Path directory) { this.runsDirectory = Objects.requireNonNull(directory); return this; }

        /** Any other engine setting (interceptors, listeners, prices, patterns, ...). */
        public Builder orchestrator(Consumer<Orchestrator.Builder> settings) {
            this.orchestratorSettings = Objects.requireNonNull(settings);
            return this;
        }

        public Cadre build() {
            return new Cadre(this);
        }
    }
}
