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
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * In front of the MCP servlet: the {@link LoopbackGuard} checks (Host, Origin, bearer token), a size limit, and
 * the cancellation inspection of POSTed JSON-RPC messages.
 */
public final class HttpGuard implements Filter {

    private static final int MAX_BODY = 4 * 1024 * 1024;

    private final LoopbackGuard guard;
    private final IntSupplier port;
    private final Cancellations cancellations;

    public HttpGuard(String token, List<String> allowedOrigins, IntSupplier port, Cancellations cancellations) {
        this.guard = new LoopbackGuard(token, allowedOrigins);
        this.port = port;
        this.cancellations = cancellations;
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
            if (request.getContentLengthLong() > MAX_BODY) {
                reject(response, 413, "Request body over " + MAX_BODY + " bytes.");
                return;
            }
            byte[] body = request.getInputStream().readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                reject(response, 413, "Request body over " + MAX_BODY + " bytes.");
                return;
            }
            String session = request.getHeader("Mcp-Session-Id");
            String inspected = cancellations.inspect(session == null ? "-" : session, new String(body, StandardCharsets.UTF_8));
            chain.doFilter(new Body(request, inspected.getBytes(StandardCharsets.UTF_8)), response);
            return;
        }
        chain.doFilter(req, res);
    }

    private static void reject(HttpServletResponse response, int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.getWriter().write("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\""
                + message.replace("\"", "'") + "\"}}");
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
}
