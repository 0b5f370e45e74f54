package dev.cadre.console;

import dev.cadre.api.CadreState;
import dev.cadre.api.RemoteRuns;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunListener;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.console.internal.ApiServlet;
import dev.cadre.console.internal.BoundedContext;
import dev.cadre.console.internal.ConsoleGuard;
import dev.cadre.console.internal.RunBoard;
import dev.cadre.console.internal.Sse;
import dev.cadre.console.internal.StaticServlet;
import dev.cadre.http.LoopbackGuard;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.orchestrator.RunOptions;
import dev.cadre.personas.CrewFile;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A local web page to watch runs and steer them: the runs list (live and from journals), one run's step tree with
 * every agent's messages, tool calls, tokens and cost as it grows, its pending checkpoints to approve, reject with
 * feedback, edit or abort, and a form to start a crew. Live updates are Server-Sent Events fed from
 * {@link RunHandle#events()}.
 *
 * <p>The console is a {@link RunListener}: register it with every orchestrator whose runs it should show
 * ({@code Orchestrator.builder().listener(console)}), or give it an orchestrator builder to start crews with
 * ({@link Builder#orchestrator}), which it registers itself with. Serve it on its own port ({@link #start}), mount
 * {@link #handler} in another Jetty server, or {@link #mount} it in any servlet container (a Spring Boot application's). It binds to loopback, checks Host and Origin, and requires the token when
 * one is set (browsers bring it once as {@code ?token=}, then keep an HttpOnly, SameSite=Strict cookie).
 */
public final class CadreConsole implements RunListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CadreConsole.class);

    private final RunBoard board;
    private final Map<String, CrewFile> crews;
    private final Orchestrator orchestrator;
    private final LoopbackGuard guard;
    private final Scheduler streams;
    private final Sse sse;
    private final Duration bodyTimeout;
    private final RemoteRuns remoteRuns;
    private Server jetty;
    private int port;

    private CadreConsole(Builder b) {
        JournalKey key = b.journalKey != null ? b.journalKey : JournalKey.fromStateDirectory();
        this.board = b.journalStore != null ? new RunBoard(b.journalStore, false, b.keepFinishedRuns, b.clock)
                : new RunBoard(b.runsDirectory, key, b.keepFinishedRuns, b.clock);
        this.crews = Map.copyOf(b.crews);
        this.guard = new LoopbackGuard(b.token, b.allowedOrigins);
        this.streams = Schedulers.newBoundedElastic(b.maxStreamThreads, 100_000, "cadre-console-sse", 60, true);
        this.sse = new Sse(streams, b.heartbeat);
        this.bodyTimeout = b.bodyTimeout;
        this.remoteRuns = b.remoteRuns;
        this.orchestrator = b.orchestrator == null ? null : b.orchestrator.listener(this).journalKey(key).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void runStarted(RunHandle run) {
        board.add(run);
    }

    /** The orchestrator the console starts crews with, when it was given one. */
    public java.util.Optional<Orchestrator> orchestrator() {
        return java.util.Optional.ofNullable(orchestrator);
    }

    /**
     * The console as a Jetty handler at {@code contextPath} ("/" or e.g. "/console"), guarded and its request bodies
     * bounded ({@link Builder#bodyTimeout}), to mount in a server
     * that binds to loopback.
     */
    public ServletContextHandler handler(String contextPath) {
        ServletContextHandler context = new BoundedContext(guard, bodyTimeout);
        context.setContextPath(contextPath);
        ServletHolder api = new ServletHolder(new ApiServlet(board, crews, launcher(), sse, remoteRuns));
        api.setAsyncSupported(true);
        context.addServlet(api, "/api/*");
        context.addServlet(new ServletHolder(new StaticServlet()), "/");
        FilterHolder filter = new FilterHolder(new ConsoleGuard(guard));
        filter.setAsyncSupported(true);
        context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
        return context;
    }

    /**
     * Mounts the console at {@code path} (for example {@code /cadre/console}; the page is {@code path + "/"}) in a
     * servlet container someone else runs, such as a Spring Boot application's embedded Tomcat (Servlet 6.0
     * is enough), behind the same guard as {@link #handler}: Host must be loopback and the request's own port, a
     * foreign Origin is refused, and the token is required when one is set. Request bodies are bounded in size (1 MiB);
     * how long a client may take to send one is the container's connection timeout. Call it while the container
     * starts (a {@code ServletContainerInitializer} or Spring Boot's {@code ServletContextInitializer}).
     */
    public void mount(ServletContext container, String path) {
        if (!path.matches("(/[A-Za-z0-9._~-]+)+")) {
            throw new IllegalArgumentException("The console's path '" + path + "' must start with '/' and name no wildcard,"
                    + " for example /cadre/console.");
        }
        ServletRegistration.Dynamic api = container.addServlet("cadre-console-api", new ApiServlet(board, crews, launcher(), sse, remoteRuns));
        ServletRegistration.Dynamic page = container.addServlet("cadre-console-page", new StaticServlet());
        FilterRegistration.Dynamic filter = container.addFilter("cadre-console-guard", new ConsoleGuard(guard));
        if (api == null || page == null || filter == null) {
            throw new IllegalStateException("The servlet container already has a Cadre console; mount one per application.");
        }
        api.setAsyncSupported(true);
        api.addMapping(path + "/api/*");
        page.addMapping(path + "/*");
        filter.setAsyncSupported(true);
        filter.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, path + "/*");
    }

    private ApiServlet.Launcher launcher() {
        return orchestrator == null ? null : (crew, task) -> orchestrator.run(crew.crew(), task, RunOptions.DEFAULTS);
    }

    /** Serves the console at {@code http://host:port/} ({@code port} 0 picks a free one). */
    public CadreConsole start(String host, int port) {
        if (jetty != null) {
            throw new IllegalStateException("The console is already serving on port " + this.port + ".");
        }
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(handler("/"));
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception stop) {
                e.addSuppressed(stop);
            }
            throw new IllegalStateException("Cannot start the console on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        this.jetty = server;
        this.port = connector.getLocalPort();
        return this;
    }

    /** The port {@link #start} bound. */
    public int port() {
        return port;
    }

    /** The page's address when serving on its own port, with the token when one is required. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + port + "/" + (guard.token() == null ? "" : "?token=" + guard.token()));
    }

    /** Server-Sent Event streams open now (each ends when its client goes away). */
    public int openStreams() {
        return sse.open();
    }

    @Override
    public void close() {
        if (jetty != null) {
            try {
                jetty.stop();
            } catch (Exception e) {
                log.warn("The console's Jetty did not stop cleanly", e);
            }
        }
        board.close();
        streams.dispose();
    }

    /** Builds a {@link CadreConsole}. */
    public static final class Builder {
        private Path runsDirectory = CadreState.runsDirectory();
        private final Map<String, CrewFile> crews = new LinkedHashMap<>();
        private Orchestrator.Builder orchestrator;
        private String token;
        private final List<String> allowedOrigins = new ArrayList<>();
        private Duration heartbeat = Duration.ofSeconds(15);
        private Duration bodyTimeout = Duration.ofSeconds(10);
        private int keepFinishedRuns = 200;
        private int maxStreamThreads = 4;
        private Clock clock = Clock.systemUTC();
        private JournalKey journalKey;
        private dev.cadre.orchestrator.journal.JournalStore journalStore;
        private RemoteRuns remoteRuns = RemoteRuns.none();

        /**
         * Where runs open elsewhere are answered: a run whose journal the console reads but does not run itself (a
         * Temporal workflow, e.g. {@code cadre console --temporal}) gets its checkpoints decided and is cancelled
         * through the handle {@code runs} finds for it, by the page's user (the console's token) only.
         */
        public Builder remoteRuns(RemoteRuns runs) { this.remoteRuns = Objects.requireNonNull(runs); return this; }

        /** Where journals are read from (the orchestrators' runs directory; default {@link CadreState#runsDirectory()}). */
        public Builder runsDirectory(Path dir) { this.runsDirectory = Objects.requireNonNull(dir); return this; }

        /**
         * Reads runs from {@code store} instead of the runs directory: a shared one, e.g. the PostgreSQL store Temporal
         * workers on several machines write (docs/journal.md). The caller closes it; give the orchestrator the same store.
         */
        public Builder journalStore(dev.cadre.orchestrator.journal.JournalStore store) {
            this.journalStore = Objects.requireNonNull(store);
            return this;
        }

        /** A crew the start form offers, under {@code name}. */
        public Builder crew(String name, CrewFile crew) { crews.put(name, Objects.requireNonNull(crew)); return this; }

        /**
         * Lets the page start crews: the console adds itself as a listener and builds the orchestrator. Give it
         * {@code HumanGate.programmatic()} (the default) so checkpoints wait for the page.
         */
        public Builder orchestrator(Orchestrator.Builder orchestrator) { this.orchestrator = orchestrator; return this; }

        /** Requires this token ({@code null}: none). */
        public Builder token(String token) { this.token = token; return this; }

        /** A browser origin allowed besides the console's own. */
        public Builder allowedOrigin(String origin) { allowedOrigins.add(Objects.requireNonNull(origin)); return this; }

        /** How often an idle stream sends a comment, to find clients that went away (default 15 s). */
        public Builder heartbeat(Duration heartbeat) { this.heartbeat = Objects.requireNonNull(heartbeat); return this; }

        /**
         * How long a client may take to send a request body (at most 1 MiB) after its headers (default 10 s); a slower
         * one gets 408. No thread waits for it meanwhile.
         */
        public Builder bodyTimeout(Duration timeout) { this.bodyTimeout = Objects.requireNonNull(timeout); return this; }

        /** Finished runs of this process kept in memory (older ones are read from their journals; default 200). */
        public Builder keepFinishedRuns(int count) { this.keepFinishedRuns = count; return this; }

        /** Threads that write to event streams (default 4). */
        public Builder maxStreamThreads(int threads) { this.maxStreamThreads = threads; return this; }

        public Builder clock(Clock clock) { this.clock = Objects.requireNonNull(clock); return this; }

        /**
         * The key journals are verified with (default {@link JournalKey#fromStateDirectory()}); the orchestrator the
         * console builds writes with it too. A journal that does not verify is listed flagged.
         */
        public Builder journalKey(JournalKey key) { this.journalKey = Objects.requireNonNull(key); return this; }

        public CadreConsole build() {
            return new CadreConsole(this);
        }
    }
}
