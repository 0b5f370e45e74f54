package dev.cadre.mcp.internal;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cadre.api.CadreJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * Every incoming JSON-RPC text passes here before the MCP SDK sees it, on both transports. The SDK 2.1.0 closes the
 * stdio session on the first line it cannot deserialize, answers some malformed requests over HTTP with a Java stack
 * trace, and never answers a {@code tools/call} whose params it cannot bind; so Cadre answers those itself: -32700
 * for text that is not JSON, -32600 for JSON that is not a JSON-RPC 2.0 message MCP accepts (batches included),
 * -32602 for params of a known method of the wrong shape. Valid messages go on to the SDK, through
 * {@link Cancellations#inspect} for {@code notifications/cancelled}.
 *
 * <p>Over 300 lines: one check of one message (its bytes, its JSON, its JSON-RPC shape, the params of each known
 * method, the answers Cadre gives itself, such as the paged {@code resources/list}), kept together so a message is
 * parsed once and the tree handed on in the {@link Verdict}; the params checks are the part to move out next.
 */
public final class InboundMessages {

    /** The largest message accepted, in bytes, on either transport. */
    public static final int MAX_BYTES = 4 * 1024 * 1024;

    /** The largest {@code initialize} params accepted, in characters of JSON: a session keeps them while it lives. */
    public static final int MAX_INITIALIZE_CHARS = 16 * 1024;

    /** The longest string accepted in {@code initialize}'s {@code clientInfo} (name, version, title ...). */
    public static final int MAX_CLIENT_INFO_CHARS = 256;

    public static final int PARSE_ERROR = -32700;
    public static final int INVALID_REQUEST = -32600;
    public static final int INVALID_PARAMS = -32602;

    private static final ObjectReader READER = CadreJson.mapper().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Set<String> LEVELS = Set.of("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency");
    private static final Set<String> LISTS = Set.of("ping", "tools/list", "prompts/list", "resources/list", "resources/templates/list");
    private static final Set<String> BY_URI = Set.of("resources/read", "resources/subscribe", "resources/unsubscribe");

    private final Cancellations cancellations;
    private final LocalAnswers local;

    /**
     * Requests Cadre answers itself instead of passing them to the SDK, once the transport admits them (after
     * {@code initialize}, in an open session).
     */
    @FunctionalInterface
    public interface LocalAnswers {
        /** The whole JSON-RPC response to the request, or null to pass it on to the SDK. */
        String answer(String method, JsonNode id, JsonNode params);

        /** Whether requests to {@code method} may be answered here (the others go to the SDK unread). */
        default boolean handles(String method) {
            return true;
        }
    }

    public InboundMessages(Cancellations cancellations) {
        this(cancellations, (method, id, params) -> null);
    }

    public InboundMessages(Cancellations cancellations, LocalAnswers local) {
        this.cancellations = cancellations;
        this.local = local;
    }

    /** The answer Cadre gives itself to an admitted request, or null when it goes on to the SDK. */
    public String localAnswer(Verdict verdict) {
        if (!verdict.request() || !verdict.forward() || !local.handles(verdict.method())) {
            return null;
        }
        return local.answer(verdict.method(), verdict.id(), verdict.parsed().get("params"));
    }

    /** The {@code _meta} key by which a 2026-07-28 request names its protocol version (there is no {@code initialize}). */
    public static final String PROTOCOL_VERSION_META = "io.modelcontextprotocol/protocolVersion";

    /** Whether a message speaks MCP 2026-07-28: {@code server/discover}, or a protocol version in its {@code _meta}. */
    public static boolean modern(Verdict verdict) {
        if (!verdict.forward() || verdict.method() == null) {
            return false;
        }
        if (verdict.method().equals("server/discover")) {
            return true;
        }
        return verdict.parsed().path("params").path("_meta").path(PROTOCOL_VERSION_META).isTextual();
    }

    /** A JSON-RPC result response. */
    public static String resultResponse(JsonNode id, JsonNode result) {
        ObjectNode response = JsonNodeFactory.instance.objectNode();
        response.put("jsonrpc", "2.0");
        response.set("id", id);
        response.set("result", result);
        return response.toString();
    }

    /**
     * What became of one message: {@code parsed}, the message to pass on to the SDK (the tree parsed once, for whoever needs it
     * next), or an {@code error} to answer (with {@code id}, JSON null when it could not be read), or neither (a message
     * to drop without an answer: an invalid response). A forwarded message's text is the one received, unless it was
     * {@code rewritten} (a {@code tools/call} carries its request id in {@code _meta}, see {@link Cancellations}).
     *
     * @param method the request's or notification's method, when it has a valid one
     * @param request whether the message is a request (has a valid id and a method)
     * @param consumed whether the message was valid and handled here (nothing to pass on, nothing to answer)
     */
    public record Verdict(ObjectNode parsed, boolean rewritten, JsonNode id, String method, boolean request, Integer code, String message,
                          boolean consumed) {

        static Verdict error(JsonNode id, int code, String message) {
            return new Verdict(null, false, id == null ? NullNode.getInstance() : id, null, false, code, message, false);
        }

        public boolean forward() {
            return parsed != null;
        }

        /** The text to pass on: {@code received} (the message's own bytes) unless the message was rewritten. */
        public byte[] text(byte[] received) {
            return rewritten ? parsed.toString().getBytes(StandardCharsets.UTF_8) : received;
        }

        public boolean answer() {
            return code != null;
        }

        /** The JSON-RPC error response for {@link #answer()}. */
        public String errorResponse() {
            return InboundMessages.errorResponse(id, code, message);
        }
    }

    /** A JSON-RPC error response. */
    public static String errorResponse(JsonNode id, int code, String message) {
        ObjectNode response = JsonNodeFactory.instance.objectNode();
        response.put("jsonrpc", "2.0");
        response.set("id", id == null ? NullNode.getInstance() : id);
        response.putObject("error").put("code", code).put("message", message);
        return response.toString();
    }

    /** Checks one message of {@code session}, given as bytes (stdio line or HTTP body). */
    public Verdict check(String session, byte[] bytes) {
        return check(session, bytes, 0, bytes.length);
    }

    /**
     * Checks one message of {@code session}, {@code bytes[from, from + length)}, parsed once: ASCII text (the usual
     * case) straight from the bytes, other text after a strict UTF-8 check.
     */
    public Verdict check(String session, byte[] bytes, int from, int length) {
        if (length > MAX_BYTES) {
            return Verdict.error(null, INVALID_REQUEST, "Message over " + MAX_BYTES + " bytes.");
        }
        JsonNode node;
        try {
            if (plainAscii(bytes, from, length)) {
                node = READER.readTree(bytes, from, length);
            } else {
                String text;
                try {
                    text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, from, length)).toString();
                } catch (CharacterCodingException e) {
                    return Verdict.error(null, PARSE_ERROR, "Parse error: the message is not UTF-8.");
                }
                node = READER.readTree(text);
            }
        } catch (IOException | RuntimeException e) { // JacksonException: not JSON; no other IOException from bytes in memory
            String why = firstLine(e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage());
            return Verdict.error(null, PARSE_ERROR, "Parse error: the message is not JSON (" + why + ").");
        }
        if (node == null || node.isMissingNode()) {
            return Verdict.error(null, PARSE_ERROR, "Parse error: the message is empty.");
        }
        if (node.isArray()) {
            return Verdict.error(null, INVALID_REQUEST,
                    "Invalid request: JSON-RPC batches are not supported by MCP; send one message at a time.");
        }
        if (!node.isObject()) {
            return Verdict.error(null, INVALID_REQUEST, "Invalid request: a JSON-RPC message is an object.");
        }
        return checkObject(session, (ObjectNode) node);
    }

    /**
     * Whether the bytes are ASCII without NUL (Jackson reading bytes guesses UTF-16 or UTF-32 from NUL bytes; such
     * text goes through the decoder and is refused as not JSON, as any NUL outside a string is).
     */
    private static boolean plainAscii(byte[] bytes, int from, int length) {
        for (int i = from; i < from + length; i++) {
            if (bytes[i] <= 0) {
                return false;
            }
        }
        return true;
    }

    private Verdict checkObject(String session, ObjectNode message) {
        JsonNode id = message.get("id");
        boolean validId = id != null && (id.isTextual() || (id.isIntegralNumber() && id.canConvertToLong()));
        JsonNode answerId = validId ? id : null;
        if (!message.has("method") && (message.has("result") || message.has("error"))) {
            return checkResponse(message, validId);
        }
        if (!"2.0".equals(message.path("jsonrpc").textValue())) {
            return Verdict.error(answerId, INVALID_REQUEST, "Invalid request: jsonrpc must be \"2.0\".");
        }
        if (!message.has("method")) {
            return Verdict.error(answerId, INVALID_REQUEST, "Invalid request: a message needs a method, a result or an error.");
        }
        if (message.has("id") && !validId) {
            return Verdict.error(null, INVALID_REQUEST, "Invalid request: id must be a string or an integer.");
        }
        JsonNode methodNode = message.get("method");
        if (!methodNode.isTextual()) {
            return Verdict.error(answerId, INVALID_REQUEST, "Invalid request: method must be a string.");
        }
        String method = methodNode.textValue();
        if (message.has("result") || message.has("error")) {
            return Verdict.error(answerId, INVALID_REQUEST, "Invalid request: a request has no result or error.");
        }
        JsonNode params = message.get("params");
        if (params != null && !params.isObject()) {
            return validId ? Verdict.error(id, INVALID_PARAMS, "Invalid params: params must be an object.") : dropped();
        }
        if (validId) {
            String problem = paramsProblem(method, params);
            if (problem != null) {
                return Verdict.error(id, INVALID_PARAMS, "Invalid params for " + method + ": " + problem);
            }
        }
        if (!validId && method.equals("notifications/roots/list_changed")) {
            // The SDK answers it by asking the client for its roots and, when that request fails, lets the error end
            // the stdio session (a failed notification handler is not caught). Cadre asks for the roots each time it
            // needs them, so it has no use for this notification.
            return new Verdict(null, false, NullNode.getInstance(), method, false, null, null, true);
        }
        boolean rewritten = cancellations.inspect(session, message);
        return new Verdict(message, rewritten, answerId, method, validId, null, null, false);
    }

    private static Verdict checkResponse(ObjectNode message, boolean validId) {
        boolean result = message.has("result");
        JsonNode error = message.get("error");
        boolean wellFormed = validId && "2.0".equals(message.path("jsonrpc").textValue()) && result != (error != null)
                && (error == null || (error.isObject() && error.path("code").isIntegralNumber() && error.path("message").isTextual()));
        return wellFormed ? new Verdict(message, false, message.get("id"), null, false, null, null, false) : dropped();
    }

    /** An invalid response or notification: nothing to answer, nothing to pass on. */
    private static Verdict dropped() {
        return new Verdict(null, false, NullNode.getInstance(), null, false, null, null, false);
    }

    /** What is wrong with the params of a request to {@code method}, or null. */
    static String paramsProblem(String method, JsonNode params) {
        JsonNode p = params == null ? JsonNodeFactory.instance.objectNode() : params;
        JsonNode meta = p.get("_meta");
        if (meta != null && !meta.isObject()) {
            return "_meta must be an object.";
        }
        JsonNode token = meta == null ? null : meta.get("progressToken");
        if (token != null && !(token.isTextual() || token.isIntegralNumber())) {
            return "_meta.progressToken must be a string or an integer.";
        }
        if (LISTS.contains(method)) {
            return optional(p, "cursor", JsonNode::isTextual, "a string");
        }
        if (BY_URI.contains(method)) {
            return required(p, "uri", JsonNode::isTextual, "a string");
        }
        return switch (method) {
            case "initialize" -> firstOf(required(p, "protocolVersion", JsonNode::isTextual, "a string"),
                    required(p, "capabilities", JsonNode::isObject, "an object"),
                    required(p, "clientInfo", n -> n.isObject() && n.path("name").isTextual() && n.path("version").isTextual(),
                            "an object with a name and a version"), initializeTooLarge(p));
            case "tools/call" -> firstOf(required(p, "name", JsonNode::isTextual, "a string"),
                    optional(p, "arguments", JsonNode::isObject, "an object"));
            case "prompts/get" -> firstOf(required(p, "name", JsonNode::isTextual, "a string"),
                    optional(p, "arguments", n -> n.isObject() && allText(n), "an object of strings"));
            case "logging/setLevel" -> required(p, "level", n -> n.isTextual() && LEVELS.contains(n.textValue()),
                    "one of " + String.join(", ", LEVELS.stream().sorted().toList()));
            default -> null;
        };
    }

    /** What makes {@code initialize} params too large for a session to keep, or null. */
    private static String initializeTooLarge(JsonNode params) {
        for (Map.Entry<String, JsonNode> field : params.path("clientInfo").properties()) {
            if (field.getValue().isTextual() && field.getValue().textValue().length() > MAX_CLIENT_INFO_CHARS) {
                return "clientInfo." + field.getKey() + " is over " + MAX_CLIENT_INFO_CHARS + " characters.";
            }
        }
        int length = params.toString().length();
        return length > MAX_INITIALIZE_CHARS
                ? "the params are " + length + " characters of JSON, over the " + MAX_INITIALIZE_CHARS + " a session may keep." : null;
    }

    private static boolean allText(JsonNode object) {
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            if (!field.getValue().isTextual()) {
                return false;
            }
        }
        return true;
    }

    private static String required(JsonNode params, String name, java.util.function.Predicate<JsonNode> valid, String what) {
        JsonNode value = params.get(name);
        return value == null ? name + " is required." : valid.test(value) ? null : name + " must be " + what + ".";
    }

    private static String optional(JsonNode params, String name, java.util.function.Predicate<JsonNode> valid, String what) {
        JsonNode value = params.get(name);
        return value == null || value.isNull() || valid.test(value) ? null : name + " must be " + what + ".";
    }

    private static String firstOf(String... problems) {
        for (String problem : problems) {
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        String line = message.lines().findFirst().orElse(message);
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
