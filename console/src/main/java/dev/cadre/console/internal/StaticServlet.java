package dev.cadre.console.internal;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.MappingMatch;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/** The page: plain HTML, CSS and JavaScript from the jar, nothing from elsewhere. */
public final class StaticServlet extends HttpServlet {

    private static final String ROOT = "/dev/cadre/console/web/";
    private static final Map<String, String> FILES = Map.of(
            "/", "index.html",
            "/index.html", "index.html",
            "/console.js", "console.js",
            "/console.css", "console.css");

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        boolean prefixMapped = request.getHttpServletMapping().getMappingMatch() == MappingMatch.PATH;
        if (prefixMapped && request.getPathInfo() == null) {
            response.setStatus(303); // mounted at a path: the page's relative links need its trailing slash
            response.setHeader("Location", request.getRequestURI() + "/" + (request.getQueryString() == null ? "" : "?" + request.getQueryString()));
            return;
        }
        String path = prefixMapped ? request.getPathInfo()
                : request.getPathInfo() == null ? request.getServletPath() : request.getServletPath() + request.getPathInfo();
        String file = FILES.get(path.isEmpty() ? "/" : path);
        if (file == null) {
            Json.error(response, 404, "There is no page '" + path + "'.");
            return;
        }
        try (InputStream in = StaticServlet.class.getResourceAsStream(ROOT + file)) {
            if (in == null) {
                throw new IllegalStateException("The console's " + file + " is missing from the jar.");
            }
            response.setStatus(200);
            response.setContentType(file.endsWith(".html") ? "text/html" : file.endsWith(".js") ? "text/javascript" : "text/css");
            response.setCharacterEncoding("UTF-8");
            response.setHeader("Cache-Control", "no-cache");
            response.setHeader("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
            response.setHeader("X-Content-Type-Options", "nosniff");
            response.setHeader("Referrer-Policy", "no-referrer");
            in.transferTo(response.getOutputStream());
        }
    }
}
