package dev.cadre.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * The checks in front of Cadre's local HTTP servers (the MCP server and the web console): DNS-rebinding protection
 * (the Host header must name this loopback server), the Origin, when a browser sends one, must be this server or one
 * of the allowed origins, and the token, when one is configured, must match (compared in constant time). Servlet-free,
 * so each server wraps it in its own filter.
 *
 * @param token          the required token, or {@code null} when none is required
 * @param allowedOrigins browser origins allowed besides the server's own ({@code http://127.0.0.1:PORT},
 *                       {@code http://localhost:PORT})
 */
public record LoopbackGuard(String token, List<String> allowedOrigins) {

    /** Why a request was refused: the HTTP status (401 or 403) and one sentence. */
    public record Refusal(int status, String message) {}

    public LoopbackGuard {
        allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
        if (token != null && token.isEmpty()) {
            throw new IllegalArgumentException("The token must not be empty; leave it unset to require none.");
        }
    }

    /** Whether {@code host} (the Host header) names this server on loopback at {@code port}. */
    public boolean hostAllowed(String host, int port) {
        return host != null && (host.equals("127.0.0.1:" + port) || host.equals("localhost:" + port) || host.equals("[::1]:" + port));
    }

    /** Whether {@code origin} (the Origin header; {@code null} when absent) may call this server at {@code port}. */
    public boolean originAllowed(String origin, int port) {
        return origin == null || origin.equals("http://127.0.0.1:" + port) || origin.equals("http://localhost:" + port)
                || origin.equals("http://[::1]:" + port) || allowedOrigins.contains(origin);
    }

    /** Whether {@code presented} is the configured token (always true when none is configured). */
    public boolean tokenMatches(String presented) {
        if (token == null) {
            return true;
        }
        byte[] given = (presented == null ? "" : presented).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, token.getBytes(StandardCharsets.UTF_8));
    }

    /** The token of an {@code Authorization: Bearer <token>} header, or {@code null}. */
    public static String bearer(String authorization) {
        if (authorization == null || authorization.length() < 7 || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return authorization.substring(7);
    }

    /** The Host and Origin checks: {@code null} when both pass, else a 403 saying which failed. */
    public Refusal checkHostAndOrigin(String host, String origin, int port) {
        if (!hostAllowed(host, port)) {
            return new Refusal(403, "Forbidden: Host '" + host + "' is not this server (DNS rebinding protection).");
        }
        if (!originAllowed(origin, port)) {
            return new Refusal(403, "Forbidden: Origin '" + origin + "' is not allowed.");
        }
        return null;
    }

    /** Every check, with the token taken from the Authorization header: {@code null} when the request may go on. */
    public Refusal check(String host, String origin, String authorization, int port) {
        Refusal refusal = checkHostAndOrigin(host, origin, port);
        if (refusal != null) {
            return refusal;
        }
        if (!tokenMatches(bearer(authorization))) {
            return new Refusal(401, "Unauthorized: a valid bearer token is required.");
        }
        return null;
    }
}
