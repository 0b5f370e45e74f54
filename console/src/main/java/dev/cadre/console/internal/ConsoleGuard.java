package dev.cadre.console.internal;

import dev.cadre.http.LoopbackGuard;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * In front of every console request: the {@link LoopbackGuard} Host and Origin checks, then the token when one is
 * set. A browser brings the token once as {@code ?token=...}; the console answers with an HttpOnly, SameSite=Strict
 * cookie and a redirect to the same page without it. Other clients send {@code Authorization: Bearer}. A request
 * that changes something (POST), when the cookie is what authenticates it, must carry an allowed Origin (cross-site
 * request forgery protection; browsers always send Origin on POST); the API also takes only JSON bodies, which a
 * cross-site form cannot send.
 */
public final class ConsoleGuard implements Filter {

    private final LoopbackGuard guard;

    public ConsoleGuard(LoopbackGuard guard) {
        this.guard = guard;
    }

    /** The cookie's name: one per port, so two consoles on one machine do not overwrite each other's. */
    static String cookieName(int port) {
        return "cadre_console_" + port;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        int port = request.getLocalPort();
        String origin = request.getHeader("Origin");
        LoopbackGuard.Refusal refusal = guard.checkHostAndOrigin(request.getHeader("Host"), origin, port);
        if (refusal != null) {
            Json.error(response, refusal.status(), refusal.message());
            return;
        }
        boolean changes = !("GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod()));
        if (guard.token() == null) {
            chain.doFilter(req, res);
            return;
        }
        String bearer = LoopbackGuard.bearer(request.getHeader("Authorization"));
        if (bearer != null) {
            if (!guard.tokenMatches(bearer)) {
                unauthorized(response);
                return;
            }
            chain.doFilter(req, res);
            return;
        }
        String cookie = cookie(request, cookieName(port));
        if (cookie != null && guard.tokenMatches(cookie)) {
            if (changes && origin == null) {
                Json.error(response, 403, "Forbidden: a request authenticated by the console's cookie must carry an Origin header.");
                return;
            }
            chain.doFilter(req, res);
            return;
        }
        String query = queryToken(request);
        if (!changes && query != null && guard.tokenMatches(query)) {
            Cookie set = new Cookie(cookieName(port), query);
            set.setHttpOnly(true);
            set.setPath(request.getContextPath().isEmpty() ? "/" : request.getContextPath());
            set.setAttribute("SameSite", "Strict");
            response.addCookie(set);
            response.setStatus(303);
            response.setHeader("Location", withoutToken(request));
            return;
        }
        unauthorized(response);
    }

    private static void unauthorized(HttpServletResponse response) throws IOException {
        response.setHeader("WWW-Authenticate", "Bearer");
        Json.error(response, 401, "Unauthorized: open the console with the URL it printed (it ends in ?token=...), or send"
                + " Authorization: Bearer <token>.");
    }

    private static String cookie(HttpServletRequest request, String name) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        return Arrays.stream(cookies).filter(c -> c.getName().equals(name)).map(Cookie::getValue).findFirst().orElse(null);
    }

    private static String queryToken(HttpServletRequest request) {
        String query = request.getQueryString();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith("token=")) {
                return URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static String withoutToken(HttpServletRequest request) {
        String rest = Arrays.stream(request.getQueryString().split("&")).filter(p -> !p.startsWith("token="))
                .collect(Collectors.joining("&"));
        return request.getRequestURI() + (rest.isEmpty() ? "" : "?" + rest);
    }
}
