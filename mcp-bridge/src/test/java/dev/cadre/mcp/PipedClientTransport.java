package dev.cadre.mcp;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/** An MCP client transport over a pair of streams: the stdio protocol, one JSON-RPC message per line, inside the JVM. */
final class PipedClientTransport implements McpClientTransport {

    private final InputStream in;
    private final OutputStream out;
    private final McpJsonMapper json;

    PipedClientTransport(InputStream in, OutputStream out, McpJsonMapper json) {
        this.in = in;
        this.out = out;
        this.json = json;
    }

    @Override
    public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        return Mono.fromRunnable(() -> {
            Thread reader = new Thread(() -> {
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = lines.readLine()) != null) {
                        McpSchema.JSONRPCMessage message = McpSchema.deserializeJsonRpcMessage(json, line);
                        // the client session answers requests itself through sendMessage; what the handler emits is not
                        // for the wire (the SDK's own stdio transport ignores it too)
                        handler.apply(Mono.just(message)).subscribe(ignored -> { }, error -> { });
                    }
                } catch (Exception ignored) {
                    // closed
                }
            }, "piped-mcp-client");
            reader.setDaemon(true);
            reader.start();
        });
    }

    @Override
    public synchronized Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        return Mono.fromRunnable(() -> {
            try {
                synchronized (out) {
                    out.write((json.writeValueAsString(message) + "\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            } catch (Exception e) {
                throw new IllegalStateException("cannot send to the server: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(() -> {
            try {
                out.close();
            } catch (Exception ignored) {
                // already closed
            }
        });
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> type) {
        return json.convertValue(data, type);
    }
}
