package dev.cadre.mcp;

import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * An SDK client transport with a tap, for requests the SDK's 2025-11-25 client has no method for (the experimental
 * tasks): {@link #request} sends one through the transport, in the client's session, and takes its response off the
 * stream before the client sees it; every message the server sends is kept in {@link #received}, as it came.
 */
final class TappedTransport implements McpClientTransport {

    private final McpClientTransport delegate;
    private final Map<String, Sinks.One<McpSchema.JSONRPCResponse>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    final List<McpSchema.JSONRPCMessage> received = new CopyOnWriteArrayList<>();

    TappedTransport(McpClientTransport delegate) {
        this.delegate = delegate;
    }

    @Override
    public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        return delegate.connect(messages -> messages.flatMap(message -> {
            received.add(message);
            if (message instanceof McpSchema.JSONRPCResponse response && response.id() != null) {
                Sinks.One<McpSchema.JSONRPCResponse> mine = pending.remove(String.valueOf(response.id()));
                if (mine != null) {
                    mine.tryEmitValue(response);
                    return Mono.empty();
                }
            }
            return handler.apply(Mono.just(message));
        }));
    }

    /** The response to {@code method} with {@code params}, sent in the client's session. */
    McpSchema.JSONRPCResponse request(String method, Object params) {
        String id = "tap-" + ids.incrementAndGet();
        Sinks.One<McpSchema.JSONRPCResponse> answer = Sinks.one();
        pending.put(id, answer);
        delegate.sendMessage(new McpSchema.JSONRPCRequest(McpSchema.JSONRPC_VERSION, method, id, params)).block(Duration.ofSeconds(10));
        return answer.asMono().block(Duration.ofSeconds(30));
    }

    @Override
    public Mono<Void> closeGracefully() {
        return delegate.closeGracefully();
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        return delegate.sendMessage(message);
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> type) {
        return delegate.unmarshalFrom(data, type);
    }

    @Override
    public List<String> protocolVersions() {
        return delegate.protocolVersions();
    }
}
