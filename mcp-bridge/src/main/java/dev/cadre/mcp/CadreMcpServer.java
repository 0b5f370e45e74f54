package dev.cadre.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cadre.api.CadreJson;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunStatus;
import dev.cadre.http.BodyLimits;
import dev.cadre.mcp.internal.Cancellations;
import dev.cadre.mcp.internal.CrewCatalog;
import dev.cadre.mcp.internal.CrewResults;
import dev.cadre.mcp.internal.CrewRuns;
import dev.cadre.mcp.internal.WaitingJournals;
import dev.cadre.mcp.internal.CrewTools;
import dev.cadre.mcp.internal.ExperimentalTasks;
import dev.cadre.mcp.internal.HttpGuard;
import dev.cadre.mcp.internal.InboundMessages;
import dev.cadre.mcp.internal.JournalResources;
import dev.cadre.mcp.internal.ModernCrewCalls;
import dev.cadre.mcp.internal.ModernServer;
import dev.cadre.mcp.internal.PersonaPrompts;
import dev.cadre.mcp.internal.RunResources;
import dev.cadre.mcp.internal.RunTools;
import dev.cadre.mcp.internal.SessionTable;
import dev.cadre.mcp.internal.StdioTransport;
import dev.cadre.mcp.internal.TaskCapabilities;
import dev.cadre.mcp.internal.TasksExtension;
import dev.cadre.mcp.internal.ToolCalls;
import dev.cadre.mcp.internal.ToolTasks;
import dev.cadre.orchestrator.journal.JournalKey;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.json.schema.jackson2.DefaultJsonSchemaValidator;
import io.modelcontextprotocol.modern.server.feature.McpAsyncTool;
import io.modelcontextprotocol.modern.server.transport.HttpServletMcpTransport;
import io.modelcontextprotocol.modern.server.transport.StdioMcpTransport;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.server.transport.ServerHttpHeaderValidator;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

/**
 * Cadre as an MCP server for IDE agents (Claude Code, VS Code, Cursor): the workspace tools, every configured crew
 * as a tool ({@code crew_<name>}, with progress notifications while it runs), checkpoints through elicitation or
 * through the {@code cadre_*} tools, personas as prompts and run journals as resources ({@code cadre://runs/{id}}).
 * Over stdio nothing but JSON-RPC reaches stdout; over HTTP it binds to loopback, checks Host and Origin, and
 * requires the bearer token when one is set. It speaks MCP 2025-11-25 (the SDK's session server) and 2026-07-28 (the
 * SDK's stateless {@code modern} server, fed the same features by {@code internal.ModernServer}), the client choosing.
 *
 * <p>Over 300 lines: it assembles the transports (stdio; Jetty with the guard in front of both protocol versions'
 * servlets; or the same servlets and guard mounted in an application's servlet container, {@link #mount}), the server's
 * lifecycle, and the wiring of the features into the SDK's two servers. Each feature is its own class in
 * {@code internal}: {@code ToolCalls} (workspace and extra tools), {@code RunTools} ({@code cadre_*}), {@code CrewTools}
 * (crews on 2025-11-25), {@code ModernCrewCalls} (crews on 2026-07-28), {@code ExperimentalTasks} and
 * {@code TasksExtension} over one {@code ToolTasks} table (crews as tasks), {@code PersonaPrompts},
 * {@code JournalResources}; the transports' guards and limits live there too.
 */
public final class CadreMcpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CadreMcpServer.class);
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
    /** Crew calls running as tasks, on either protocol version. */
    private final ToolTasks tasks = new ToolTasks();
    private final InboundMessages inbound = new InboundMessages(cancellations, new InboundMessages.LocalAnswers() {
        @Override
        public String answer(String method, JsonNode id, JsonNode params) {
            return "resources/list".equals(method) ? journalResources.list(id, params) : experimentalTasks.answer(method, id, params);
        }

        @Override
        public boolean handles(String method) {
            return "resources/list".equals(method) || ExperimentalTasks.handles(method);
        }
    });
    private final CrewRuns crewRuns;
    private final CrewResults results;
    private final Map<String, RunHandle> runs;
    private final CrewCatalog catalog;
    private final RunResources runResources;
    private final JournalResources journalResources;
    private final ExperimentalTasks experimentalTasks;
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
        this.runResources = new RunResources(crewRuns.store(), () -> server.listResources()
                .map(r -> (JsonNode) CadreJson.mapper().valueToTree(r)).collectList().block(Duration.ofSeconds(5)));
        this.experimentalTasks = new ExperimentalTasks(config, catalog, crewRuns, results, tasks);
        mapper.registerModule(TaskCapabilities.module(experimentalTasks.taskTools()));
        this.journalResources = new JournalResources(crewRuns.store(), config.redactor(), runResources);
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
        List<McpServerFeatures.AsyncToolSpecification> tools = new ArrayList<>(new ToolCalls(config).specifications());
        tools.addAll(new RunTools(runs, results, config.remoteRuns(), new WaitingJournals(crewRuns.store())).specifications());
        List<McpServerFeatures.AsyncToolSpecification> crews = new ArrayList<>();
        Map<String, McpAsyncTool> modernCrews = new LinkedHashMap<>();
        CrewTools crewTools = new CrewTools(config, catalog, crewRuns, results, cancellations, http, () -> server);
        ModernCrewCalls crewCalls = new ModernCrewCalls(config, catalog, crewRuns, results, json, tasks);
        for (CrewCatalog.Entry entry : catalog.entries()) {
            McpServerFeatures.AsyncToolSpecification crew = crewTools.tool(entry);
            crews.add(crew);
            modernCrews.put(crew.tool().name(), crewCalls.tool(entry,
                    json.convertValue(crew.tool(), io.modelcontextprotocol.modern.McpSchema.Tool.class)));
        }
        List<McpServerFeatures.AsyncToolSpecification> all = new ArrayList<>(tools);
        all.addAll(all.size() - 3, crews);
        spec.tools(all);
        List<McpServerFeatures.AsyncPromptSpecification> prompts = new ArrayList<>(
                config.personas().all().stream().map(PersonaPrompts::prompt).toList());
        spec.prompts(prompts);
        List<McpServerFeatures.AsyncResourceSpecification> resources = new ArrayList<>();
        List<McpServerFeatures.AsyncResourceTemplateSpecification> templates = new ArrayList<>();
        if (config.conformanceFixtures()) {
            ConformanceFixtures.Fixtures fixtures = ConformanceFixtures.apply(spec);
            tools.addAll(fixtures.tools());
            prompts.addAll(fixtures.prompts());
            resources.addAll(fixtures.resources());
            templates.addAll(fixtures.templates());
            modernCrews.putAll(new ConformanceTaskFixtures(tasks).tools()); // the tasks extension's fixtures: 2026-07-28 only
            modernCrews.putAll(ConformanceInputFixtures.tools()); // input_required: 2026-07-28 only
        }
        McpServerFeatures.AsyncResourceTemplateSpecification journals = journalResources.template();
        spec.resourceTemplates(journals);
        templates.add(0, journals);
        modern = ModernServer.build(new ModernServer.Offer(tools, modernCrews, prompts, runResources, resources, templates),
                List.of(new TasksExtension(tasks, json)), json, new DefaultJsonSchemaValidator(), journalKey, NAME, VERSION, INSTRUCTIONS);
        return spec;
    }
}
