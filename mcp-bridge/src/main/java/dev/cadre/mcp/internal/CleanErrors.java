package dev.cadre.mcp.internal;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds back what the SDK writes with an error status before anything was sent, to answer a JSON-RPC error in its
 * place; everything else passes through. Tells {@code onSession} of the {@code Mcp-Session-Id} the SDK sets, before
 * any of the response is sent.
 */
final class CleanErrors extends HttpServletResponseWrapper {
    private static final Logger log = LoggerFactory.getLogger(CleanErrors.class);
    private static final String SESSION_HEADER = "Mcp-Session-Id";

    private final java.io.StringWriter held = new java.io.StringWriter();
    private final Consumer<String> onSession;
    private boolean holding;

    CleanErrors(HttpServletResponse response, Consumer<String> onSession) {
        super(response);
        this.onSession = onSession;
    }

    /** Answers {@code json} with {@code status}. */
    static void answer(HttpServletResponse response, int status, String json) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(json);
    }

    @Override
    public void setHeader(String name, String value) {
        if (SESSION_HEADER.equalsIgnoreCase(name) && value != null) {
            onSession.accept(value);
        }
        super.setHeader(name, value);
    }

    @Override
    public void addHeader(String name, String value) {
        if (SESSION_HEADER.equalsIgnoreCase(name) && value != null) {
            onSession.accept(value);
        }
        super.addHeader(name, value);
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
