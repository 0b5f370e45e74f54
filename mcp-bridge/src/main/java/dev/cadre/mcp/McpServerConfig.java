package dev.cadre.mcp;

import dev.cadre.api.CadreState;
import dev.cadre.api.ModelRegistry;
import dev.cadre.orchestrator.journal.RunsDirectory;
import dev.cadre.orchestrator.redaction.Redactor;
import dev.cadre.api.RunListener;
import dev.cadre.api.Tool;
import dev.cadre.personas.CrewFile;
import dev.cadre.personas.PersonaLibrary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a Cadre MCP server offers.
 *
 * @param root              the workspace root for the workspace tools; {@code null} to use the client's MCP roots
 * @param crews             crews served as tools ({@code crew_<name>}), by name
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
 */
public record McpServerConfig(Path root, Map<String, CrewFile> crews, PersonaLibrary personas, ModelRegistry models,
                              Path runsDirectory, Duration checkpointTimeout, List<Tool> extraTools, boolean conformanceFixtures,
                              List<RunListener> listeners, Redactor redactor, McpHttpLimits httpLimits) {

    public McpServerConfig {
        crews = crews == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(crews));
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
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link McpServerConfig}. */
    public static final class Builder {
        private Path root;
        private final Map<String, CrewFile> crews = new LinkedHashMap<>();
        private PersonaLibrary personas;
        private ModelRegistry models;
        private Path runsDirectory;
        private Duration checkpointTimeout;
        private final List<Tool> extraTools = new ArrayList<>();
        private boolean conformanceFixtures;
        private final List<RunListener> listeners = new ArrayList<>();
        private Redactor redactor;
        private McpHttpLimits httpLimits;

        /** What masks secrets in the server's messages and runs ({@link Redactor#none()} turns it off). */
        public Builder redactor(Redactor redactor) { this.redactor = redactor; return this; }
        /** The bounds of the HTTP transport: body size and time, session idle time and count. */
        public Builder httpLimits(McpHttpLimits limits) { this.httpLimits = limits; return this; }
        public Builder conformanceFixtures(boolean on) { this.conformanceFixtures = on; return this; }
        public Builder root(Path root) { this.root = root; return this; }
        public Builder crew(CrewFile crew) { crews.put(crew.crew().name(), crew); return this; }
        public Builder personas(PersonaLibrary personas) { this.personas = personas; return this; }
        public Builder models(ModelRegistry models) { this.models = models; return this; }
        public Builder runsDirectory(Path dir) { this.runsDirectory = dir; return this; }
        public Builder checkpointTimeout(Duration timeout) { this.checkpointTimeout = timeout; return this; }
        public Builder tools(List<? extends Tool> tools) { extraTools.addAll(tools); return this; }
        /** Told of every crew run the server starts (tracing, metrics, the web console). */
        public Builder listener(RunListener listener) { listeners.add(Objects.requireNonNull(listener)); return this; }

        public McpServerConfig build() {
            return new McpServerConfig(root, crews, personas, models, runsDirectory, checkpointTimeout, extraTools, conformanceFixtures,
                    listeners, redactor, httpLimits);
        }
    }
}
