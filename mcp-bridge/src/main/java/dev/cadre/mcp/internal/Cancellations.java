package dev.cadre.mcp.internal;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cancellation for MCP, which the SDK 2.1.0 does not implement. Incoming messages pass through {@link #inspect}
 * (from {@link InboundMessages}): a {@code tools/call} gets its JSON-RPC id copied into {@code params._meta["cadre/requestId"]} (so the handler
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

    /**
     * Looks at one incoming message: runs the cancel action a {@code notifications/cancelled} names, and copies a
     * {@code tools/call}'s id into its {@code _meta}; returns whether {@code message} was changed.
     */
    public boolean inspect(String session, ObjectNode message) {
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
            m.put(REQUEST_ID, json(message.get("id")));
            return true;
        }
        return false;
    }

    /**
     * The id's JSON, as {@code id.toString()} writes it, without the tree writer (a tenth of the stdio thread's time
     * per {@code tools/call} in a profile): a number as its digits, a string quoted and escaped.
     */
    static String json(JsonNode id) {
        if (id.isIntegralNumber()) {
            return id.asText();
        }
        if (id.isTextual()) {
            return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(id.textValue())) + '"';
        }
        return id.toString();
    }
}
