package dev.cadre.mcp.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.api.CadreJson;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cancellation for MCP, which the SDK 2.1.0 does not implement. Incoming messages pass through {@link #inspect}:
 * a {@code tools/call} gets its JSON-RPC id copied into {@code params._meta["cadre/requestId"]} (so the handler
 * knows which request it serves), and a {@code notifications/cancelled} runs the cancel action registered for
 * that request.
 */
public final class Cancellations {

    public static final String REQUEST_ID = "cadre/requestId";
    private static final Logger log = LoggerFactory.getLogger(Cancellations.class);

    private final Map<String, Runnable> active = new ConcurrentHashMap<>();

    /** Registers what cancels request {@code requestId} of {@code session}; returns the key to {@link #done}. */
    public String register(String session, Object requestId, Runnable cancel) {
        String key = session + "|" + requestId;
        active.put(key, cancel);
        return key;
    }

    public void done(String key) {
        active.remove(key);
    }

    public int active() {
        return active.size();
    }

    /** Looks at one incoming JSON text (a message or a batch); returns it, rewritten when it is a tools/call. */
    public String inspect(String session, String json) {
        JsonNode node;
        try {
            node = CadreJson.mapper().readTree(json);
        } catch (Exception notJson) {
            return json; // the SDK answers malformed input with a JSON-RPC error
        }
        if (node == null) {
            return json;
        }
        boolean changed = false;
        if (node.isArray()) {
            for (JsonNode item : node) {
                changed |= inspectOne(session, item);
            }
        } else {
            changed = inspectOne(session, node);
        }
        return changed ? node.toString() : json;
    }

    private boolean inspectOne(String session, JsonNode message) {
        if (!message.isObject()) {
            return false;
        }
        String method = message.path("method").asText("");
        if (method.equals("notifications/cancelled")) {
            JsonNode id = message.path("params").path("requestId");
            Runnable cancel = active.remove(session + "|" + id);
            if (cancel != null) {
                log.info("Client cancelled request {} of session {}", id, session);
                cancel.run();
            }
            return false;
        }
        if (method.equals("tools/call") && message.has("id") && message.path("params").isObject()) {
            ObjectNode params = (ObjectNode) message.get("params");
            JsonNode meta = params.get("_meta");
            ObjectNode m = meta != null && meta.isObject() ? (ObjectNode) meta : params.putObject("_meta");
            m.put(REQUEST_ID, message.get("id").toString());
            return true;
        }
        return false;
    }

    static boolean isBatch(JsonNode node) {
        return node instanceof ArrayNode;
    }
}
