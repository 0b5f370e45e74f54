package dev.cadre.mcp.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.http.BodyLimits;
import dev.cadre.http.BoundedBodies;
import dev.cadre.http.LoopbackGuard;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;

/**
 * In front of the MCP servlet: the {@link LoopbackGuard} checks (DNS-rebinding protection: Host must be this loopback
 * server, Origin, when sent, one of the allowed origins; the bearer token when one is configured, compared in
 * constant time), the session checks of {@link SessionTable} (an id that is not open gets 404, an {@code initialize}
 * beyond the limit 503), and the checks of {@link InboundMessages} on POSTed JSON-RPC messages (a message it refuses
 * gets 400 and a JSON-RPC error). Bodies reach it whole, read by {@link #bounded} without a thread waiting. The
 * SDK's own error answers (a Java exception serialized with its stack trace) are rewritten to JSON-RPC errors, and
 * its 500 for a client response to no pending request becomes a 400.
 *
 * <p>A request that speaks MCP 2026-07-28 (its {@code MCP-Protocol-Version} header, {@code server/discover}, or a
 * protocol version in its {@code _meta}) goes to the stateless 2026-07-28 servlet named {@code modernServlet}
 * instead: it has no session to check.
 */
public final class HttpGuard implements Filter {

    private static final String SESSION = "Mcp-Session-Id";
    private static final String VERSION = "MCP-Protocol-Version";
    private static final String MODERN = "2026-07-28";

    private final LoopbackGuard guard;
    private final IntSupplier port;
    private final InboundMessages inbound;
    private final SessionTable sessions;
    private final Duration idleTimeout;
    private final String modernServlet;

    public HttpGuard(String token, List<String> allowedOrigins, IntSupplier port, InboundMessages inbound,
                     SessionTable sessions, Duration idleTimeout) {
        this(token, allowedOrigins, port, inbound, sessions, idleTimeout, null);
    }

    /** {@code modernServlet}: the name of the 2026-07-28 servlet in this context, or null to serve 2025-11-25 only. */
    public HttpGuard(String token, List<String> allowedOrigins, IntSupplier port, InboundMessages inbound,
                     SessionTable sessions, Duration idleTimeout, String modernServlet) {
        this.modernServlet = modernServlet;
        this.guard = new LoopbackGuard(token, allowedOrigins);
        this.port = port;
        this.inbound = inbound;
        this.sessions = sessions;
        this.idleTimeout = idleTimeout;
    }

    /** {@code context} behind a {@link BoundedBodies} that makes this guard's header checks before reading a body. */
    public Handler bounded(Handler context, BodyLimits limits) {
        return new BoundedBodies(context, limits,
                r -> guard.check(r.getHeaders().get(HttpHeader.HOST), r.getHeaders().get(HttpHeader.ORIGIN),
                        r.getHeaders().get(HttpHeader.AUTHORIZATION), port.getAsInt()),
                (status, message) -> InboundMessages.errorResponse(null, InboundMessages.INVALID_REQUEST, message));
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        LoopbackGuard.Refusal refusal = guard.check(request.getHeader("Host"), request.getHeader("Origin"),
                request.getHeader("Authorization"), port.getAsInt());
        if (refusal != null) {
            if (refusal.status() == 401) {
                response.setHeader("WWW-Authenticate", "Bearer");
            }
            reject(response, refusal.status(), null, refusal.message());
            return;
        }
        String session = request.getHeader(SESSION);
        if (!"POST".equals(request.getMethod())) {
            if (session == null) {
                chain.doFilter(req, res); // the SDK answers 400: a GET or DELETE needs a session
            } else if (!sessions.begin(session)) {
                notOpen(response, null);
            } else {
                inSession(session, request, () -> chain.doFilter(req, res));
                if ("DELETE".equals(request.getMethod())) {
                    sessions.closed(session);
                }
            }
            return;
        }
        // the whole body is in memory (BoundedBodies read it), so this read does not wait
        byte[] body = request.getInputStream().readNBytes(InboundMessages.MAX_BYTES + 1);
        InboundMessages.Verdict verdict = inbound.check(session == null ? "-" : session, body);
        if (modernServlet != null && session == null && (MODERN.equals(request.getHeader(VERSION)) || InboundMessages.modern(verdict))) {
            // the 2026-07-28 server checks its methods' params itself (some 2025-11-25 methods are gone there)
            if (verdict.answer() && verdict.code() != InboundMessages.INVALID_PARAMS) {
                CleanErrors.answer(response, 400, verdict.errorResponse());
            } else {
                byte[] text = verdict.forward() ? verdict.text(body) : body; // as received, unless it was rewritten
                request.getServletContext().getNamedDispatcher(modernServlet).forward(new RewrittenBody(request, text), response);
            }
            return;
        }
        if (verdict.answer()) {
            CleanErrors.answer(response, 400, verdict.errorResponse());
        } else if (verdict.consumed()) {
            response.setStatus(202);
        } else if (!verdict.forward()) {
            reject(response, 400, null, "Invalid message: neither a request, a notification nor a response MCP accepts.");
        } else if (verdict.request() && "initialize".equals(verdict.method())) {
            initialize(request, response, chain, verdict, body);
        } else if (verdict.request() && session == null && verdict.method().equals("ping")) {
            CleanErrors.answer(response, 200, "{\"jsonrpc\":\"2.0\",\"id\":" + verdict.id() + ",\"result\":{}}");
        } else if (verdict.request() && session == null) {
            reject(response, 400, verdict.id(),
                    "The session is not initialized: send initialize first, then its Mcp-Session-Id with every request.");
        } else if (session != null && !sessions.begin(session)) {
            notOpen(response, verdict.request() ? verdict.id() : null);
        } else if (session == null) {
            forward(request, response, chain, verdict, body, s -> { });
        } else {
            inSession(session, request, () -> {
                String local = inbound.localAnswer(verdict);
                if (local != null) {
                    CleanErrors.answer(response, 200, local);
                } else {
                    forward(request, response, chain, verdict, body, s -> { });
                }
            });
        }
    }

    private void initialize(HttpServletRequest request, HttpServletResponse response, FilterChain chain,
                            InboundMessages.Verdict verdict, byte[] body) throws IOException, ServletException {
        if (!sessions.reserve()) {
            reject(response, 503, verdict.id(), "The server has " + sessions.max() + " MCP sessions open, its limit"
                    + " (McpHttpLimits.maxSessions): close one with DELETE, or retry once one has been idle for "
                    + span(idleTimeout) + ".");
            return;
        }
        AtomicBoolean opened = new AtomicBoolean();
        try {
            forward(request, response, chain, verdict, body, id -> {
                if (opened.compareAndSet(false, true)) {
                    sessions.opened(id);
                }
            });
        } finally {
            if (!opened.get()) {
                sessions.released();
            }
        }
    }

    private static void forward(HttpServletRequest request, HttpServletResponse response, FilterChain chain,
                                InboundMessages.Verdict verdict, byte[] body, java.util.function.Consumer<String> onSession)
            throws IOException, ServletException {
        CleanErrors clean = new CleanErrors(response, onSession);
        chain.doFilter(new RewrittenBody(request, verdict.text(body)), clean);
        clean.finish(verdict);
    }

    private interface Step {
        void run() throws IOException, ServletException;
    }

    /** Runs one request of {@code session}: in flight until it ends, or until its event stream does. */
    private void inSession(String session, HttpServletRequest request, Step step) throws IOException, ServletException {
        boolean async = false;
        try {
            step.run();
            if (request.isAsyncStarted()) {
                AtomicBoolean ended = new AtomicBoolean();
                request.getAsyncContext().addListener(new AsyncListener() {
                    @Override
                    public void onComplete(AsyncEvent event) {
                        end();
                    }

                    @Override
                    public void onTimeout(AsyncEvent event) {
                        end();
                    }

                    @Override
                    public void onError(AsyncEvent event) {
                        end();
                    }

                    @Override
                    public void onStartAsync(AsyncEvent event) {
                        // the same request again: still in flight
                    }

                    private void end() {
                        if (ended.compareAndSet(false, true)) {
                            sessions.end(session);
                        }
                    }
                });
                async = true;
            }
        } finally {
            if (!async) {
                sessions.end(session);
            }
        }
    }

    private void notOpen(HttpServletResponse response, JsonNode id) throws IOException {
        reject(response, 404, id, "The session in Mcp-Session-Id is not open on this server (it was closed, or idle for "
                + span(idleTimeout) + " or more): send initialize to start a new one.");
    }

    /** "30 min", or "1.5 s" for a span that is not whole minutes. */
    static String span(Duration d) {
        return d.toMillis() % 60_000 == 0 ? d.toMinutes() + " min" : d.toMillis() / 1000.0 + " s";
    }

    private static void reject(HttpServletResponse response, int status, JsonNode id, String message) throws IOException {
        CleanErrors.answer(response, status, InboundMessages.errorResponse(id, InboundMessages.INVALID_REQUEST, message));
    }
}
