package dev.cadre.cli;

import dev.cadre.orchestrator.redaction.Redactor;
import dev.cadre.api.Tool;
import dev.cadre.console.CadreConsole;
import dev.cadre.mcp.CadreMcpServer;
import dev.cadre.mcp.McpClientTools;
import dev.cadre.mcp.McpServerConfig;
import dev.cadre.personas.PersonaLibrary;
import dev.cadre.tools.GitTools;
import dev.cadre.tools.Workspace;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cadre mcp}: serves Cadre to IDE agents over stdio (default) or streamable HTTP. In stdio mode stdout carries
 * JSON-RPC only; everything else goes to stderr.
 */
@Command(name = "mcp", mixinStandardHelpOptions = true, description = "Serve tools, crews, checkpoints, prompts and run journals over MCP.")
final class McpCommand implements Callable<Integer> {

    static final class Transport {
        @Option(names = "--stdio", description = "Serve over stdio (the default).")
        boolean stdio;

        @Option(names = "--http", paramLabel = "PORT", description = "Serve streamable HTTP on this port (0: any free port).")
        Integer http;
    }

    @ArgGroup(exclusive = true)
    Transport transport = new Transport();

    @Option(names = "--host", description = "HTTP bind address (default: ${DEFAULT-VALUE}).", defaultValue = "127.0.0.1")
    String host;

    @Option(names = "--root", description = "Workspace root for the workspace tools (default: the client's MCP roots).")
    Path root;

    @Option(names = "--crews", description = "A directory of crew files (*.yaml, *.json) and CrewAI projects (or one CrewAI"
            + " project) to serve as crew_<name> tools, besides the built-in crews (a file replaces the built-in crew of its name).")
    Path crews;

    @Option(names = "--no-builtin", description = "Serve only the crews of --crews, not the built-in coder-reviewer, debate and hierarchical.")
    boolean noBuiltin;

    @Option(names = "--personas", description = "A directory of persona files to add to the built-in library.")
    Path personas;

    @Option(names = "--servers", description = "Other MCP servers (.mcp.json shape) whose tools agents may use.")
    Path servers;

    @picocli.CommandLine.Mixin
    RunsOption runsOption = new RunsOption();

    @Option(names = "--token", description = "Require this bearer token on HTTP (default: CADRE_MCP_TOKEN if set).")
    String token;

    @Option(names = "--profile", description = "Extra fixtures: 'conformance' serves those of the official MCP conformance suite.")
    String profile;

    @Option(names = "--allow-origin", description = "A browser origin allowed besides the server's own (repeatable).")
    List<String> origins = new ArrayList<>();

    /** {@code --temporal}: the cadre_* tools answer runs open on that cluster by their id (docs/temporal.md). */
    @picocli.CommandLine.Mixin
    TemporalOptions temporal = new TemporalOptions();

    @Override
    public Integer call() throws Exception {
        Path runs = runsOption.runs();
        if (root != null) {
            dev.cadre.orchestrator.journal.RunsDirectory.requireOutside(runs, root);
        }
        PersonaLibrary library = personas == null ? PersonaLibrary.builtIn() : PersonaLibrary.builtIn().withDirectory(personas);
        Workspace workspace = root == null ? null : Workspace.at(root);
        List<Tool> served = new ArrayList<>();
        if (workspace != null) {
            served.addAll(GitTools.create(workspace));
        }
        McpClientTools external = servers == null ? null : McpClientTools.load(servers);
        List<Tool> externalTools = external == null ? List.of() : external.tools();
        served.addAll(externalTools);
        Map<String, String> env = System.getenv();
        String bearer = token != null ? token : env.get("CADRE_MCP_TOKEN");
        Redactor redactor = Redactor.fromEnvironment(env).withSecret(bearer);
        RedactingMessageConverter.use(redactor);
        McpServerConfig.Builder config = McpServerConfig.builder().root(root).personas(library).runsDirectory(runs).tools(served)
                .redactor(redactor);
        dev.cadre.orchestrator.journal.JournalStore shared = runsOption.shared() ? runsOption.store() : null;
        config.journalStore(shared);   // null: the runs directory's
        TemporalRemoteRuns onCluster = temporal.enabled()
                ? new TemporalRemoteRuns(TemporalRuns.connect(temporal, ModelConfig.registry(env, null), runs, shared, env)) : null;
        if (onCluster != null) {
            config.remoteRuns(onCluster);
        }
        if (ModelConfig.defaultReference(env, null).isPresent()) {
            config.models(ModelConfig.registry(env, null)); // else crews run on the client's model through sampling
        }
        Telemetry.listener(env).ifPresent(config::listener);
        if (profile != null) {
            if (!profile.equals("conformance")) {
                throw new IllegalArgumentException("Profile '" + profile + "' is unknown; the only profile is 'conformance'.");
            }
            config.conformanceFixtures(true);
        }
        config.builtInCrews(!noBuiltin).crewLoader(ws -> Runs.loader(library, ws, externalTools));
        if (crews != null) {
            Workspace tools = Workspace.at(root != null ? root : crews);
            for (CrewDefinitions.Definition d : CrewDefinitions.directory(crews, library, Runs.tools(tools, externalTools)).values()) {
                CrewDefinitions.printNotes(d.notes(), System.err);
                config.crew(d.source());
            }
        }
        CountDownLatch stopped = new CountDownLatch(1);
        CadreMcpServer server;
        CadreConsole console = null;
        if (transport.http != null) {
            // The web console on the same port, under /console/, showing this server's runs.
            CadreConsole.Builder page = CadreConsole.builder().runsDirectory(runs).token(bearer);
            if (shared != null) {
                page.journalStore(shared);
            }
            if (onCluster != null) {
                page.remoteRuns(onCluster);
            }
            origins.forEach(page::allowedOrigin);
            console = page.build();
            config.listener(console);
            server = CadreMcpServer.http(config.build(), host, transport.http, bearer, origins, List.of(console.handler("/console")));
            System.err.println("cadre mcp: serving http://" + host + ":" + server.port() + "/mcp" + (bearer == null ? "" : " (bearer token required)")
                    + "; web console: http://" + host + ":" + server.port() + "/console/" + (bearer == null ? "" : "?token=<the token>"));
        } else {
            PrintStream jsonRpc = System.out;
            System.setOut(System.err); // nothing but JSON-RPC may reach the real stdout
            server = CadreMcpServer.stdio(config.build(), System.in, jsonRpc);
        }
        CadreConsole page = console;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            if (page != null) {
                page.close();
            }
            if (external != null) {
                external.close();
            }
            if (onCluster != null) {
                onCluster.close();
            }
            stopped.countDown();
        }, "cadre-mcp-shutdown"));
        if (transport.http == null) {
            // stdio: serve until stdin closes
            server.awaitTermination();
            server.close();
            if (external != null) {
                external.close();
            }
            if (onCluster != null) {
                onCluster.close();
            }
            return ExitCodes.OK;
        }
        stopped.await();
        return ExitCodes.OK;
    }
}
