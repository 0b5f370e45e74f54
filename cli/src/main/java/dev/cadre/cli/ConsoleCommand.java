package dev.cadre.cli;

import dev.cadre.api.ModelRegistry;
import dev.cadre.orchestrator.redaction.Redactor;
import dev.cadre.api.Tool;
import dev.cadre.orchestrator.journal.RunsDirectory;
import dev.cadre.console.CadreConsole;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.mcp.McpClientTools;
import dev.cadre.personas.BuiltInCrews;
import dev.cadre.personas.CrewFile;
import dev.cadre.personas.CrewLoader;
import dev.cadre.personas.PersonaLibrary;
import dev.cadre.tools.Workspace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cadre console}: the web console on loopback, able to start the built-in crews and those of --crews. */
@Command(name = "console", mixinStandardHelpOptions = true,
        description = "Serve the web console: watch runs live, answer their checkpoints, start crews.")
final class ConsoleCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "7070", description = "Port (default: ${DEFAULT-VALUE}; 0: any free port).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Bind address (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--token", description = "Require this token (default: CADRE_CONSOLE_TOKEN if set); open the printed URL once.")
    String token;

    @Option(names = "--allow-origin", description = "A browser origin allowed besides the console's own (repeatable).")
    List<String> origins = new ArrayList<>();

    @Option(names = "--model", description = "The default model, e.g. openai:gpt-4.1-mini (default: CADRE_MODEL).")
    String model;

    @Mixin
    RunsOption runsOption = new RunsOption();

    @Option(names = "--crews", description = "A directory of crew files (*.yaml, *.json) and CrewAI projects (or one CrewAI"
            + " project) the page may start, besides the built-in crews.")
    Path crews;

    @Mixin
    CrewSources sources = new CrewSources();

    /** {@code --temporal}: runs open on that cluster are answered and cancelled from the page (docs/temporal.md). */
    @Mixin
    TemporalOptions temporal = new TemporalOptions();

    @Override
    public Integer call() throws Exception {
        Map<String, String> env = System.getenv();
        PersonaLibrary library = sources.personas == null ? PersonaLibrary.builtIn() : PersonaLibrary.builtIn().withDirectory(sources.personas);
        McpClientTools external = sources.servers == null ? null : McpClientTools.load(sources.servers);
        List<Tool> extra = external == null ? List.of() : external.tools();
        Workspace ws = Workspace.at(sources.workspace);
        Path runs = RunsDirectory.requireOutside(runsOption.runs(), sources.workspace);
        ModelRegistry models = ModelConfig.registry(env, model);
        String bearer = token != null ? token : env.get("CADRE_CONSOLE_TOKEN");
        Redactor redactor = Redactor.fromEnvironment(env).withSecret(bearer);
        RedactingMessageConverter.use(redactor);
        dev.cadre.orchestrator.journal.JournalStore shared = runsOption.shared() ? runsOption.store() : null;
        Orchestrator.Builder orchestrator = Runs.orchestratorBuilder(models, env, runs, redactor);
        CadreConsole.Builder builder = CadreConsole.builder().runsDirectory(runs).token(bearer).orchestrator(orchestrator);
        if (shared != null) {
            builder.journalStore(shared);   // the page lists and shows what every machine journaled there
            orchestrator.journalStore(shared);
        }
        TemporalRemoteRuns onCluster = temporal.enabled()
                ? new TemporalRemoteRuns(TemporalRuns.connect(temporal, models, runs, shared, env)) : null;
        if (onCluster != null) {
            builder.remoteRuns(onCluster);
        }
        origins.forEach(builder::allowedOrigin);
        for (String name : BuiltInCrews.NAMES) {
            builder.crew(name, Runs.loadCrew(name, library, ws, extra));
        }
        for (Map.Entry<String, CrewFile> file : crewFiles(library, ws, extra).entrySet()) {
            builder.crew(file.getKey(), file.getValue());
        }
        CadreConsole console = builder.build().start(host, port);
        if (onCluster != null) {
            System.err.println("cadre console: answering the open runs of Temporal cluster " + temporal.target + ".");
        }
        System.err.println("cadre console: open " + console.url()
                + (models.defaultModel().isEmpty() ? "  (no model configured: " + ModelConfig.HOW + ")" : ""));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            console.close();
            if (onCluster != null) {
                onCluster.close();
            }
            if (shared != null) {
                shared.close();
            }
            if (external != null) {
                external.close();
            }
            stopped.countDown();
        }, "cadre-console-shutdown"));
        stopped.await();
        return ExitCodes.OK;
    }

    /** The crew files of --crews, by crew name. */
    private Map<String, CrewFile> crewFiles(PersonaLibrary library, Workspace ws, List<Tool> extra) {
        Map<String, CrewFile> files = new java.util.LinkedHashMap<>();
        if (crews == null) {
            return files;
        }
        CrewLoader loader = Runs.loader(library, ws, extra);
        for (CrewDefinitions.Definition d : CrewDefinitions.directory(crews, library, Runs.tools(ws, extra)).values()) {
            CrewDefinitions.printNotes(d.notes(), System.err);
            CrewFile crew = CrewDefinitions.load(d, loader);
            files.put(crew.crew().name(), crew);
        }
        return files;
    }
}
