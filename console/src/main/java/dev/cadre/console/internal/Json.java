package dev.cadre.console.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cadre.api.CadreJson;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** JSON in and out of the console's API, with Cadre's settings (events keep their {@code type} tag). */
final class Json {

    static final int MAX_BODY = 1024 * 1024;

    private Json() {}

    static ObjectMapper mapper() {
        return CadreJson.mapper();
    }

    static String text(Object value) {
        try {
            return mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("Cannot write " + value.getClass().getSimpleName() + " as JSON: " + e.getMessage(), e);
        }
    }

    static void write(HttpServletResponse response, int status, Object body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getOutputStream().write(text(body).getBytes(StandardCharsets.UTF_8));
    }

    static void error(HttpServletResponse response, int status, String message) throws IOException {
        write(response, status, Map.of("error", message));
    }

    /** The request's JSON object body; {@code null} (after answering 400 or 415) when there is none. */
    static JsonNode body(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!String.valueOf(request.getContentType()).startsWith("application/json")) {
            error(response, 415, "Unsupported media type: send JSON (Content-Type: application/json).");
            return null;
        }
        byte[] bytes = request.getInputStream().readNBytes(MAX_BODY + 1);
        if (bytes.length > MAX_BODY) {
            error(response, 413, "Request body over " + MAX_BODY + " bytes.");
            return null;
        }
        try {
            JsonNode node = mapper().readTree(bytes);
            if (node == null || !node.isObject()) {
                error(response, 400, "The request body must be a JSON object.");
                return null;
            }
            return node;
        } catch (IOException e) {
            error(response, 400, "The request body is not valid JSON: " + e.getMessage().lines().findFirst().orElse("") + ".");
            return null;
        }
    }
}
