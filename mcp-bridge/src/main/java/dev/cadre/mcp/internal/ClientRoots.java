package dev.cadre.mcp.internal;

import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.nio.file.Path;
import reactor.core.publisher.Mono;

/** The workspace a client shares (its first {@code file://} root), for a server started without a root of its own. */
public final class ClientRoots {

    private ClientRoots() {}

    /** The client's first file:// root; an error naming the setting when there is none to ask for. */
    public static Mono<Path> first(McpAsyncServerExchange exchange) {
        if (exchange == null) { // MCP 2026-07-28 deprecates roots: Cadre does not ask for them there
            return Mono.error(new McpError(new McpSchema.JSONRPCResponse.JSONRPCError(McpSchema.ErrorCodes.INVALID_REQUEST,
                    "No workspace: start 'cadre mcp' with --root DIR.", null)));
        }
        if (!shares(exchange)) {
            return Mono.error(new McpError(new McpSchema.JSONRPCResponse.JSONRPCError(McpSchema.ErrorCodes.INVALID_REQUEST,
                    "No workspace: start 'cadre mcp' with --root DIR, or use a client that shares its roots.", null)));
        }
        return exchange.listRoots().map(roots -> {
            McpSchema.Root root = roots.roots().stream().filter(r -> r.uri().startsWith("file:")).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("The client shares no file:// root to work in."));
            return Path.of(URI.create(root.uri()));
        });
    }

    /** Whether the client declared the roots capability. */
    public static boolean shares(McpAsyncServerExchange exchange) {
        return exchange != null && exchange.getClientCapabilities() != null && exchange.getClientCapabilities().roots() != null;
    }
}
