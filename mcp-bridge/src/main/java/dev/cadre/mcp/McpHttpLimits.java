package dev.cadre.mcp;

import dev.cadre.mcp.internal.InboundMessages;
import java.time.Duration;
import java.util.Objects;

/**
 * The bounds of the MCP server's streamable HTTP transport (each {@code with...} returns a copy with one changed).
 *
 * @param maxBodyBytes       the largest request body (default 4 MiB, also the most a message may be); a bigger one
 *                           gets 413
 * @param bodyTimeout        how long a client may take to send a body after its headers (default 10 s); a slower one
 *                           gets 408. No thread waits for it meanwhile
 * @param sessionIdleTimeout a session without a request or an open stream for this long is closed (default 30 min);
 *                           its id then gets 404, and the client initializes a new one
 * @param maxSessions        sessions open at once (default 1,000); an {@code initialize} beyond it gets 503 until one
 *                           is closed ({@code DELETE}) or expires
 */
public record McpHttpLimits(int maxBodyBytes, Duration bodyTimeout, Duration sessionIdleTimeout, int maxSessions) {

    /** 4 MiB bodies within 10 s, sessions closed after 30 min idle, at most 1,000 at once. */
    public static McpHttpLimits defaults() {
        return new McpHttpLimits(InboundMessages.MAX_BYTES, Duration.ofSeconds(10), Duration.ofMinutes(30), 1_000);
    }

    public McpHttpLimits {
        Objects.requireNonNull(bodyTimeout, "bodyTimeout");
        Objects.requireNonNull(sessionIdleTimeout, "sessionIdleTimeout");
        if (maxBodyBytes < 1024 || maxBodyBytes > InboundMessages.MAX_BYTES) {
            throw new IllegalArgumentException("maxBodyBytes must be between 1024 and " + InboundMessages.MAX_BYTES
                    + " bytes, not " + maxBodyBytes + ".");
        }
        if (bodyTimeout.isNegative() || bodyTimeout.isZero() || sessionIdleTimeout.isNegative() || sessionIdleTimeout.isZero()) {
            throw new IllegalArgumentException("bodyTimeout and sessionIdleTimeout must be positive, not " + bodyTimeout
                    + " and " + sessionIdleTimeout + ".");
        }
        if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions must be at least 1, not " + maxSessions + ".");
        }
    }

    public McpHttpLimits withMaxBodyBytes(int bytes) {
        return new McpHttpLimits(bytes, bodyTimeout, sessionIdleTimeout, maxSessions);
    }

    public McpHttpLimits withBodyTimeout(Duration timeout) {
        return new McpHttpLimits(maxBodyBytes, timeout, sessionIdleTimeout, maxSessions);
    }

    public McpHttpLimits withSessionIdleTimeout(Duration timeout) {
        return new McpHttpLimits(maxBodyBytes, bodyTimeout, timeout, maxSessions);
    }

    public McpHttpLimits withMaxSessions(int sessions) {
        return new McpHttpLimits(maxBodyBytes, bodyTimeout, sessionIdleTimeout, sessions);
    }
}
