package dev.cadre.cli;

import dev.cadre.api.CrewSource;
import dev.cadre.api.ModelRegistry;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.orchestrator.journal.RunsDirectory;
import dev.cadre.orchestrator.redaction.Redactor;
import dev.cadre.personas.BuiltInCrews;
import dev.cadre.personas.CrewFile;
import dev.cadre.personas.PersonaLibrary;
import dev.cadre.temporal.TemporalCadre;
import dev.cadre.temporal.TemporalConnection;
import dev.cadre.tools.Workspace;
import io.temporal.worker.WorkerFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cadre worker --temporal HOST:PORT}: a Temporal worker for Cadre runs until it is stopped (SIGTERM, Ctrl-C). It
 * runs the crews it registers (crews are code, as workflows are: the built-in crews and {@code --crew} files, loaded in
 * its workspace) and their model calls, and the tool calls of their workspace: every worker of a task queue must hold
 * the same workspace (shared storage), or name its host ({@code --workspace-host}: its tool calls on a queue of their own,
 * for runs started with the same {@code --workspace-host}; docs/temporal.md).
 */
@Command(name = "worker", mixinStandardHelpOptions = true, description = "Run a Temporal worker for Cadre runs (docs/temporal.md).")
final class WorkerCommand implements Callable<Integer> {

    @Mixin
    TemporalOptions temporal = new TemporalOptions();

    @Mixin
    RunsOption runsOption = new RunsOption();

    @Option(names = "--workspace", description = "The directory the agents of this worker's runs work in (default: the current directory).")
    Path workspace = Path.of(".");

    @Option(names = "--crew", paramLabel = "FILE|NAME", description = "A crew file or built-in crew this worker runs (repeatable;"
            + " default: the built-in crews).")
    List<String> crews = new ArrayList<>();

    @Option(names = "--allow", paramLabel = "COMMAND", description = "A command line the crews may run instead of their own (repeatable).")
    List<String> allow = new ArrayList<>();

    @Option(names = "--model", paramLabel = "REF", description = "The default model, e.g. openai:gpt-4.1-mini (default: CADRE_MODEL).")
    String model;

    @Option(names = "--heartbeat-timeout", paramLabel = "SECONDS", description = "How long a model or tool call may go without a"
            + " heartbeat before Temporal retries it on another worker (default: 30); the same on every worker of the task queue.")
    int heartbeatSeconds = 30;

    @Option(names = "--sticky-timeout", paramLabel = "SECONDS", description = "How long a run's next workflow task waits for this"
            + " worker, which has the run cached, before any worker of the task queue may take it (default: 5, Temporal's);"
            + " 0 turns sticky execution off (each task replays the run's history), for Temporal's test server.")
    int stickySeconds = 5;

    @Option(names = "--personas", description = "A directory of persona files to add to the built-in library.")
    Path personas;

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> env = System.getenv();
        if (!temporal.enabled()) {
            throw new IllegalArgumentException("cadre worker needs the cluster: pass --temporal HOST:PORT, e.g. --temporal localhost:7233.");
        }
        if (stickySeconds < 0) {
            throw new IllegalArgumentException("--sticky-timeout is " + stickySeconds + ": give 0 (no sticky execution) or more seconds.");
        }
        TemporalConnection connection = temporal.connection(env);
        // workers on several machines journal into one PostgreSQL store (--journal): opened first, so a bad URL or a
        // missing key is said before anything else
        dev.cadre.orchestrator.journal.JournalStore shared = runsOption.shared() ? runsOption.store() : null;
        Runs.requireWorkspace(workspace);
        RunsDirectory.requireOutside(runsOption.runs(), workspace);
        Workspace ws = Workspace.at(workspace);
        PersonaLibrary library = personas == null ? PersonaLibrary.builtIn() : PersonaLibrary.builtIn().withDirectory(personas);
        ModelRegistry models = ModelConfig.registry(env, model);
        List<CrewFile> loaded = new ArrayList<>();
        for (String name : crews.isEmpty() ? BuiltInCrews.NAMES : crews) {
            try {
                CrewSource source = AllowedCommands.choose(Runs.crewSource(name), workspace, allow, false, null, System.err);
                CrewFile file = Runs.loadCrew(source, library, ws, List.of());
                Runs.requireModels(file.crew(), models, env);
                loaded.add(file);
            } catch (IllegalArgumentException e) {
                if (!crews.isEmpty()) {
                    throw e;
                }
                System.err.println("cadre worker: built-in crew " + name + " is left out: " + e.getMessage());
            }
        }
        if (loaded.isEmpty()) {
            throw new IllegalArgumentException("cadre worker has no crew to run: pass --crew FILE (and --allow for its commands).");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        try (TemporalConnection.Open open = connection.connect()) {
            TemporalCadre.Builder builder = TemporalCadre.builder(open.client()).taskQueue(temporal.taskQueue).models(models)
                    .tools(tools(ws, loaded)).workspace(workspace).runsDirectory(runsOption.runs()).journalKey(JournalKey.fromStateDirectory())
                    .redactor(Redactor.fromEnvironment(env)).heartbeatTimeout(java.time.Duration.ofSeconds(heartbeatSeconds))
                    .stickyTimeout(java.time.Duration.ofSeconds(stickySeconds));
            if (temporal.toolQueue() != null) {
                builder.toolQueue(temporal.toolQueue());
            }
            if (shared != null) {
                builder.journalStore(shared);
            }
            loaded.forEach(f -> builder.crew(f.crew()));
            try (TemporalCadre cadre = builder.build()) {
                WorkerFactory factory = WorkerFactory.newInstance(open.client());
                cadre.register(factory);
                factory.start();
                Thread hook = new Thread(() -> {
                    factory.shutdown();
                    factory.awaitTermination(10, TimeUnit.SECONDS);
                    stopped.countDown();
                }, "cadre-worker-stop");
                Runtime.getRuntime().addShutdownHook(hook);
                System.err.println("cadre worker: polling task queue '" + TerminalText.line(cadre.taskQueue()) + "'"
                        + (temporal.toolQueue() == null ? "" : " (tool calls on '" + TerminalText.line(temporal.toolQueue()) + "')") + " on " + connection
                        + "; crews " + String.join(", ", loaded.stream().map(f -> f.crew().name()).toList()) + "; workspace "
                        + workspace.toAbsolutePath().normalize() + "; journals in " + (runsOption.shared() ? runsOption.describe() : runsOption.runs()) + ".");
                stopped.await();
            }
        }
        return ExitCodes.OK;
    }

    /** The standard tools of the workspace and the crews' own (their commands' runner): what their tool calls may name. */
    private static List<dev.cadre.api.Tool> tools(Workspace ws, List<CrewFile> crews) {
        Map<String, dev.cadre.api.Tool> byName = new java.util.LinkedHashMap<>();
        Runs.tools(ws, List.of()).forEach(t -> byName.put(t.name(), t));
        crews.forEach(f -> f.crew().agents().forEach(a -> a.tools().forEach(t -> byName.putIfAbsent(t.name(), t))));
        return List.copyOf(byName.values());
    }
}
