package dev.cadre.mcp;

import dev.cadre.api.CadreState;
import dev.cadre.api.CrewSource;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RemoteRuns;
import dev.cadre.orchestrator.journal.RunsDirectory;
import dev.cadre.orchestrator.redaction.Redactor;
import dev.cadre.api.RunListener;
import dev.cadre.api.Tool;
import dev.cadre.personas.CrewFile;
import dev.cadre.personas.CrewLoader;
import dev.cadre.personas.PersonaLibrary;
import dev.cadre.tools.StandardTools;
import dev.cadre.tools.Workspace;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a Cadre MCP server offers.
 *
 * @param root              the workspace root for the workspace tools; {@code null} to use the client's MCP roots
 * @param crews             crews served as tools ({@code crew_<name>}), by name, loaded already (their agents' tools
 *                          are the ones they were loaded with)
 * @param crewSources       crew files served as tools, loaded for the workspace they work in: {@code root}, or the
 *                          client's first root when there is none; a crew here replaces a built-in one of its name
 * @param builtInCrews      whether the built-in crews ({@link dev.cadre.personas.BuiltInCrews}) are served too, loaded
 *                          like {@code crewSources}
 * @param crewLoader        makes the loader for a workspace's crews; {@code null}: the personas, the workspace's
 *                          standard tools (files, git, {@code run_command} for a crew's {@code commands}) and
 *                          {@code extraTools}
 * @param personas          personas served as prompts
 * @param models            the models crews run on; {@code null} to use the client's model through sampling
 * @param runsDirectory     where run journals go (served as {@code cadre://runs/{id}}); default
 *                          {@link CadreState#runsDirectory()}; refused inside {@code root}
 * @param checkpointTimeout how long a checkpoint asked through elicitation may wait (raises the SDK's 10 s timeout)
 * @param extraTools        more tools for agents and clients (for example other MCP servers' tools)
 * @param conformanceFixtures also serve the fixtures of the official MCP conformance suite (test_* tools, test:// resources)
 * @param listeners         told of every crew run the server starts (tracing, metrics, the web console)
 * @param redactor          masks secrets in everything the server sends and in its crews' runs (default: the keys and
 *                          tokens of this process's environment and well-known key shapes)
 * @param httpLimits        bodies and sessions of the streamable HTTP transport (default {@link McpHttpLimits#defaults()})
 * @param journalStore      where run journals go and are read from instead of {@code runsDirectory}: a shared store,
 *                          e.g. the PostgreSQL one of Temporal workers on several machines (docs/journal.md); the
 *                          caller closes it; {@code null}: the runs directory's
 * @param remoteRuns        runs open elsewhere (workflows on a Temporal cluster) that the {@code cadre_*} tools and a
 *                          2026-07-28 retry answer through their handle instead of resuming them here; default
 *                          {@link RemoteRuns#none()}
 */
public record McpServerConfig(Path root, Map<String, CrewFile> crews, List<CrewSource> crewSources, boolean builtInCrews,
                              Function<Workspace, CrewLoader> crewLoader, PersonaLibrary personas, ModelRegistry models,
                              Path runsDirectory, Duration checkpointTimeout, List<Tool> extraTools, boolean conformanceFixtures,
                              List<RunListener> listeners, Redactor redactor, McpHttpLimits httpLimits,
                              dev.cadre.orchestrator.journal.JournalStore journalStore, RemoteRuns remoteRuns) {

    public McpServerConfig {
        crews = crews == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(crews));
        crewSources = crewSources == null ? List.of() : List.copyOf(crewSources);
        personas = personas == null ? PersonaLibrary.builtIn() : personas;
        runsDirectory = Objects.requireNonNullElse(runsDirectory, CadreState.runsDirectory());
        if (root != null) {
            RunsDirectory.requireOutside(runsDirectory, root);
        }
        checkpointTimeout = Objects.requireNonNullElse(checkpointTimeout, Duration.ofHours(1));
        extraTools = extraTools == null ? List.of() : List.copyOf(extraTools);
        listeners = listeners == null ? List.of() : List.copyOf(listeners);
        redactor = redactor == null ? Redactor.fromEnvironment(System.getenv()) : redactor;
        httpLimits = httpLimits == null ? McpHttpLimits.defaults() : httpLimits;
        remoteRuns = remoteRuns == null ? RemoteRuns.none() : remoteRuns;
        if (crewLoader == null) {
            PersonaLibrary library = personas;
            List<Tool> extra = extraTools;
            crewLoader = workspace -> standardLoader(library, workspace, extra);
        }
    }

    /**
     * The default crew loader: {@code library}'s personas with the workspace's standard tools (files and git; the
     * crew's {@code commands} as {@code run_command}, in their sandbox) and {@code extraTools} whose names those lack.
     */
    public static CrewLoader standardLoader(PersonaLibrary library, Workspace workspace, List<Tool> extraTools) {
        Map<String, Tool> tools = new LinkedHashMap<>();
        StandardTools.forWorkspace(workspace).forEach(t -> tools.put(t.name(), t));
        extraTools.forEach(t -> tools.putIfAbsent(t.name(), t));
        return CrewLoader.of(library, tools.values()).withCommandTool(commands -> StandardTools.commandRunner(workspace, commands))
                .withExecutedFiles(StandardTools::withExecutedFiles);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link McpServerConfig}. */
    public static final class Builder {
        private Path root;
        private final Map<String, CrewFile> crews = new LinkedHashMap<>();
        private final List<CrewSource> crewSources = new ArrayList<>();
        private boolean builtInCrews = true;
        private Function<Workspace, CrewLoader> crewLoader;
        private PersonaLibrary personas;
        private ModelRegistry models;
        private Path runsDirectory;
        private Duration checkpointTimeout;
        private final List<Tool> extraTools = new ArrayList<>();
        private boolean conformanceFixtures;
        private final List<RunListener> listeners = new ArrayList<>();
        private Redactor redactor;
        private McpHttpLimits httpLimits;
        private dev.cadre.orchestrator.journal.JournalStore journalStore;
        private RemoteRuns remoteRuns;

        /** Runs open elsewhere, answered through their handle (see {@link McpServerConfig#remoteRuns()}). */
        public Builder remoteRuns(RemoteRuns runs) { this.remoteRuns = runs; return this; }
        /** What masks secrets in the server's messages and runs ({@link Redactor#none()} turns it off). */
        public Builder redactor(Redactor redactor) { this.redactor = redactor; return this; }
        /** The bounds of the HTTP transport: body size and time, session idle time and count. */
        public Builder httpLimits(McpHttpLimits limits) { this.httpLimits = limits; return this; }
        public Builder conformanceFixtures(boolean on) { this.conformanceFixtures = on; return this; }
        public Builder root(Path root) { this.root = root; return this; }
        public Builder crew(CrewFile crew) { crews.put(crew.crew().name(), crew); return this; }
        /** A crew file to serve, loaded for the workspace its runs work in (see {@link McpServerConfig#crewSources()}). */
        public Builder crew(CrewSource source) { crewSources.add(Objects.requireNonNull(source, "source")); return this; }
        /** Whether the built-in crews are served (default: yes). */
        public Builder builtInCrews(boolean on) { this.builtInCrews = on; return this; }
        /** Makes the loader of a workspace's crews (default: the personas, the workspace's standard tools and {@code tools}). */
        public Builder crewLoader(Function<Workspace, CrewLoader> loader) { this.crewLoader = loader; return this; }
        public Builder personas(PersonaLibrary personas) { this.personas = personas; return this; }
        public Builder models(ModelRegistry models) { this.models = models; return this; }
        public Builder runsDirectory(Path dir) { this.runsDirectory = dir; return this; }
        /** A shared journal store instead of the runs directory's (see {@link McpServerConfig#journalStore()}). */
        public Builder journalStore(dev.cadre.orchestrator.journal.JournalStore store) { this.journalStore = store; return this; }
        public Builder checkpointTimeout(Duration timeout) { this.checkpointTimeout = timeout; return this; }
        public Builder tools(List<? extends Tool> tools) { extraTools.addAll(tools); return this; }
        /** Told of every crew run the server starts (tracing, metrics, the web console). */
        public Builder listener(RunListener listener) { listeners.add(Objects.requireNonNull(listener)); return this; }

        public McpServerConfig build() {
            return new McpServerConfig(root, crews, crewSources, builtInCrews, crewLoader, personas, models, runsDirectory, checkpointTimeout, extraTools, conformanceFixtures,
                    listeners, redactor, httpLimits, journalStore, remoteRuns);
        }
    }
}
