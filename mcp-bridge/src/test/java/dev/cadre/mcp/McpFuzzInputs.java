package dev.cadre.mcp;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.cadre.api.CadreJson;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Hostile MCP input, seeded: each input is the bytes of one message (never a line feed, so a stdio line is one input)
 * and what the server owes for it. Inputs are generated from scratch (malformed JSON, wrong JSON-RPC shapes, wrong
 * params, unknown methods and tools, invalid tool arguments for every tool the server lists, huge payloads) or by
 * mutating valid messages; a mutated message's expectation comes from what the mutation left of it.
 */
final class McpFuzzInputs {

    /** What the server owes an input. */
    enum Expect {
        /** A response with {@code id} and a result. */
        RESULT,
        /** A tools/call result that is not an error. */
        TOOL_OK,
        /** A tools/call result with isError true. */
        TOOL_ERROR,
        /** An error response with {@code code}, to {@code id} (JSON null when the id could not be read). */
        ERROR,
        /** Exactly one response with {@code id}, result or error. */
        ANSWER,
        /** No response at all. */
        NONE,
        /** At most one invalid-request error without an id, nothing else. */
        MAYBE_ERROR
    }

    record Input(String category, byte[] bytes, Expect expect, JsonNode id, int code) {
        String text() {
            String s = new String(bytes, StandardCharsets.UTF_8);
            return s.length() > 300 ? s.substring(0, 300) + "... (" + bytes.length + " bytes)" : s;
        }
    }

    static final int PARSE = -32700;
    static final int INVALID_REQUEST = -32600;
    static final int NOT_FOUND = -32601;
    static final int INVALID_PARAMS = -32602;

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final ObjectReader STRICT = CadreJson.mapper().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final String[] JUNK_METHODS = {"tools/cal", "TOOLS/LIST", "", " ", "rpc.discover", "sampling/createMessage",
            "elicitation/create", "roots/list", "completion/complete", "notifications/initialized/x", "\u0000", "é/ü",
            "tools/list\n", "../../etc", "x".repeat(1000)};
    private static final String[] JUNK_STRINGS = {"", " ", "\u0000", "\uD83D\uDE00", "\\", "\"", "../../../etc/passwd", "/etc/passwd",
            "C:\\Windows", "%s%n", "${jndi:ldap://x}", "<script>", "\u202e", "null", "x".repeat(5000)};

    private final Random random;
    private List<McpSchema> tools;
    private long next;

    /** One listed tool: its name, its properties' JSON types and its required properties. */
    record McpSchema(String name, Map<String, String> types, List<String> required) {}

    McpFuzzInputs(long seed, List<McpSchema> tools) {
        this.random = new Random(seed);
        this.tools = tools;
    }

    /** The tools the server lists, whose arguments {@link #next()} then breaks. */
    void tools(List<McpSchema> listed) {
        this.tools = List.copyOf(listed);
    }

    /** A fresh request id, a string or an integer by turns. */
    JsonNode id() {
        long n = next++;
        return random.nextBoolean() ? TextNode.valueOf("f-" + n) : F.numberNode(1_000_000L + n);
    }

    static ObjectNode request(JsonNode id, String method, ObjectNode params) {
        ObjectNode m = F.objectNode().put("jsonrpc", "2.0");
        m.set("id", id);
        m.put("method", method);
        if (params != null) {
            m.set("params", params);
        }
        return m;
    }

    static ObjectNode notification(String method, ObjectNode params) {
        ObjectNode m = F.objectNode().put("jsonrpc", "2.0").put("method", method);
        if (params != null) {
            m.set("params", params);
        }
        return m;
    }

    static ObjectNode call(JsonNode id, String tool, ObjectNode arguments) {
        ObjectNode params = F.objectNode().put("name", tool);
        params.set("arguments", arguments);
        return request(id, "tools/call", params);
    }

    static byte[] bytes(JsonNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    private Input in(String category, JsonNode message, Expect expect, JsonNode id, int code) {
        return new Input(category, bytes(message), expect, id, code);
    }

    /** The next generated input: from scratch or a mutated valid message. */
    Input next() {
        int r = random.nextInt(100);
        if (r < 12) return malformed();
        if (r < 24) return wrongShape();
        if (r < 36) return wrongParams();
        if (r < 44) return unknown();
        if (r < 60) return toolArguments();
        if (r < 64) return notificationOrResponse();
        if (r < 70) return valid();
        return mutated();
    }

    // ---- from scratch ----

    private Input malformed() {
        JsonNode id = id();
        byte[] valid = bytes(request(id, "ping", null));
        switch (random.nextInt(8)) {
            case 0 -> {
                byte[] cut = java.util.Arrays.copyOf(valid, 1 + random.nextInt(valid.length - 1));
                return parseError("malformed/truncated", cut);
            }
            case 1 -> {
                byte[] garbage = new byte[1 + random.nextInt(200)];
                random.nextBytes(garbage);
                return parseError("malformed/garbage", noLineFeed(garbage));
            }
            case 2 -> {
                int at = new String(valid, StandardCharsets.UTF_8).indexOf("\"ping\"") + 2;
                byte[][] bad = {{(byte) 0xC3, 0x28}, {(byte) 0xFF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                        {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0x80}, {(byte) 0xC0, (byte) 0xAF}};
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(valid, 0, at);
                out.writeBytes(bad[random.nextInt(bad.length)]);
                out.write(valid, at, valid.length - at);
                return parseError("malformed/invalid-utf8", out.toByteArray());
            }
            case 3 -> {
                int depth = 50 + random.nextInt(5000);
                String nested = "[".repeat(depth) + "]".repeat(depth);
                byte[] text = ("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"ping\",\"params\":{\"deep\":" + nested + "}}")
                        .getBytes(StandardCharsets.UTF_8);
                return parses(text) == null ? new Input("malformed/deeply-nested", text, Expect.ERROR, F.nullNode(), PARSE)
                        : new Input("malformed/nested-within-limit", text, Expect.RESULT, id, 0);
            }
            case 4 -> {
                String digits = "9".repeat(1001 + random.nextInt(20_000));
                String text = "{\"jsonrpc\":\"2.0\",\"id\":" + digits + ",\"method\":\"ping\"}";
                return parseError("malformed/huge-number", text.getBytes(StandardCharsets.UTF_8));
            }
            case 5 -> {
                // no blank input: stdio skips blank lines (they hold no message), HTTP answers an empty body -32700
                String[] junk = {"{", "}", "[", "{\"jsonrpc\":\"2.0\",", "{\"jsonrpc\":\"2.0\"}}", "{'jsonrpc':'2.0'}", "nul", "tru",
                        "{\"a\":1,}", "{\"a\" 1}", "\"unterminated", "{\"id\":01,\"method\":\"ping\",\"jsonrpc\":\"2.0\"}", "NaN", "+1", "{}{}",
                        valid.length > 0 ? new String(valid, StandardCharsets.UTF_8) + "x" : "x", "\u0000", "/* c */ {}"};
                return parseError("malformed/junk", junk[random.nextInt(junk.length)].getBytes(StandardCharsets.UTF_8));
            }
            case 6 -> {
                String text = new String(valid, StandardCharsets.UTF_8) + " " + new String(valid, StandardCharsets.UTF_8);
                return parseError("malformed/two-messages", text.getBytes(StandardCharsets.UTF_8));
            }
            default -> {
                String text = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"ping\",\"params\":{\"s\":\"" + "\\u12".repeat(1 + random.nextInt(3)) + "\"}}";
                return parseError("malformed/bad-escape", text.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private Input parseError(String category, byte[] bytes) {
        if (parses(bytes) != null || new String(bytes, StandardCharsets.ISO_8859_1).isBlank()) {
            return next(); // the cut or the garbage happens to be JSON: draw again
        }
        return new Input(category, bytes, Expect.ERROR, F.nullNode(), PARSE);
    }

    private Input wrongShape() {
        JsonNode id = id();
        switch (random.nextInt(8)) {
            case 0 -> {
                ObjectNode m = request(id, "ping", null);
                JsonNode[] versions = {null, TextNode.valueOf("1.0"), F.numberNode(2), F.numberNode(2.0), F.nullNode(), TextNode.valueOf("2.0 "), F.objectNode()};
                JsonNode v = versions[random.nextInt(versions.length)];
                if (v == null) m.remove("jsonrpc"); else m.set("jsonrpc", v);
                return in("shape/jsonrpc", m, Expect.ERROR, id, INVALID_REQUEST);
            }
            case 1 -> {
                JsonNode[] ids = {F.booleanNode(true), F.nullNode(), F.numberNode(1.5), F.objectNode(), F.arrayNode(),
                        F.numberNode(new java.math.BigInteger("123456789012345678901234567890")), F.numberNode(1e300)};
                ObjectNode m = request(ids[random.nextInt(ids.length)], random.nextBoolean() ? "ping" : "tools/list", null);
                return in("shape/id-type", m, Expect.ERROR, F.nullNode(), INVALID_REQUEST);
            }
            case 2 -> {
                ArrayNode batch = F.arrayNode();
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    batch.add(random.nextBoolean() ? request(id(), "ping", null) : notification("notifications/initialized", null));
                }
                return in("shape/batch", batch, Expect.ERROR, F.nullNode(), INVALID_REQUEST);
            }
            case 3 -> {
                JsonNode[] params = {F.arrayNode().add(1), TextNode.valueOf("x"), F.numberNode(5), F.booleanNode(false)};
                String[] methods = {"ping", "tools/list", "tools/call", "prompts/get", "resources/read", "initialize", "no/such"};
                ObjectNode m = request(id, methods[random.nextInt(methods.length)], null);
                m.set("params", params[random.nextInt(params.length)]);
                return in("shape/params-not-object", m, Expect.ERROR, id, INVALID_PARAMS);
            }
            case 4 -> {
                ObjectNode m = request(id, "ping", null);
                JsonNode[] methods = {F.numberNode(7), F.nullNode(), F.arrayNode().add("ping"), F.objectNode(), F.booleanNode(true)};
                m.set("method", methods[random.nextInt(methods.length)]);
                return in("shape/method-type", m, Expect.ERROR, id, INVALID_REQUEST);
            }
            case 5 -> {
                ObjectNode m = F.objectNode().put("jsonrpc", "2.0");
                m.set("id", id);
                if (random.nextBoolean()) m.put("params", "x");
                return in("shape/no-method", m, Expect.ERROR, id, INVALID_REQUEST);
            }
            case 6 -> {
                JsonNode[] scalars = {F.numberNode(42), TextNode.valueOf("ping"), F.booleanNode(true), F.nullNode(), F.numberNode(-0.0)};
                return in("shape/not-an-object", scalars[random.nextInt(scalars.length)], Expect.ERROR, F.nullNode(), INVALID_REQUEST);
            }
            default -> {
                ObjectNode m = request(id, "ping", null);
                m.set("result", F.objectNode());
                return in("shape/request-with-result", m, Expect.ERROR, id, INVALID_REQUEST);
            }
        }
    }

    private Input wrongParams() {
        JsonNode id = id();
        JsonNode junk = junkValue(false);
        List<Supplier<ObjectNode>> cases = List.of(
                () -> request(id, "tools/call", null),
                () -> request(id, "tools/call", F.objectNode().set("name", junkValue(true))),
                () -> request(id, "tools/call", (ObjectNode) F.objectNode().put("name", "workspace_read").set("arguments", nonObject())),
                () -> request(id, "prompts/get", F.objectNode()),
                () -> request(id, "prompts/get", F.objectNode().set("name", junkValue(true))),
                () -> request(id, "prompts/get", (ObjectNode) F.objectNode().put("name", "debater")
                        .set("arguments", F.objectNode().set("stance", junkValue(true)))),
                () -> request(id, "resources/read", random.nextBoolean() ? F.objectNode() : F.objectNode().set("uri", junkValue(true))),
                () -> request(id, "resources/subscribe", F.objectNode().set("uri", junkValue(true))),
                () -> request(id, "logging/setLevel", F.objectNode().set("level", random.nextBoolean() ? TextNode.valueOf("loud") : junk)),
                () -> request(id, "initialize", F.objectNode().put("protocolVersion", "2025-06-18")),
                () -> request(id, random.nextBoolean() ? "tools/list" : "prompts/list", F.objectNode().set("cursor", junkValue(true))),
                () -> request(id, "ping", F.objectNode().set("_meta", nonObject())),
                () -> request(id, "tools/list", F.objectNode().set("_meta", F.objectNode().set("progressToken", F.booleanNode(true)))));
        return in("params/wrong-types", cases.get(random.nextInt(cases.size())).get(), Expect.ERROR, id, INVALID_PARAMS);
    }

    /** A JSON value of a random type; {@code notText} excludes strings (and null, which counts as absent). */
    private JsonNode junkValue(boolean notText) {
        JsonNode[] values = {F.numberNode(random.nextInt()), F.numberNode(random.nextDouble()), F.booleanNode(random.nextBoolean()),
                F.arrayNode().add("a"), F.objectNode().put("k", "v"), TextNode.valueOf(JUNK_STRINGS[random.nextInt(JUNK_STRINGS.length)])};
        return values[random.nextInt(notText ? values.length - 1 : values.length)];
    }

    private JsonNode nonObject() {
        JsonNode[] values = {F.numberNode(1), TextNode.valueOf("x"), F.arrayNode(), F.booleanNode(true)};
        return values[random.nextInt(values.length)];
    }

    private Input unknown() {
        JsonNode id = id();
        switch (random.nextInt(3)) {
            case 0 -> {
                String method = random.nextBoolean() ? JUNK_METHODS[random.nextInt(JUNK_METHODS.length)] : "x/" + Long.toHexString(random.nextLong());
                return in("unknown/method", request(id, method, random.nextBoolean() ? null : F.objectNode()), Expect.ERROR, id, NOT_FOUND);
            }
            case 1 -> {
                String tool = random.nextBoolean() ? "no_such_tool_" + random.nextInt(1000) : JUNK_STRINGS[random.nextInt(JUNK_STRINGS.length)];
                return in("unknown/tool", call(id, tool, F.objectNode()), Expect.ERROR, id, INVALID_PARAMS);
            }
            default -> {
                return in("unknown/prompt", request(id, "prompts/get", F.objectNode().put("name", "no-such-prompt")), Expect.ERROR, id, INVALID_PARAMS);
            }
        }
    }

    /** Arguments that break the schema of a listed tool, or valid ones its handler refuses. */
    private Input toolArguments() {
        JsonNode id = id();
        if (random.nextInt(5) == 0) {
            String[][] refused = {{"workspace_read", "path", "../outside.txt"}, {"workspace_read", "path", "no/such/file.txt"},
                    {"workspace_info", "path", "../../etc"}, {"cadre_run_status", "run_id", "no-such-run"},
                    {"workspace_write", "path", "../escape.txt"}, {"workspace_search", "regex", "(unclosed"}};
            String[] c = refused[random.nextInt(refused.length)];
            ObjectNode args = F.objectNode().put(c[1], c[2]);
            if (c[0].equals("workspace_write")) args.put("content", "x");
            return in("tool/refused:" + c[0], call(id, c[0], args), Expect.TOOL_ERROR, id, 0);
        }
        List<McpSchema> breakable = tools.stream().filter(t -> !t.types().isEmpty()).toList();
        McpSchema tool = breakable.get(random.nextInt(breakable.size()));
        ObjectNode args = F.objectNode();
        tool.required().forEach(p -> args.set(p, valueOf(tool.types().getOrDefault(p, "string"))));
        if (!tool.required().isEmpty() && random.nextBoolean()) {
            args.remove(tool.required().get(random.nextInt(tool.required().size())));
            return in("tool/missing-required:" + tool.name(), call(id, tool.name(), args), Expect.TOOL_ERROR, id, 0);
        }
        List<String> properties = new ArrayList<>(tool.types().keySet());
        String p = properties.get(random.nextInt(properties.size()));
        args.set(p, wrongValueFor(tool.types().get(p)));
        return in("tool/wrong-type:" + tool.name(), call(id, tool.name(), args), Expect.TOOL_ERROR, id, 0);
    }

    private JsonNode valueOf(String type) {
        return switch (type) {
            case "integer" -> F.numberNode(1 + random.nextInt(5));
            case "object" -> F.objectNode();
            case "boolean" -> F.booleanNode(true);
            default -> TextNode.valueOf("fuzz");
        };
    }

    private JsonNode wrongValueFor(String type) {
        JsonNode[] values = switch (type) {
            case "integer" -> new JsonNode[] {TextNode.valueOf("3"), F.numberNode(1.5), F.booleanNode(true), F.arrayNode(), F.objectNode()};
            case "object" -> new JsonNode[] {TextNode.valueOf("x"), F.numberNode(1), F.arrayNode(), F.objectNode().put("k", 5)};
            // not null: the server reads a null argument as an absent one
            default -> new JsonNode[] {F.numberNode(42), F.booleanNode(false), F.arrayNode().add("x"), F.objectNode()};
        };
        return values[random.nextInt(values.length)];
    }

    private Input notificationOrResponse() {
        switch (random.nextInt(5)) {
            case 0 -> {
                String[] methods = {"notifications/initialized", "notifications/roots/list_changed", "notifications/progress", "notifications/x"};
                return in("notification/valid", notification(methods[random.nextInt(methods.length)], random.nextBoolean() ? null : F.objectNode()),
                        Expect.NONE, null, 0);
            }
            case 1 -> {
                ObjectNode params = F.objectNode();
                params.set("requestId", random.nextBoolean() ? id() : junkValue(false));
                return in("notification/cancel-unknown", notification("notifications/cancelled", params), Expect.NONE, null, 0);
            }
            case 2 -> {
                ObjectNode response = F.objectNode().put("jsonrpc", "2.0");
                response.set("id", id());
                response.set("result", F.objectNode());
                return in("response/unknown-id", response, Expect.NONE, null, 0);
            }
            case 3 -> {
                ObjectNode n = notification("notifications/initialized", null);
                n.set("params", nonObject());
                return in("notification/params-not-object", n, Expect.NONE, null, 0);
            }
            default -> {
                ObjectNode response = F.objectNode().put("jsonrpc", "2.0");
                response.set("id", id());
                response.set("error", random.nextBoolean() ? TextNode.valueOf("oops") : F.objectNode().put("code", -1).put("message", "client failed"));
                return in("response/error", response, Expect.NONE, null, 0);
            }
        }
    }

    /** Valid messages the server must serve (also the seeds of mutation). */
    private ObjectNode validMessage(JsonNode id) {
        return switch (random.nextInt(10)) {
            case 0 -> request(id, "ping", null);
            case 1 -> request(id, "tools/list", null);
            case 2 -> request(id, "prompts/list", F.objectNode());
            case 3 -> request(id, "resources/templates/list", null);
            case 4 -> call(id, "workspace_read", F.objectNode().put("path", "notes.txt"));
            case 5 -> call(id, "workspace_write", F.objectNode().put("path", "fuzz/" + random.nextInt(50) + ".txt").put("content", "content " + id));
            case 6 -> call(id, "cadre_checkpoints_list", F.objectNode());
            case 7 -> request(id, "prompts/get", (ObjectNode) F.objectNode().put("name", "debater")
                    .set("arguments", F.objectNode().put("stance", "for").put("task", "tabs?")));
            case 8 -> call(id, "workspace_search", F.objectNode().put("regex", "hello"));
            default -> request(id, "logging/setLevel", F.objectNode().put("level", "warning"));
        };
    }

    private Input valid() {
        JsonNode id = id();
        ObjectNode m = validMessage(id);
        boolean tool = m.path("method").asText().equals("tools/call");
        return in("valid/" + m.path("method").asText(), m, tool ? Expect.TOOL_OK : Expect.RESULT, id, 0);
    }

    // ---- mutation ----

    private Input mutated() {
        JsonNode id = id();
        ObjectNode message = validMessage(id);
        if (random.nextBoolean()) {
            mutateTree(message, 1 + random.nextInt(3));
            message.set("id", id);
        }
        byte[] bytes = bytes(message);
        String idText = "\"id\":" + id;
        int mutations = random.nextInt(4);
        for (int i = 0; i < mutations; i++) {
            int idStart = new String(bytes, StandardCharsets.ISO_8859_1).indexOf(idText);
            bytes = mutateBytes(bytes, idStart, idStart < 0 ? -1 : idStart + idText.length());
        }
        Input input = expectationOf("mutated", noLineFeed(bytes));
        return input.id() != null && !input.id().isNull() && !input.id().equals(id) ? next() : input;
    }

    /** What the server owes a mutated message, from what is left of it. */
    private Input expectationOf(String category, byte[] bytes) {
        JsonNode node = parses(bytes);
        if (node == null) {
            return new Input(category + "/not-json", bytes, Expect.ERROR, F.nullNode(), PARSE);
        }
        if (node.isObject()) {
            JsonNode id = node.get("id");
            boolean validId = id != null && (id.isTextual() || (id.isIntegralNumber() && id.canConvertToLong()));
            boolean response = !node.has("method") && (node.has("result") || node.has("error"));
            if (validId && !response) {
                return new Input(category + "/request", bytes, Expect.ANSWER, id, 0);
            }
            if (response) {
                return new Input(category + "/response", bytes, Expect.NONE, null, 0);
            }
        }
        return new Input(category + "/no-id", bytes, Expect.MAYBE_ERROR, F.nullNode(), INVALID_REQUEST);
    }

    private void mutateTree(ObjectNode root, int times) {
        for (int i = 0; i < times; i++) {
            List<ObjectNode> objects = new ArrayList<>();
            collect(root, objects);
            ObjectNode target = objects.get(random.nextInt(objects.size()));
            List<String> keys = new ArrayList<>();
            target.fieldNames().forEachRemaining(keys::add);
            switch (random.nextInt(4)) {
                case 0 -> {
                    if (!keys.isEmpty()) target.remove(keys.get(random.nextInt(keys.size())));
                }
                case 1 -> {
                    if (!keys.isEmpty()) target.set(keys.get(random.nextInt(keys.size())), junkValue(false));
                }
                case 2 -> target.set("x" + random.nextInt(100), junkValue(false));
                default -> {
                    if (!keys.isEmpty()) target.set(keys.get(random.nextInt(keys.size())), F.nullNode());
                }
            }
        }
    }

    private static void collect(JsonNode node, List<ObjectNode> into) {
        if (node instanceof ObjectNode o) {
            into.add(o);
        }
        for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
            collect(it.next(), into);
        }
    }

    private byte[] mutateBytes(byte[] in, int keepFrom, int keepTo) {
        if (in.length == 0) {
            return new byte[] {(byte) random.nextInt(256)};
        }
        int at = random.nextInt(in.length);
        if (keepFrom >= 0 && at >= keepFrom && at <= keepTo) {
            at = random.nextBoolean() ? Math.max(0, keepFrom - 1) : Math.min(in.length - 1, keepTo + 1);
            if (at >= keepFrom && at <= keepTo) {
                return in;
            }
        }
        byte[] structural = "{}[]\":,\\ 0-.eE".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        switch (random.nextInt(6)) {
            case 0 -> { // flip
                out.writeBytes(in);
                byte[] b = out.toByteArray();
                b[at] = (byte) random.nextInt(256);
                return b;
            }
            case 1 -> { // insert
                out.write(in, 0, at);
                out.write(random.nextBoolean() ? structural[random.nextInt(structural.length)] : random.nextInt(256));
                out.write(in, at, in.length - at);
            }
            case 2 -> { // delete up to 8 bytes, not reaching the id
                int end = Math.min(in.length, at + 1 + random.nextInt(8));
                if (keepFrom >= 0 && at < keepFrom && end > keepFrom) end = keepFrom;
                out.write(in, 0, at);
                out.write(in, end, in.length - end);
            }
            case 3 -> { // truncate after the id
                int cut = Math.max(at, keepTo + 1);
                out.write(in, 0, Math.min(in.length, cut));
            }
            case 4 -> { // repeat a piece before the id or after it
                int end = Math.min(in.length, at + 1 + random.nextInt(16));
                if (keepFrom >= 0 && at < keepFrom && end > keepFrom) end = keepFrom;
                out.write(in, 0, end);
                out.write(in, at, end - at);
                out.write(in, end, in.length - end);
            }
            default -> { // structural character swap
                out.writeBytes(in);
                byte[] b = out.toByteArray();
                b[at] = structural[random.nextInt(structural.length)];
                return b;
            }
        }
        return out.toByteArray();
    }

    /** The JSON {@code bytes} hold, read strictly (UTF-8, one value), or null. */
    static JsonNode parses(byte[] bytes) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            JsonNode node = STRICT.readTree(text);
            return node == null || node.isMissingNode() ? null : node;
        } catch (JacksonException | java.nio.charset.CharacterCodingException | RuntimeException e) {
            return null;
        }
    }

    static byte[] noLineFeed(byte[] bytes) {
        byte[] copy = bytes.clone();
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] == '\n') copy[i] = ' ';
        }
        return copy;
    }

    // ---- fixed sets ----

    /**
     * A workspace_write of {@code size} bytes of content: over the 4 MiB message limit the transport refuses it; within
     * it the tool answers, refusing content over its 1 MiB write limit.
     */
    Input huge(int size, boolean overLimit) {
        JsonNode id = id();
        String content = "y".repeat(size);
        ObjectNode m = call(id, "workspace_write", F.objectNode().put("path", "huge.txt").put("content", content));
        return overLimit ? new Input("huge/over-limit", bytes(m), Expect.ERROR, F.nullNode(), INVALID_REQUEST)
                : new Input("huge/within-limit", bytes(m), size > 1024 * 1024 ? Expect.TOOL_ERROR : Expect.TOOL_OK, id, 0);
    }

    /** Requests sent before initialize: a ping is answered, anything else refused. */
    Input beforeInitialize() {
        JsonNode id = id();
        if (random.nextInt(4) == 0) {
            return in("before-initialize/ping", request(id, "ping", null), Expect.RESULT, id, 0);
        }
        ObjectNode m = validMessage(id);
        if (m.path("method").asText().equals("ping")) {
            m.put("method", "tools/list");
        }
        return in("before-initialize/" + m.path("method").asText(), m, Expect.ERROR, id, INVALID_REQUEST);
    }
}
