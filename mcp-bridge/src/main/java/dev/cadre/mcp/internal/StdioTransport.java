package dev.cadre.mcp.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransport;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Cadre's stdio transport for the SDK's 2025-11-25 server, in place of the SDK's own. Each line (one JSON-RPC message)
 * is read from one fixed buffer ({@link StdioLines}), checked once by {@link InboundMessages}, and the tree that check
 * parsed is handed to the SDK's session as its message: one parse per message. What the SDK would choke on is
 * answered here. Replies are serialized and written by the thread that sends them, under one lock, each as one
 * line: no queue and no writer thread between the SDK and stdout (a client that stops reading blocks the senders
 * instead of filling memory).
 *
 * <p>Until the client's {@code initialize} arrives, a {@code ping} is answered here and any other request refused:
 * the SDK would hold them until initialization. A client that opens with a 2026-07-28 request ({@code server/discover},
 * or a protocol version in {@code _meta}) instead speaks that protocol for the rest of the connection: its lines go to
 * the 2026-07-28 server's stdio transport through {@code modern}.
 */
public final class StdioTransport implements McpServerTransportProvider {

    private static final Logger log = LoggerFactory.getLogger(StdioTransport.class);
    private static final byte[] NEWLINE = {'\n'};

    private final InputStream in;
    private final OutputStream out;
    private final InboundMessages inbound;
    private final OutputStream modern;
    private final ObjectMapper mapper;
    private final McpJsonMapper json;
    private final CountDownLatch ended = new CountDownLatch(1);
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile McpServerSession session;
    private boolean initializeSeen;
    private boolean modernSeen;

    /**
     * {@code mapper} is the one behind {@code json} (the SDK's messages are bound from the checked tree with it);
     * {@code modern}: where the lines of a 2026-07-28 client go (null: that protocol is refused as not initialized).
     */
    public StdioTransport(ObjectMapper mapper, McpJsonMapper json, InputStream in, OutputStream out, InboundMessages inbound,
                          OutputStream modern) {
        this.mapper = mapper;
        this.json = json;
        this.in = in;
        this.out = out;
        this.inbound = inbound;
        this.modern = modern;
    }

    @Override
    public void setSessionFactory(McpServerSession.Factory sessionFactory) {
        session = sessionFactory.create(new SessionTransport());
        Thread reader = new Thread(this::readAll, "cadre-mcp-stdio");
        reader.setDaemon(true);
        reader.start();
    }

    /** Waits until the input has ended (the client closed stdin). */
    public void awaitEnd() throws InterruptedException {
        ended.await();
    }

    private void readAll() {
        StdioLines lines = new StdioLines(in, InboundMessages.MAX_BYTES);
        try {
            while (!closed.get() && lines.next()) {
                accept(lines);
            }
        } catch (IOException | RuntimeException e) {
            if (!closed.get()) {
                log.debug("stdio input ended with an error", e);
            }
        } finally {
            try {
                if (modern != null) {
                    modern.close();
                }
            } catch (IOException e) {
                log.debug("could not close the 2026-07-28 stdio lines", e);
            }
            ended.countDown(); // the server closes the session (after what is in flight) when it closes
        }
    }

    private void accept(StdioLines line) throws IOException {
        if (line.overLimit()) {
            answer(InboundMessages.errorResponse(null, InboundMessages.INVALID_REQUEST,
                    "Message over " + InboundMessages.MAX_BYTES + " bytes: skipped."));
            return;
        }
        if (isBlank(line.bytes(), line.start(), line.length())) {
            return;
        }
        InboundMessages.Verdict verdict = inbound.check("stdio", line.bytes(), line.start(), line.length());
        if (modern != null && !initializeSeen && (modernSeen || InboundMessages.modern(verdict))) {
            modernSeen = true;
            toModern(line, verdict);
            return;
        }
        if (verdict.answer()) {
            answer(verdict.errorResponse());
        } else if (verdict.forward() && (!verdict.request() || admitted(verdict))) {
            String local = inbound.localAnswer(verdict);
            if (local != null) {
                write(local.getBytes(StandardCharsets.UTF_8));
                return;
            }
            session.handle(message(verdict)).subscribe(null, e -> log.debug("an MCP message failed in the SDK", e));
        }
    }

    /** A line for the 2026-07-28 server, which checks its methods' params itself (some 2025-11-25 methods are gone there). */
    private void toModern(StdioLines line, InboundMessages.Verdict verdict) throws IOException {
        if (verdict.answer() && verdict.code() != InboundMessages.INVALID_PARAMS) {
            answer(verdict.errorResponse());
        } else if (verdict.forward() || verdict.answer()) {
            byte[] bytes = verdict.forward() && hasCarriageReturn(line)
                    ? verdict.parsed().toString().getBytes(StandardCharsets.UTF_8) // its reader splits lines at \r too
                    : verdict.forward() ? verdict.text(line.copy()) : line.copy();
            modern.write(bytes);
            modern.write(NEWLINE);
            modern.flush();
        }
    }

    /** The SDK's message bound from the tree the check parsed (as the SDK's own reader tells the three kinds apart). */
    private McpSchema.JSONRPCMessage message(InboundMessages.Verdict verdict) throws IOException {
        ObjectNode message = verdict.parsed();
        Class<? extends McpSchema.JSONRPCMessage> kind = message.has("method")
                ? message.has("id") ? McpSchema.JSONRPCRequest.class : McpSchema.JSONRPCNotification.class
                : McpSchema.JSONRPCResponse.class;
        return mapper.treeToValue(message, kind);
    }

    /** Whether a request may go on to the SDK; before {@code initialize}, answers it here instead. */
    private boolean admitted(InboundMessages.Verdict request) throws IOException {
        if (initializeSeen || request.method().equals("initialize")) {
            initializeSeen = true;
            return true;
        }
        JsonNode id = request.id();
        if (request.method().equals("ping")) {
            answer("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{}}");
        } else {
            answer(InboundMessages.errorResponse(id, InboundMessages.INVALID_REQUEST,
                    "The server is not initialized: send initialize first."));
        }
        return false;
    }

    private static boolean isBlank(byte[] bytes, int from, int length) {
        for (int i = from; i < from + length; i++) {
            if (bytes[i] != ' ' && bytes[i] != '\t' && bytes[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    private static boolean hasCarriageReturn(StdioLines line) {
        for (int i = line.start(); i < line.start() + line.length(); i++) {
            if (line.bytes()[i] == '\r') {
                return true;
            }
        }
        return false;
    }

    private void answer(String json) throws IOException {
        log.debug("Answered an invalid message on stdio: {}", json);
        write(json.getBytes(StandardCharsets.UTF_8));
    }

    /** One line to stdout; lines from several threads never interleave (the 2026-07-28 transport locks the same). */
    private void write(byte[] line) throws IOException {
        synchronized (out) {
            out.write(line);
            out.write(NEWLINE);
            out.flush();
        }
    }

    @Override
    public Mono<Void> notifyClients(String method, Object params) {
        McpServerSession s = session;
        return s == null ? Mono.empty() : s.sendNotification(method, params);
    }

    @Override
    public Mono<Void> notifyClient(String sessionId, String method, Object params) {
        McpServerSession s = session;
        return s == null || !s.getId().equals(sessionId) ? Mono.empty() : s.sendNotification(method, params);
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(this::close);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            McpServerSession s = session;
            if (s != null) {
                s.close();
            }
        }
    }

    /** The session's side: messages serialized (compact JSON: no raw line break) and written on the sending thread. */
    private final class SessionTransport implements McpServerTransport {

        @Override
        public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
            return Mono.fromCallable(() -> {
                if (closed.get()) {
                    throw new IOException("The stdio transport is closed.");
                }
                write(mapper.writeValueAsBytes(message));
                return message;
            }).then();
        }

        @Override
        public <T> T unmarshalFrom(Object data, TypeRef<T> type) {
            return json.convertValue(data, type);
        }

        @Override
        public Mono<Void> closeGracefully() {
            return Mono.fromRunnable(StdioTransport.this::close);
        }

        @Override
        public void close() {
            StdioTransport.this.close();
        }
    }
}
