package dev.cadre.spring;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code cadre.web.*} settings: the web console and the MCP endpoint, served in the application's own servlet
 * container (on its port), both off unless enabled. Both take requests only on loopback (Host must be
 * {@code localhost}/{@code 127.0.0.1}/{@code [::1]} and the application's port), refuse a browser Origin other than the
 * application's own and {@code allowedOrigins}, and require {@code token}, when set, as {@code Authorization: Bearer}
 * (the console's page also as {@code ?token=} once, then as a cookie). The application's own servlet filters (Spring
 * Security among them) run before these checks.
 *
 * @param console        the web console ({@code cadre.web.console.enabled}, {@code cadre.web.console.path})
 * @param mcp            the MCP endpoint, streamable HTTP ({@code cadre.web.mcp.enabled}, {@code cadre.web.mcp.path})
 * @param token          the token both require, e.g. {@code cadre.web.token=${CADRE_TOKEN}}; none by default
 * @param allowedOrigins browser origins allowed besides the application's own
 */
@ConfigurationProperties("cadre.web")
public record CadreWebProperties(@DefaultValue Console console, @DefaultValue Mcp mcp, String token, List<String> allowedOrigins) {

    public CadreWebProperties {
        allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
        token = token == null || token.isBlank() ? null : token;
    }

    /** The web console: its page is {@code path + "/"}. */
    public record Console(boolean enabled, @DefaultValue("/cadre/console") String path) {}

    /** The MCP endpoint: MCP clients connect to {@code http://localhost:<port><path>}. */
    public record Mcp(boolean enabled, @DefaultValue("/cadre/mcp") String path) {}
}
