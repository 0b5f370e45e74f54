package dev.cadre.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * What a tool gives back to the model.
 *
 * @param text       the text the model reads (for structured results, their JSON)
 * @param structured the structured result, or {@code null}
 * @param error      whether the call failed; the model sees the text and can recover
 */
public record ToolResult(String text, JsonNode structured, boolean error) {
    public ToolResult {
        Objects.requireNonNull(text, "text");
    }

    public static ToolResult ok(String text) {
        return new ToolResult(text, null, false);
    }

    public static ToolResult json(JsonNode structured) {
        return new ToolResult(structured.toString(), structured, false);
    }

    public static ToolResult error(String message) {
        return new ToolResult(message, null, true);
    }
}
