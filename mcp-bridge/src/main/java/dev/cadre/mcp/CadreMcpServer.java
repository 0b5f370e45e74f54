package dev.cadre.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cadre.api.CadreJson;
import dev.cadre.api.Checkpoint;
import dev.cadre.api.Decision;
import dev.cadre.api.HumanGate;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.Persona;
import dev.cadre.orchestrator.redaction.Redactor;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.orchestrator.journal.JournalIntegrity;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.orchestrator.journal.JournalReader;
import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Task;
import dev.cadre.api.Templates;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolContext;
import dev.cadre.api.ToolResult;
import dev.cadre.mcp.internal.Cancellations;
import dev.cadre.mcp.internal.CrewCatalog;
import dev.cadre.mcp.internal.CrewResults;
import dev.cadre.mcp.internal.CrewRuns;
import dev.cadre.mcp.internal.OrderedNotifications;
import dev.cadre.mcp.internal.ElicitationGate;
import dev.cadre.mcp.internal.ModelChecks;
import dev.cadre.mcp.internal.HttpGuard;
import dev.cadre.mcp.internal.InboundMessages;
import dev.cadre.mcp.internal.ModernCrewCalls;
import dev.cadre.mcp.internal.ModernServer;
import dev.cadre.mcp.internal.StdioTransport;
import dev.cadre.mcp.internal.RunResources;
import dev.cadre.mcp.internal.SamplingModels;
import dev.cadre.mcp.internal.SessionTable;
import dev.cadre.http.BodyLimits;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.orchestrator.RunOptions;
import dev.cadre.personas.CrewFile;
import dev.cadre.tools.Workspace;
import dev.cadre.tools.WorkspaceException;
import dev.cadre.tools.WorkspaceTools;
import dev.langchain4j.internal.JsonSchemaElementUtils;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.json.schema.jackson2.DefaultJsonSchemaValidator;
import io.modelcontextprotocol.modern.server.feature.McpAsyncTool;
import io.modelcontextprotocol.modern.server.transport.HttpServletMcpTransport;
import io.modelcontextprotocol.modern.server.transport.StdioMcpTransport;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.server.transport.ServerHttpHeaderValidator;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Cadre as an MCP server for IDE agents (Claude Code, VS Code, Cursor): the workspace tools, every configured crew
 * as a tool ({@code crew_<name>}, with progress notifications while it runs), checkpoints through elicitation or
 * through the {@code cadre_*} tools, personas as prompts and run journals as resources ({@code cadre://runs/{id}}).
 * Over stdio nothing but JSON-RPC reaches stdout; over HTTP it binds to loopback, checks Host and Origin, and
 * requires the bearer token when one is set. It speaks MCP 2025-11-25 (the SDK's session server) and 2026-07-28 (the
 * SDK's stateless {@code modern} server, fed the same features by {@code internal.ModernServer}), the client choosing.
 *
 * <p>Over 300 lines: it wires every MCP feature (tools, crews as tools, prompts, resources, checkpoints, both
 * transports, both protocol versions) into the SDK's servers; the transports' guards and limits, the crews' loading,
 * runs and results and the 2026-07-28 crew calls live in {@code internal}; the 2025-11-25 crew call (sampling,
 * elicitation, progress) is the next part to move out.
 */
public final class CadreMcpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CadreMcpServer.class);
    private static final Pattern RUN_URI = Pattern.compile("cadre://runs/([A-Za-z0-9][A-Za-z0-9_.-]{0,127})");
    private static final String NAME = "cadre";
    /** The servlet serving MCP 2026-07-28 requests at /mcp, reached through the guard (it has no mapping of its own). */
    private static final String MODERN_SERVLET = "mcp-2026-07-28";
    private static final String VERSION = "0.1.0";

    private final McpServerConfig config;
    /** Authenticates the journals of the crews this server runs, and verifies those it serves as resources. */
    private final JournalKey journalKey = JournalKey.fromStateDirectory();
    private final ObjectMapper mapper = CadreJson.newMapper();
    private final McpJsonMapper json = new JacksonMcpJsonMapper(mapper);
    private final Cancellations cancellations = new Cancellations();
    private final InboundMessages inbound = new InboundMessages(cancellations, new InboundMessages.LocalAnswers() {
        @Override
        public String answer(String method, JsonNode id, JsonNode params) {
            return localAnswer(method, id, params);
        }

        @Override
        public boolean handles(String method) {
            return "resources/list".equals(method);
        }
    });
    private final CrewRuns crewRuns;
    private final CrewResults results;
    private final Map<String, RunHandle> runs;
    private final Map<Path, Map<String, Tool>> workspaceTools = new ConcurrentHashMap<>();
    private final CrewCatalog catalog;
    private final RunResources runResources;
    private final boolean http;
    private final SessionTable sessions;
    private McpAsyncServer server;
    /** The same offer on MCP 2026-07-28 (see {@link ModernServer}). */
    private io.modelcontextprotocol.modern.server.McpServer modern;
    private StdioMcpTransport modernStdio;
    private HttpServletStreamableServerTransportProvider transport;
    private StdioTransport stdin;
    private Server jetty;
    private int port;

    private CadreMcpServer(McpServerConfig config, boolean http) {
        this.config = config;
        this.http = http;
        this.catalog = CrewCatalog.load(config);
        this.crewRuns = new CrewRuns(config, journalKey);
        this.results = new CrewResults(config.redactor());
        this.runs = crewRuns.all();
        this.runResources = new RunResources(config.runsDirectory(), () -> server.listResources()
                .map(r -> (JsonNode) CadreJson.mapper().valueToTree(r)).collectList().block(Duration.ofSeconds(5)));
        this.sessions = new SessionTable(config.httpLimits().maxSessions(), config.httpLimits().sessionIdleTimeout(), System::nanoTime);
    }

    /** Serves over stdio: {@code in} and {@code out} carry JSON-RPC only. */
    public static CadreMcpServer stdio(McpServerConfig config, InputStream in, OutputStream out) {
        CadreMcpServer s = new CadreMcpServer(config, false);
        PipedOutputStream modernLines = new PipedOutputStream();
        PipedInputStream modernIn;
        try {
            modernIn = new PipedInputStream(modernLines, InboundMessages.MAX_BYTES + 1);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        s.stdin = new StdioTransport(s.mapper, s.json, in, out, s.inbound, modernLines);
        s.server = s.features(McpServer.async(s.stdin)).build();
        s.modernStdio = new StdioMcpTransport(s.modern, s.json, modernIn, out, InboundMessages.MAX_BYTES);
        s.modernStdio.start().subscribe(x -> { }, e -> log.debug("the 2026-07-28 stdio transport stopped", e));
        return s;
    }

    /**
     * Serves streamable HTTP at {@code http://host:port/mcp} ({@code port} 0 picks a free one). {@code token}, when
     * not null, is required as {@code Authorization: Bearer <token>}; {@code allowedOrigins} are browser origins
     * allowed besides this server's own.
     */
    public static CadreMcpServer http(McpServerConfig config, String host, int port, String token, List<String> allowedOrigins) {
        return http(config, host, port, token, allowedOrigins, List.of());
    }

    /**
     * As {@link #http(McpServerConfig, String, int, String, List)}, and also serves {@code alsoServe} on the same
     * port, each under its own context path (for example the web console under {@code /console}). They guard
     * themselves: the MCP server's guard covers {@code /mcp} only.
     */
    public static CadreMcpServer http(McpServerConfig config, String host, int port, String token, List<String> allowedOrigins,
                                      List<? extends ContextHandler> alsoServe) {
        CadreMcpServer s = new CadreMcpServer(config, true);
        McpHttpLimits limits = config.httpLimits();
        HttpServletStreamableServerTransportProvider transport = s.httpTransport(limits);
        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost(host);
        connector.setPort(port);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        ServletHolder servlet = new ServletHolder(transport);
        servlet.setAsyncSupported(true);
        context.addServlet(servlet, "/mcp");
        ServletHolder modernHolder = new ServletHolder(MODERN_SERVLET, s.modernServlet(limits));
        modernHolder.setAsyncSupported(true);
        context.getServletHandler().addServlet(modernHolder);
        HttpGuard httpGuard = s.httpGuard(token, allowedOrigins, () -> s.port);
        FilterHolder guard = new FilterHolder(httpGuard);
        guard.setAsyncSupported(true);
        context.addFilter(guard, "/*", EnumSet.of(DispatcherType.REQUEST));
        Handler mcp = httpGuard.bounded(context, BodyLimits.of(limits.maxBodyBytes()).withTimeout(limits.bodyTimeout()));
        ContextHandlerCollection handlers = new ContextHandlerCollection(alsoServe.toArray(ContextHandler[]::new));
        handlers.addHandler(mcp);
        jetty.setHandler(alsoServe.isEmpty() ? mcp : handlers);
        try {
            jetty.start();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start the MCP HTTP server on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        s.jetty = jetty;
        s.port = connector.getLocalPort();
        return s;
    }

    /**
     * Serves streamable HTTP at {@code path} (for example {@code /cadre/mcp}) in a servlet container someone else runs,
     * such as a Spring Boot application's embedded Tomcat (Servlet 6.0 is enough), under the guard of
     * {@link #http}: Host must be loopback and the request's own port, an Origin other than that server's and
     * {@code allowedOrigins} is refused, and {@code token}, when not null, is required. Bodies are bounded in size
     * ({@link McpHttpLimits#maxBodyBytes()}); how long a client may take to send one is the container's connection
     * timeout. Call it while the container starts (a {@code ServletContainerInitializer} or Spring Boot's
     * {@code ServletContextInitializer}); {@link #close} stops the MCP server, the container stays.
     */
    public static CadreMcpServer mount(McpServerConfig config, ServletContext container, String path, String token,
                                       List<String> allowedOrigins) {
        if (!path.matches("(/[A-Za-z0-9._~-]+)+")) {
            throw new IllegalArgumentException("The MCP endpoint's path '" + path + "' must start with '/' and name no wildcard,"
                    + " for example /cadre/mcp.");
        }
        CadreMcpServer s = new CadreMcpServer(config, true);
        McpHttpLimits limits = config.httpLimits();
        ServletRegistration.Dynamic sessions = container.addServlet("cadre-mcp", s.httpTransport(limits));
        ServletRegistration.Dynamic modern = container.addServlet(MODERN_SERVLET, s.modernServlet(limits));
        if (sessions == null || modern == null) {
            throw new IllegalStateException("The servlet container already has a Cadre MCP endpoint; mount one per application.");
        }
        sessions.setAsyncSupported(true);
        sessions.addMapping(path);
        modern.setAsyncSupported(true);
        // the guard checks Host against the port the request came in on (the container may pick it after this call)
        ThreadLocal<Integer> requestPort = new ThreadLocal<>();
        HttpGuard httpGuard = s.httpGuard(token, allowedOrigins, requestPort::get);
        FilterRegistration.Dynamic guard = container.addFilter("cadre-mcp-guard", (Filter) (request, response, chain) -> {
            requestPort.set(request.getLocalPort());
            try {
                httpGuard.doFilter(request, response, chain);
            } finally {
                requestPort.remove();
            }
        });
        guard.setAsyncSupported(true);
        guard.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, path);
        return s;
    }

    /** The SDK's 2025-11-25 session transport and the server on it (the endpoint is matched as the path's end). */
    private HttpServletStreamableServerTransportProvider httpTransport(McpHttpLimits limits) {
        // the SDK's sweeper drops sessions idle for a whole interval; the guard's table expires them exactly on time
        transport = HttpServletStreamableServerTransportProvider.builder()
                .jsonMapper(json).mcpEndpoint("/mcp").keepAliveInterval(Duration.ofSeconds(30))
                .maxRequestSize(limits.maxBodyBytes()).sessionSweepInterval(limits.sessionIdleTimeout()).build();
        server = features(McpServer.async(transport)).build();
        return transport;
    }

    /** The 2026-07-28 servlet, reached through the guard (it has no mapping of its own); after {@link #httpTransport}. */
    private HttpServletMcpTransport modernServlet(McpHttpLimits limits) {
        // the guard in front checks Host, Origin and the token for both protocol versions
        return HttpServletMcpTransport.builder(modern).jsonMapper(json).endpoint("/mcp")
                .maxRequestSize(limits.maxBodyBytes()).keepAliveInterval(Duration.ofSeconds(30))
                .httpHeaderValidator(ServerHttpHeaderValidator.NOOP).build();
    }

    private HttpGuard httpGuard(String token, List<String> allowedOrigins, java.util.function.IntSupplier port) {
        return new HttpGuard(token, allowedOrigins, port, inbound, sessions, config.httpLimits().sessionIdleTimeout(), MODERN_SERVLET);
    }

    /** For stdio: blocks until the client closes the input. */
    public void awaitTermination() throws InterruptedException {
        if (stdin != null) {
            stdin.awaitEnd();
        }
    }

    public int port() {
        return port;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port + "/mcp");
    }

    /** Runs started through this server, by id. */
    public Map<String, RunHandle> runs() {
        return Map.copyOf(runs);
    }

    /** HTTP sessions open now, expired ones dropped (for tests). */
    int openSessions() {
        return sessions.open();
    }

    /** The SDK's transport, whose own sessions tests count ({@code null} over stdio). */
    HttpServletStreamableServerTransportProvider transport() {
        return transport;
    }

    /** Tool calls in flight that a client's {@code notifications/cancelled} could still cancel (for tests). */
    int cancellableRequests() {
        return cancellations.active();
    }

    @Override
    public void close() {
        // a run waiting for a human holds nothing and stays resumable from its journal (a 2026-07-28 retry resumes it)
        runs.values().stream().filter(r -> r.status() != RunStatus.WAITING_FOR_HUMAN).forEach(RunHandle::cancel);
        if (modernStdio != null) {
            modernStdio.closeGracefully().onErrorResume(e -> Mono.empty()).block(Duration.ofSeconds(5));
        }
        if (modern != null) {
            modern.closeGracefully();
        }
        try {
            server.closeGracefully().block(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            log.debug("MCP server did not close gracefully", e);
        }
        if (jetty != null) {
            try {
                jetty.stop();
            } catch (Exception e) {
                log.warn("Jetty did not stop cleanly", e);
            }
        }
    }

    // ---- features ----

    private static final String INSTRUCTIONS = "Cadre runs crews of role-based agents. Call crew_<name> with a task to run a crew;"
            + " use cadre_run_status, cadre_checkpoints_list and cadre_checkpoint_resolve to follow runs"
            + " and answer their checkpoints when your client has no elicitation.";

    /** The 2025-11-25 server's features, and (built from the same) the 2026-07-28 server. */
    private McpServer.AsyncSpecification<?> features(McpServer.AsyncSpecification<?> spec) {
        spec.serverInfo(NAME, VERSION)
                .instructions(INSTRUCTIONS)
                .requestTimeout(config.checkpointTimeout().plusMinutes(1))
                .validateToolInputs(true)
                .capabilities(config.conformanceFixtures()
                        ? McpSchema.ServerCapabilities.builder().tools(true).prompts(true).resources(true, true).logging().completions().build()
                        : McpSchema.ServerCapabilities.builder().tools(true).prompts(true).resources(true, true).logging().build());
        List<McpServerFeatures.AsyncToolSpecification> tools = new ArrayList<>();
        Map<String, Tool> probe = new LinkedHashMap<>();
        WorkspaceTools.create(Workspace.at(config.root() != null ? config.root() : Path.of("."))).forEach(t -> probe.put(t.name(), t));
        for (Tool tool : probe.values()) {
            tools.add(toolSpec(tool, (exchange, args) -> workspaceTool(exchange, tool.name()).flatMap(t -> invoke(t, args, exchange))));
        }
        for (Tool tool : config.extraTools()) {
            tools.add(toolSpec(tool, (exchange, args) -> invoke(tool, args, exchange)));
        }
        tools.addAll(runTools());
        List<McpServerFeatures.AsyncToolSpecification> crews = new ArrayList<>();
        Map<String, McpAsyncTool> modernCrews = new LinkedHashMap<>();
        ModernCrewCalls crewCalls = new ModernCrewCalls(config, catalog, crewRuns, results, json);
        for (CrewCatalog.Entry entry : catalog.entries()) {
            McpServerFeatures.AsyncToolSpecification crew = crewTool(entry);
            crews.add(crew);
            modernCrews.put(crew.tool().name(), crewCalls.tool(entry,
                    json.convertValue(crew.tool(), io.modelcontextprotocol.modern.McpSchema.Tool.class)));
        }
        List<McpServerFeatures.AsyncToolSpecification> all = new ArrayList<>(tools);
        all.addAll(all.size() - 3, crews);
        spec.tools(all);
        List<McpServerFeatures.AsyncPromptSpecification> prompts = new ArrayList<>(config.personas().all().stream().map(this::prompt).toList());
        spec.prompts(prompts);
        List<McpServerFeatures.AsyncResourceSpecification> resources = new ArrayList<>();
        List<McpServerFeatures.AsyncResourceTemplateSpecification> templates = new ArrayList<>();
        if (config.conformanceFixtures()) {
            ConformanceFixtures.Fixtures fixtures = ConformanceFixtures.apply(spec);
            tools.addAll(fixtures.tools());
            prompts.addAll(fixtures.prompts());
            resources.addAll(fixtures.resources());
            templates.addAll(fixtures.templates());
        }
        McpServerFeatures.AsyncResourceTemplateSpecification journals = new McpServerFeatures.AsyncResourceTemplateSpecification(
                McpSchema.ResourceTemplate.builder("cadre://runs/{id}", "run-journal").title("Run journal")
                        .description("A run's journal: its events as JSON Lines").mimeType("application/x-ndjson").build(),
                (exchange, request) -> readJournal(request.uri()));
        spec.resourceTemplates(journals);
        templates.add(0, journals);
        modern = ModernServer.build(new ModernServer.Offer(tools, modernCrews, prompts, runResources, resources, templates),
                json, new DefaultJsonSchemaValidator(), journalKey, NAME, VERSION, INSTRUCTIONS);
        return spec;
    }

    private interface Body {
        Mono<McpSchema.CallToolResult> call(McpAsyncServerExchange exchange, Map<String, Object> arguments);
    }

    private McpServerFeatures.AsyncToolSpecification toolSpec(Tool tool, Body body) {
        Map<String, Object> schema = tool.specification().parameters() == null ? Map.of("type", "object")
                : JsonSchemaElementUtils.toMap(tool.specification().parameters());
        McpSchema.Tool mcpTool = McpSchema.Tool.builder().name(tool.name()).description(tool.specification().description())
                .inputSchema(schema)
                .annotations(new McpSchema.ToolAnnotations(null, tool.risk() == RiskLevel.READ_ONLY,
                        tool.risk() != RiskLevel.READ_ONLY, tool.idempotent(), tool.risk() == RiskLevel.EXTERNAL, null))
                .build();
        return McpServerFeatures.AsyncToolSpecification.builder().tool(mcpTool)
                .callHandler((exchange, request) -> body.call(exchange, request.arguments() == null ? Map.of() : request.arguments()))
                .build();
    }

    private Mono<Tool> workspaceTool(McpAsyncServerExchange exchange, String name) {
        if (config.root() != null) {
            return Mono.just(tools(config.root()).get(name));
        }
        return clientRoot(exchange).map(root -> tools(root).get(name));
    }

    /** The client's first file:// root, for a server started without a root of its own. */
    private Mono<Path> clientRoot(McpAsyncServerExchange exchange) {
        if (exchange == null) { // MCP 2026-07-28 deprecates roots: Cadre does not ask for them there
            return Mono.error(new McpError(new McpSchema.JSONRPCResponse.JSONRPCError(McpSchema.ErrorCodes.INVALID_REQUEST,
                    "No workspace: start 'cadre mcp' with --root DIR.", null)));
        }
        if (exchange.getClientCapabilities() == null || exchange.getClientCapabilities().roots() == null) {
            return Mono.error(new McpError(new McpSchema.JSONRPCResponse.JSONRPCError(McpSchema.ErrorCodes.INVALID_REQUEST,
                    "No workspace: start 'cadre mcp' with --root DIR, or use a client that shares its roots.", null)));
        }
        return exchange.listRoots().map(roots -> {
            McpSchema.Root root = roots.roots().stream().filter(r -> r.uri().startsWith("file:")).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("The client shares no file:// root to work in."));
            return Path.of(URI.create(root.uri()));
        });
    }

    private Map<String, Tool> tools(Path root) {
        return workspaceTools.computeIfAbsent(root.toAbsolutePath().normalize(), r -> {
            Map<String, Tool> byName = new LinkedHashMap<>();
            WorkspaceTools.create(Workspace.at(r)).forEach(t -> byName.put(t.name(), t));
            return byName;
        });
    }

    private Mono<McpSchema.CallToolResult> invoke(Tool tool, Map<String, Object> arguments, McpAsyncServerExchange exchange) {
        JsonNode args = CadreJson.mapper().valueToTree(arguments);
        ToolContext context = new ToolContext("mcp-" + (exchange == null ? "stateless" : exchange.sessionId()), "mcp/" + tool.name(),
                "mcp-client", null);
        return Mono.defer(() -> tool.invoke(args, context)).subscribeOn(Schedulers.boundedElastic())
                .onErrorResume(e -> e instanceof WorkspaceException || e instanceof IllegalArgumentException,
                        e -> Mono.just(ToolResult.error(e.getMessage())))
                .map(this::toResult);
    }

    private McpSchema.CallToolResult toResult(ToolResult result) {
        McpSchema.CallToolResult.Builder builder = McpSchema.CallToolResult.builder()
                .addTextContent(config.redactor().redact(result.text())).isError(result.error());
        if (result.structured() != null && result.structured().isObject()) {
            JsonNode structured = result.structured().deepCopy();
            config.redactor().redactInPlace(structured);
            builder.structuredContent(CadreJson.mapper().convertValue(structured, Map.class));
        }
        return builder.build();
    }

    // ---- crews as tools ----

    private McpServerFeatures.AsyncToolSpecification crewTool(CrewCatalog.Entry entry) {
        String name = entry.name();
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("type", "object");
        inputs.put("additionalProperties", Map.of("type", "string"));
        Map<String, String> defaults = entry.loaded().inputs();
        inputs.put("description", "Values for the crew's {variables}" + (defaults.isEmpty() ? "" : "; defaults: " + defaults));
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", Map.of("task", Map.of("type", "string", "description", "What the crew should do"), "inputs", inputs));
        schema.put("required", List.of("task"));
        String toolName = ("crew_" + name).replaceAll("[^a-zA-Z0-9_-]", "_");
        McpSchema.Tool tool = McpSchema.Tool.builder().name(toolName.length() > 64 ? toolName.substring(0, 64) : toolName)
                .title("Crew " + name)
                .description((entry.description() == null ? "" : entry.description() + " ")
                        + "Runs the crew '" + name + "' on a task and returns its final output. Progress arrives as notifications;"
                        + " checkpoints are asked through elicitation or left for cadre_checkpoint_resolve.")
                .inputSchema(schema).outputSchema(CrewResults.OUTPUT_SCHEMA).build();
        return McpServerFeatures.AsyncToolSpecification.builder().tool(tool).callHandler((exchange, request) -> {
            // without a root of its own, a crew works in the client's root; one whose agents use no tools needs none
            boolean clientRoots = exchange.getClientCapabilities() != null && exchange.getClientCapabilities().roots() != null;
            Mono<CrewFile> crewFile = catalog.perClientRoot() && entry.source() != null && (clientRoots || entry.usesTools())
                    ? clientRoot(exchange).map(root -> catalog.crewIn(entry, root)).subscribeOn(Schedulers.boundedElastic())
                    : Mono.just(entry.loaded());
            return crewFile.flatMap(crew -> runCrew(entry, crew, exchange, request))
                    .onErrorResume(e -> e instanceof IllegalArgumentException || e instanceof IllegalStateException,
                            e -> Mono.just(CrewResults.error(e.getMessage())));
        }).build();
    }

    private Mono<McpSchema.CallToolResult> runCrew(CrewCatalog.Entry entry, CrewFile crew, McpAsyncServerExchange exchange,
                                                   McpSchema.CallToolRequest request) {
        return Mono.defer(() -> {
            Map<String, Object> args = request.arguments() == null ? Map.of() : request.arguments();
            Map<String, String> values = new LinkedHashMap<>(crew.inputs());
            if (args.get("inputs") instanceof Map<?, ?> given) {
                given.forEach((k, v) -> values.put(String.valueOf(k), String.valueOf(v)));
            }
            ModelRegistry models = config.models();
            boolean sampling = exchange.getClientCapabilities() != null && exchange.getClientCapabilities().sampling() != null;
            if (models == null) {
                if (!sampling) {
                    return Mono.just(CrewResults.error("No model is configured: set CADRE_MODEL (for example openai:gpt-4.1-mini with"
                            + " OPENAI_API_KEY) when starting cadre mcp, or use a client that supports sampling."));
                }
                if (entry.usesTools()) {
                    return Mono.just(CrewResults.error("The crew '" + entry.name() + "' needs tools (" + String.join(", ", entry.agentsWithTools())
                            + " call them), and the client's model through sampling cannot call tools: set CADRE_MODEL (for example"
                            + " openai:gpt-4.1-mini with OPENAI_API_KEY) when starting cadre mcp to run it."));
                }
                models = new SamplingModels(exchange, config.checkpointTimeout());
            } else {
                String missing = ModelChecks.missingModel(crew.crew(), models);
                if (missing != null) {
                    return Mono.just(CrewResults.error(missing));
                }
            }
            boolean elicitation = exchange.getClientCapabilities() != null && exchange.getClientCapabilities().elicitation() != null;
            HumanGate gate = elicitation ? new ElicitationGate(exchange, config.checkpointTimeout()) : HumanGate.programmatic();
            RunHandle run = crewRuns.start(entry, crew, Task.of("task", String.valueOf(args.getOrDefault("task", ""))).withInputs(values),
                    models, gate);
            server.notifyResourcesListChanged().subscribe(x -> { }, e -> log.debug("resource list change not sent", e));
            Object token = request.meta() == null ? null : request.meta().get("progressToken");
            Object requestId = request.meta() == null ? null : request.meta().get(Cancellations.REQUEST_ID);
            String key = requestId == null ? null
                    : cancellations.register(http ? exchange.sessionId() : "stdio", requestId, run::cancel);
            String uri = "cadre://runs/" + run.runId();
            OrderedNotifications notifications = new OrderedNotifications();
            run.events().subscribe(event -> {
                if (token != null && !(event instanceof RunEvent.TokenStreamed)) {
                    notifications.send(exchange.progressNotification(new McpSchema.ProgressNotification(token, (double) event.seq(), null,
                            CrewResults.describe(event))).doOnError(e -> log.debug("progress not sent", e)));
                }
                server.notifyResourcesUpdated(new McpSchema.ResourcesUpdatedNotification(uri))
                        .subscribe(x -> { }, e -> log.debug("resource update not sent", e));
                McpSchema.LoggingLevel level = event instanceof RunEvent.RunFailed || event instanceof RunEvent.StepFailed
                        ? McpSchema.LoggingLevel.ERROR
                        : event instanceof RunEvent.BudgetWarning || event instanceof RunEvent.RunCancelled ? McpSchema.LoggingLevel.WARNING
                        : event instanceof RunEvent.RunStarted || event instanceof RunEvent.RunFinished ? McpSchema.LoggingLevel.INFO : null;
                if (level != null) {
                    notifications.send(exchange.loggingNotification(new McpSchema.LoggingMessageNotification(level, "cadre.run", CrewResults.describe(event)))
                            .doOnError(e -> log.debug("log notification not sent", e)));
                }
            });
            // the result goes after the progress that led to it
            return awaitRun(run, elicitation).delayUntil(result -> notifications.drained()).doFinally(s -> {
                if (key != null) {
                    cancellations.done(key);
                }
            });
        });
    }

    /** The run's result, or (without elicitation) the first checkpoint it waits at, whichever comes first. */
    private Mono<McpSchema.CallToolResult> awaitRun(RunHandle run, boolean elicitation) {
        Mono<McpSchema.CallToolResult> done = run.result().map(results::finished);
        if (elicitation) {
            return done;
        }
        return Mono.firstWithValue(done, nextCheckpoint(run, Set.of()));
    }

    private Mono<McpSchema.CallToolResult> nextCheckpoint(RunHandle run, Set<String> skip) {
        return CrewRuns.nextCheckpoint(run, skip).map(c -> results.waiting(run, c));
    }

    // ---- run tools: status, checkpoints, resolve ----

    private List<McpServerFeatures.AsyncToolSpecification> runTools() {
        List<McpServerFeatures.AsyncToolSpecification> list = new ArrayList<>();
        list.add(simple("cadre_run_status", "A run's status, output and pending checkpoints.",
                Map.of("type", "object", "properties", Map.of("run_id", Map.of("type", "string")), "required", List.of("run_id")),
                (exchange, args) -> {
                    RunHandle run = runs.get(String.valueOf(args.get("run_id")));
                    if (run == null) {
                        return Mono.just(CrewResults.error("There is no run '" + args.get("run_id") + "' in this server; runs: "
                                + (runs.isEmpty() ? "none" : String.join(", ", runs.keySet())) + "."));
                    }
                    Map<String, Object> s = new LinkedHashMap<>();
                    s.put("runId", run.runId());
                    s.put("status", run.status().name());
                    s.put("pendingCheckpoints", run.pendingCheckpoints().stream().map(c -> CadreJson.mapper().convertValue(c, Map.class)).toList());
                    RunResult result = run.status().isFinal() ? run.result().block(Duration.ofSeconds(1)) : null;
                    if (result != null && result.output() != null) s.put("output", result.output());
                    if (result != null && result.reason() != null) s.put("reason", result.reason());
                    return Mono.just(McpSchema.CallToolResult.builder().addTextContent(CadreJson.mapper().valueToTree(s).toString())
                            .structuredContent(s).build());
                }));
        list.add(simple("cadre_checkpoints_list", "Checkpoints waiting for a decision, in every run of this server.",
                Map.of("type", "object", "properties", Map.of()),
                (exchange, args) -> {
                    List<Object> pending = runs.values().stream().flatMap(r -> r.pendingCheckpoints().stream())
                            .map(c -> (Object) CadreJson.mapper().convertValue(c, Map.class)).toList();
                    Map<String, Object> s = Map.of("checkpoints", pending);
                    return Mono.just(McpSchema.CallToolResult.builder()
                            .addTextContent(pending.isEmpty() ? "No checkpoint is waiting." : CadreJson.mapper().valueToTree(s).toString())
                            .structuredContent(s).build());
                }));
        list.add(simple("cadre_checkpoint_resolve", "Decide a checkpoint, then wait for the run to end or stop at its next checkpoint.",
                Map.of("type", "object", "properties", Map.of(
                        "run_id", Map.of("type", "string"),
                        "checkpoint_id", Map.of("type", "string"),
                        "decision", Map.of("type", "string", "enum", List.of("approve", "reject", "edit", "abort")),
                        "feedback", Map.of("type", "string"),
                        "edited_output", Map.of("type", "string")), "required", List.of("run_id", "checkpoint_id", "decision")),
                (exchange, args) -> {
                    RunHandle run = runs.get(String.valueOf(args.get("run_id")));
                    if (run == null) {
                        return Mono.just(CrewResults.error("There is no run '" + args.get("run_id") + "' in this server."));
                    }
                    try {
                        String by = exchange == null || exchange.getClientInfo() == null ? "mcp-client"
                                : "mcp:" + exchange.getClientInfo().name();
                        Decision decision = ElicitationGate.toDecision(args, by);
                        // the answer is the run's end or a checkpoint it reaches after this decision: not one already waiting
                        Set<String> before = new LinkedHashSet<>();
                        run.pendingCheckpoints().forEach(c -> before.add(c.id()));
                        run.resolve(String.valueOf(args.get("checkpoint_id")), decision);
                        return Mono.firstWithValue(run.result().map(results::finished), nextCheckpoint(run, before));
                    } catch (IllegalArgumentException e) {
                        return Mono.just(CrewResults.error(e.getMessage()));
                    }
                }));
        return list;
    }

    private McpServerFeatures.AsyncToolSpecification simple(String name, String description, Map<String, Object> schema, Body body) {
        return McpServerFeatures.AsyncToolSpecification.builder()
                .tool(McpSchema.Tool.builder().name(name).description(description).inputSchema(schema).build())
                .callHandler((exchange, request) -> body.call(exchange, request.arguments() == null ? Map.of() : request.arguments()))
                .build();
    }

    // ---- prompts ----

    private static final Pattern VARIABLE = Pattern.compile("\\{([a-zA-Z_][a-zA-Z0-9_.-]*)}");

    private McpServerFeatures.AsyncPromptSpecification prompt(Persona persona) {
        Set<String> variables = new LinkedHashSet<>();
        Stream.of(persona.role(), persona.goal(), persona.backstory(), persona.instructions()).filter(s -> s != null).forEach(s -> {
            Matcher m = VARIABLE.matcher(s);
            while (m.find()) {
                variables.add(m.group(1));
            }
        });
        variables.remove("task");
        List<McpSchema.PromptArgument> arguments = new ArrayList<>();
        arguments.add(new McpSchema.PromptArgument("task", "What to do", false));
        variables.forEach(v -> arguments.add(new McpSchema.PromptArgument(v, "Fills {" + v + "}", true)));
        McpSchema.Prompt prompt = new McpSchema.Prompt(persona.id(), persona.role(), persona.goal(), arguments);
        return new McpServerFeatures.AsyncPromptSpecification(prompt, (exchange, request) -> {
            Map<String, String> values = new LinkedHashMap<>();
            if (request.arguments() != null) {
                request.arguments().forEach((k, v) -> values.put(k, String.valueOf(v)));
            }
            for (String v : variables) {
                if (!values.containsKey(v)) {
                    return Mono.error(new McpError(new McpSchema.JSONRPCResponse.JSONRPCError(McpSchema.ErrorCodes.INVALID_PARAMS,
                            "Prompt '" + persona.id() + "' needs the argument '" + v + "'.", null)));
                }
            }
            StringBuilder text = new StringBuilder("You are ").append(Templates.fill(persona.role(), values)).append('.');
            if (persona.goal() != null) text.append("\nYour goal: ").append(Templates.fill(persona.goal(), values));
            if (persona.backstory() != null) text.append("\n").append(Templates.fill(persona.backstory(), values));
            if (persona.instructions() != null) text.append("\n\n").append(Templates.fill(persona.instructions().strip(), values));
            if (values.containsKey("task")) text.append("\n\nTask: ").append(values.get("task"));
            return Mono.just(new McpSchema.GetPromptResult(persona.goal(),
                    List.of(new McpSchema.PromptMessage(McpSchema.Role.USER, new McpSchema.TextContent(text.toString())))));
        });
    }

    // ---- resources ----

    private Mono<McpSchema.ReadResourceResult> readJournal(String uri) {
        return Mono.fromCallable(() -> {
            Matcher m = RUN_URI.matcher(URLDecoder.decode(uri, StandardCharsets.UTF_8));
            if (!m.matches()) {
                throw new McpError(new McpSchema.JSONRPCResponse.JSONRPCError(McpSchema.ErrorCodes.INVALID_PARAMS,
                        "Resource '" + uri + "' is not a run journal (cadre://runs/<run-id>).", null));
            }
            Path file = config.runsDirectory().resolve(m.group(1) + ".jsonl");
            if (!Files.isRegularFile(file)) {
                throw new McpError(new McpSchema.JSONRPCResponse.JSONRPCError(McpSchema.ErrorCodes.RESOURCE_NOT_FOUND,
                        "There is no run '" + m.group(1) + "'.", Map.of("uri", uri)));
            }
            McpSchema.TextResourceContents journal = new McpSchema.TextResourceContents(uri, "application/x-ndjson",
                    config.redactor().redact(Files.readString(file)));
            JournalIntegrity integrity = JournalReader.read(file, journalKey).integrity();
            if (integrity.isIntact()) {
                return new McpSchema.ReadResourceResult(List.of(journal));
            }
            // flagged: a second, plain-text part says what is wrong (the journal itself stays JSON Lines)
            return new McpSchema.ReadResourceResult(List.of(journal, new McpSchema.TextResourceContents(uri + "#integrity", "text/plain",
                    config.redactor().redact(integrity.describe("cadre://runs/" + m.group(1))))));
        }).subscribeOn(Schedulers.boundedElastic());
    }

    /** {@code resources/list}: the run journals in the runs directory, paged (see {@link RunResources}). */
    private String localAnswer(String method, JsonNode id, JsonNode params) {
        if (!"resources/list".equals(method)) {
            return null;
        }
        JsonNode cursor = params == null ? null : params.get("cursor");
        try {
            return InboundMessages.resultResponse(id, runResources.page(cursor == null || cursor.isNull() ? null : cursor.asText()));
        } catch (IllegalArgumentException e) {
            return InboundMessages.errorResponse(id, InboundMessages.INVALID_PARAMS, "Invalid params for resources/list: " + e.getMessage());
        } catch (RuntimeException e) {
            log.warn("resources/list failed", e);
            return InboundMessages.errorResponse(id, -32603, "Cannot list the runs: " + e.getMessage());
        }
    }


}
