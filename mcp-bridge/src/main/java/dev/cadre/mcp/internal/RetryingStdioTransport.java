package dev.cadre.mcp.internal;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransport;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.retry.Retry;

/**
 * The SDK's stdio transport, with one repair: the SDK 2.1.0 puts every outgoing message into one unicast sink from
 * whatever thread sends it and gives up after 100 ms of contention ("Failed to enqueue message"); the failed send
 * then ends the whole stdio session. Here such a send is tried again (up to {@value #ATTEMPTS} times, backing off to
 * 200 ms) instead.
 */
public final class RetryingStdioTransport implements McpServerTransportProvider {

    static final int ATTEMPTS = 20;

    private final StdioServerTransportProvider delegate;

    public RetryingStdioTransport(McpJsonMapper json, InputStream in, OutputStream out) {
        this.delegate = new StdioServerTransportProvider(json, in, out);
    }

    @Override
    public void setSessionFactory(McpServerSession.Factory sessionFactory) {
        delegate.setSessionFactory(transport -> sessionFactory.create(new Retrying(transport)));
    }

    @Override
    public Mono<Void> notifyClients(String method, Object params) {
        return delegate.notifyClients(method, params);
    }

    @Override
    public Mono<Void> notifyClient(String sessionId, String method, Object params) {
        return delegate.notifyClient(sessionId, method, params);
    }

    @Override
    public Mono<Void> closeGracefully() {
        return delegate.closeGracefully();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public List<String> protocolVersions() {
        return delegate.protocolVersions();
    }

    /** Whether {@code error} is the SDK's give-up on a contended outgoing sink (not a closed one). */
    static boolean contended(Throwable error) {
        return error instanceof RuntimeException && error.getCause() instanceof Sinks.EmissionException emission
                && emission.getReason() == Sinks.EmitResult.FAIL_NON_SERIALIZED;
    }

    /** A session transport whose sends are tried again when the SDK gave up on a contended sink. */
    record Retrying(McpServerTransport transport) implements McpServerTransport {

        @Override
        public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
            return transport.sendMessage(message).retryWhen(Retry.backoff(ATTEMPTS, Duration.ofMillis(5))
                    .maxBackoff(Duration.ofMillis(200)).filter(RetryingStdioTransport::contended));
        }

        @Override
        public <T> T unmarshalFrom(Object data, TypeRef<T> type) {
            return transport.unmarshalFrom(data, type);
        }

        @Override
        public Mono<Void> closeGracefully() {
            return transport.closeGracefully();
        }

        @Override
        public void close() {
            transport.close();
        }

        @Override
        public List<String> protocolVersions() {
            return transport.protocolVersions();
        }
    }
}
