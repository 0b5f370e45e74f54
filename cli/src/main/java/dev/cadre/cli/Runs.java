package dev.cadre.cli;

import dev.cadre.api.Checkpoint;
import dev.cadre.api.CrewSource;
import dev.cadre.api.HumanGate;
import dev.cadre.api.ModelRegistry;
import dev.cadre.orchestrator.redaction.Redactor;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Tool;
import dev.cadre.api.UnknownModelException;
import dev.cadre.api.crew.Crew;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.mcp.McpServerConfig;
import dev.cadre.personas.BuiltInCrews;
import dev.cadre.personas.CrewFile;
import dev.cadre.personas.CrewLoader;
import dev.cadre.personas.PersonaLibrary;
import dev.cadre.tools.StandardTools;
import dev.cadre.tools.Workspace;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;

/** What `cadre run`, `cadre runs resume` and `cadre demo` share: loading crews, choosing gates, showing a run. */
final class Runs {

    private Runs() {}

    /** A crew file, or a built-in crew by name; the error names both possibilities. */
    static CrewFile loadCrew(String source, PersonaLibrary library, Workspace workspace, List<Tool> extraTools) {
        return loadCrew(crewSource(source), library, workspace, extraTools);
    }

    /** A crew from its definition (read once: what runs is what the journal records). */
    static CrewFile loadCrew(CrewSource source, PersonaLibrary library, Workspace workspace, List<Tool> extraTools) {
        return loader(library, workspace, extraTools).load(source.origin(), source.text());
    }

    /** The text of a crew file, or of a built-in crew by name; the error names both possibilities. */
    static CrewSource crewSource(String source) {
        Path file = Path.of(source);
        if (Files.isRegularFile(file)) {
            try {
                return CrewSource.of(source, Files.readString(file));
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("Cannot read crew file " + file + ": " + e.getMessage(), e);
            }
        }
        if (BuiltInCrews.contains(source)) {
            return CrewSource.of(BuiltInCrews.fileName(source), BuiltInCrews.yaml(source));
        }
        throw new IllegalArgumentException("There is no crew file or built-in crew '" + source + "'; built-in crews: "
                + String.join(", ", BuiltInCrews.NAMES) + ".");
    }

    /** A crew loader with the standard tools of {@code workspace} and {@code extraTools}; crew files' commands run there. */
    static CrewLoader loader(PersonaLibrary library, Workspace workspace, List<Tool> extraTools) {
        return McpServerConfig.standardLoader(library, workspace, extraTools);
    }

    /** The standard tools of {@code workspace} and {@code extraTools}: what crews' agents may name. */
    static List<Tool> tools(Workspace workspace, List<Tool> extraTools) {
        List<Tool> tools = new ArrayList<>(StandardTools.forWorkspace(workspace));
        tools.addAll(extraTools);
        return tools;
    }

    /** Fails before anything runs when the workspace is not a directory. */
    static void requireWorkspace(Path workspace) {
        if (!Files.isDirectory(workspace)) {
            throw new IllegalArgumentException("The workspace " + workspace.toAbsolutePath().normalize() + " does not exist"
                    + (Files.exists(workspace) ? " as a directory" : "") + "; create it, or pass --workspace DIR.");
        }
    }

    /**
     * Fails before the run when an agent needs a model and none is configured, or names a provider Cadre does not know
     * (with the nearest one), or one whose key is not set: every model the crew uses is made (not called) now; and when
     * a server its models talk to, named by a setting, does not answer ({@link ModelServers}).
     */
    static void requireModels(Crew crew, ModelRegistry models, Map<String, String> env) {
        java.util.Set<String> refs = new java.util.LinkedHashSet<>();
        for (String model : crew.agents().stream().map(a -> a.persona().model()).toList()) {
            if (model == null && models.defaultModel().isEmpty()) {
                throw new UnknownModelException("No model is configured: " + ModelConfig.HOW + ".");
            }
            refs.add(model == null ? models.defaultModel().orElseThrow().toString() : model);
        }
        for (String ref : refs) {
            try {
                models.chatModel(dev.cadre.api.ModelRef.parse(ref));
            } catch (UnknownModelException e) {
                String provider = ref.contains(":") ? ref.substring(0, ref.indexOf(':')) : ref;
                if (!ModelConfig.PROVIDERS.contains(provider) && !provider.equals("fallback")) {
                    throw new UnknownModelException("Model '" + ref + "' names provider '" + provider + "', which Cadre does not know"
                            + ModelConfig.nearestProvider(provider).map(p -> " — did you mean '" + p + "'?").orElse("")
                            + " Providers: " + String.join(", ", ModelConfig.PROVIDERS) + ".");
                }
                throw e;
            }
        }
        ModelServers.requireReachable(refs, env);
    }

    static boolean onTerminal() {
        return System.console() != null;
    }

    /** The view and gate for this invocation. {@code autoApprove}: --yes, or the demo off a terminal. */
    record Session(RunView view, HumanGate gate, boolean canAnswer) {}

    static Session session(PrintStream out, boolean json, boolean autoApprove) {
        return session(out, json, autoApprove, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
    }

    /** The same, reading answers from {@code stdin} (one reader per invocation, so no typed answer is lost). */
    static Session session(PrintStream out, boolean json, boolean autoApprove, BufferedReader stdin) {
        boolean terminal = onTerminal() && !json;
        RunView view = new RunView(out, json ? RunView.Mode.JSON : terminal ? RunView.Mode.LIVE : RunView.Mode.PLAIN,
                ModelConfig.prices(System.getenv()) != dev.cadre.api.PriceTable.NONE);
        HumanGate gate = autoApprove ? HumanGate.autoApprove()
                : terminal ? new ConsoleGate(stdin, out, view)
                : HumanGate.programmatic();
        return new Session(view, gate, terminal || autoApprove);
    }

    /**
     * Shows a run to its end. Off a terminal without --yes, a checkpoint cannot be answered here: the command
     * stops, saying how to resume, and returns {@link ExitCodes#WAITING}.
     */
    static int follow(RunHandle run, Session session, RunsOption runs, PrintStream out, PrintStream err) {
        run.events().subscribe(session.view()::show);
        Mono<Integer> done = run.result().map(result -> {
            session.view().summary(result, journalOf(runs, run.runId()));
            return result.status() == RunStatus.SUCCEEDED ? ExitCodes.OK : ExitCodes.RUN_FAILED;
        });
        if (session.canAnswer()) {
            return done.block();
        }
        Mono<Integer> waiting = run.events().filter(e -> e instanceof RunEvent.CheckpointRequested c
                        && run.pendingCheckpoints().stream().anyMatch(p -> p.id().equals(c.checkpoint().id())))
                .next().map(e -> {
                    Checkpoint c = ((RunEvent.CheckpointRequested) e).checkpoint();
                    session.view().clearStatus();
                    err.println("Run " + run.runId() + " waits at checkpoint '" + TerminalText.line(c.id()) + "': " + TerminalText.line(c.question()));
                    err.println("Not on a terminal, so nobody can answer here. Answer it on a terminal with: cadre runs resume "
                            + run.runId() + runs.repeat()
                            + " (add --yes to approve every checkpoint).");
                    return ExitCodes.WAITING;
                });
        return Mono.firstWithValue(done, waiting).block();
    }

    /** Where run {@code runId}'s journal is, for the summary: its store's location, as {@code cadre runs export} writes it out. */
    private static String journalOf(RunsOption runs, String runId) {
        try (var store = runs.store()) {
            return store.location(runId) + " (`cadre runs export " + runId + runs.repeat() + "` writes it as a file)";
        }
    }

    /** An orchestrator as {@link #orchestratorBuilder} configures one, journaling where {@code runs} says (--runs, --journal). */
    static Orchestrator orchestrator(ModelRegistry models, Map<String, String> env, RunsOption runs, HumanGate gate) {
        Orchestrator.Builder builder = orchestratorBuilder(models, env, runs.runs(), Redactor.fromEnvironment(env)).gate(gate);
        if (runs.shared()) {
            builder.journalStore(runs.store());
        }
        return builder.build();
    }

    /** An orchestrator as the CLI configures one: prices and tracing from the environment, secrets masked. */
    static Orchestrator.Builder orchestratorBuilder(ModelRegistry models, Map<String, String> env, Path runs, Redactor redactor) {
        Orchestrator.Builder builder = Orchestrator.builder().models(models).prices(ModelConfig.prices(env)).runsDirectory(runs)
                .redactor(redactor);
        Telemetry.listener(env).ifPresent(builder::listener);
        return builder;
    }
}
