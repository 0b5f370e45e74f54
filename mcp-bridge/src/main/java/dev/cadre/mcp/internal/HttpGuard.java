package dev.cadre.mcp.internal;

import dev.cadre.http.LoopbackGuard;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * In front of the MCP servlet: the {@link LoopbackGuard} checks (DNS-rebinding protection: Host must be this loopback
 * server, Origin, when sent, one of the allowed origins; the bearer token when one is configured, compared in
 * constant time), a size limit, and
 * the checks of {@link InboundMessages} on POSTed JSON-RPC messages (a message it refuses gets 400 and a JSON-RPC
 * error). The SDK's own error answers (a Java exception serialized with its stack trace) are rewritten to JSON-RPC
 * errors, and its 500 for a client response to no pending request becomes a 400.
 */
public final class HttpGuard implements Filter {

    private static final Logger log = LoggerFactory.getLogger(HttpGuard.class);
    private static final int MAX_BODY = InboundMessages.MAX_BYTES;
    private static final long DISCARD_AT_MOST = 16L * MAX_BODY;

    private final LoopbackGuard guard;
    private final IntSupplier port;
    private final InboundMessages inbound;

    public HttpGuard(String token, List<String> allowedOrigins, IntSupplier port, InboundMessages inbound) {
        this.guard = new LoopbackGuard(token, allowedOrigins);
        this.port = port;
        this.inbound = inbound;
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
            reject(response, refusal.status(), refusal.message());
            return;
        }
        if ("POST".equals(request.getMethod())) {
            byte[] body = request.getContentLengthLong() > MAX_BODY ? null : request.getInputStream().readNBytes(MAX_BODY + 1);
            if (body == null || body.length > MAX_BODY) {
                // read the rest (up to a bound, keeping none of it): a client still sending its body would otherwise
                // see the connection reset instead of the 413
                drain(request.getInputStream());
                reject(response, 413, "Request body over " + MAX_BODY + " bytes.");
                return;
            }
            String session = request.getHeader("Mcp-Session-Id");
            InboundMessages.Verdict verdict = inbound.check(session == null ? "-" : session, body);
            if (verdict.answer()) {
                answer(response, 400, verdict.errorResponse());
            } else if (verdict.consumed()) {
                response.setStatus(202);
            } else if (!verdict.forward()) {
                answer(response, 400, InboundMessages.errorResponse(null, InboundMessages.INVALID_REQUEST,
                        "Invalid message: neither a request, a notification nor a response MCP accepts."));
            } else if (verdict.request() && session == null && verdict.method().equals("ping")) {
                answer(response, 200, "{\"jsonrpc\":\"2.0\",\"id\":" + verdict.id() + ",\"result\":{}}");
            } else if (verdict.request() && session == null && !verdict.method().equals("initialize")) {
                answer(response, 400, InboundMessages.errorResponse(verdict.id(), InboundMessages.INVALID_REQUEST,
                        "The session is not initialized: send initialize first, then its Mcp-Session-Id with every request."));
            } else {
                CleanErrors clean = new CleanErrors(response);
                chain.doFilter(new Body(request, verdict.json().getBytes(StandardCharsets.UTF_8)), clean);
                clean.finish(verdict);
            }
            return;
        }
        chain.doFilter(req, res);
    }

    private static void drain(java.io.InputStream in) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        long left = DISCARD_AT_MOST;
        int n;
        while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
            left -= n;
        }
    }

    private static void answer(HttpServletResponse response, int status, String json) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(json);
    }

    private static void reject(HttpServletResponse response, int status, String message) throws IOException {
        answer(response, status, InboundMessages.errorResponse(null, InboundMessages.INVALID_REQUEST, message));
    }

    /** A request whose body was read and (maybe) rewritten. */
    private static final class Body extends HttpServletRequestWrapper {
        private final byte[] body;

        Body(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    try {
                        listener.onDataAvailable();
                        listener.onAllDataRead();
                    } catch (IOException e) {
                        listener.onError(e);
                    }
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }

    /**
     * Holds back what the SDK writes with an error status before anything was sent, to answer a JSON-RPC error in its
     * place; everything else passes through.
     */
    private static final class CleanErrors extends HttpServletResponseWrapper {
        private final java.io.StringWriter held = new java.io.StringWriter();
        private boolean holding;

        CleanErrors(HttpServletResponse response) {
            super(response);
        }

        private boolean hold() {
            if (!holding && getStatus() >= 400 && !isCommitted()) {
                holding = true;
            }
            return holding;
        }

        @Override
        public java.io.PrintWriter getWriter() throws IOException {
            return hold() ? new java.io.PrintWriter(held) : super.getWriter();
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            if (!hold()) {
                return super.getOutputStream();
            }
            return new ServletOutputStream() {
                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(WriteListener listener) {
                    throw new UnsupportedOperationException("error answers are written synchronously");
                }

                @Override
                public void write(int b) {
                    held.write(b);
                }
            };
        }

        void finish(InboundMessages.Verdict verdict) throws IOException {
            if (!holding) {
                return;
            }
            String message = "The request failed.";
            try {
                JsonNode error = dev.cadre.api.CadreJson.mapper().readTree(held.toString());
                JsonNode text = error == null ? null
                        : error.has("jsonRpcError") ? error.path("jsonRpcError").path("message") : error.path("message");
                if (text != null && text.isTextual()) {
                    message = text.textValue();
                }
            } catch (IOException notJson) {
                log.debug("The SDK's error answer is not JSON: {}", held);
            }
            int status = getStatus();
            if (status >= 500 && verdict.method() == null) {
                status = 400; // a client response the SDK has no pending request for
                message = "No request with id " + verdict.id() + " is waiting for an answer.";
            }
            HttpServletResponse response = (HttpServletResponse) getResponse();
            response.resetBuffer();
            answer(response, status, InboundMessages.errorResponse(verdict.request() ? verdict.id() : null,
                    InboundMessages.INVALID_REQUEST, message));
        }
    }
}
