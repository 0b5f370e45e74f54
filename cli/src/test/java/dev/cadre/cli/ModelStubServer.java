package dev.cadre.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cadre.api.CadreJson;
import dev.cadre.testkit.Reply;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A model server on loopback speaking OpenAI's chat completions API (also streamed as SSE) and Ollama's /api/chat,
 * answering scripted replies in order: text, tool calls, usage, and error statuses (429 with Retry-After, 500). Or,
 * built with an answering function, by the request's content: the same request always gets the same reply (and the
 * same tool-call ids), whatever the order of calls, which is what a resumed run needs.
 */
final class ModelStubServer implements AutoCloseable {

    private final HttpServer server;
    private final Deque<Reply> replies;
    private final Function<JsonNode, Reply> answer;
    private final Deque<Integer> failures = new ArrayDeque<>();
    private String failureMessage = "stub says ";
    final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private int ids;

    ModelStubServer(List<Reply> replies) throws IOException {
        this(new ArrayDeque<>(replies), null);
    }

    /** Answers each request with {@code answer}'s reply for it; {@code null} is answered with HTTP 500. */
    ModelStubServer(Function<JsonNode, Reply> answer) throws IOException {
        this(new ArrayDeque<>(), answer);
    }

    private ModelStubServer(Deque<Reply> replies, Function<JsonNode, Reply> answer) throws IOException {
        this.replies = replies;
        this.answer = answer;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/chat/completions", this::openAi);
        server.createContext("/api/chat", this::ollama);
        server.start();
    }

    String openAiUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    String ollamaUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The next calls answer with these HTTP statuses (429 comes with Retry-After: 1) before the replies resume. */
    synchronized ModelStubServer failFirst(Integer... statuses) {
        failures.addAll(List.of(statuses));
        return this;
    }

    /** The error message of the failures, before their status (a provider that echoes what it was sent, say). */
    synchronized ModelStubServer failureMessage(String message) {
        failureMessage = message;
        return this;
    }

    int remaining() {
        return replies.size();
    }

    private synchronized Reply next(HttpExchange exchange, JsonNode request) throws IOException {
        requests.add(request);
        Integer status = failures.poll();
        if (status != null) {
            if (status == 429) {
                exchange.getResponseHeaders().add("Retry-After", "1");
            }
            send(exchange, status, "{\"error\":{\"message\":\"" + failureMessage + status + "\",\"type\":\"stub\"}}", "application/json");
            return null;
        }
        Reply reply = answer != null ? answer.apply(request) : replies.poll();
        if (reply == null) {
            send(exchange, 500, "{\"error\":{\"message\":\"the stub has no " + (answer != null ? "reply for this request" : "more replies")
                    + "\"}}", "application/json");
        }
        return reply;
    }

    private void openAi(HttpExchange exchange) throws IOException {
        JsonNode request = CadreJson.mapper().readTree(exchange.getRequestBody());
        Reply reply = next(exchange, request);
        if (reply == null) {
            return;
        }
        ObjectNode message = CadreJson.mapper().createObjectNode().put("role", "assistant");
        message.put("content", reply.text());
        if (!reply.toolCalls().isEmpty()) {
            ArrayNode calls = message.putArray("tool_calls");
            String prefix = answer != null ? "call_" + stableId(request) + "_" : "call_";
            for (ToolExecutionRequest call : reply.toolCalls()) {
                calls.addObject().put("id", prefix + (answer != null ? calls.size() : ++ids)).put("type", "function")
                        .putObject("function").put("name", call.name()).put("arguments", call.arguments());
            }
        }
        int in = reply.inputTokens() == null ? 10 : reply.inputTokens();
        int out = reply.outputTokens() == null ? 5 : reply.outputTokens();
        String finish = reply.toolCalls().isEmpty() ? "stop" : "tool_calls";
        if (request.path("stream").asBoolean(false) && reply.toolCalls().isEmpty()) {
            StringBuilder sse = new StringBuilder();
            for (String word : (reply.text() == null ? "" : reply.text()).split("(?<= )")) {
                ObjectNode chunk = chunk();
                chunk.withArray("choices").addObject().put("index", 0).putObject("delta").put("content", word);
                sse.append("data: ").append(chunk).append("\n\n");
            }
            ObjectNode end = chunk();
            end.withArray("choices").addObject().put("index", 0).put("finish_reason", finish).putObject("delta");
            end.putObject("usage").put("prompt_tokens", in).put("completion_tokens", out).put("total_tokens", in + out);
            sse.append("data: ").append(end).append("\n\ndata: [DONE]\n\n");
            send(exchange, 200, sse.toString(), "text/event-stream");
            return;
        }
        ObjectNode response = CadreJson.mapper().createObjectNode().put("id", "chatcmpl-" + (++ids)).put("object", "chat.completion")
                .put("created", 1_700_000_000).put("model", request.path("model").asText());
        response.putArray("choices").addObject().put("index", 0).put("finish_reason", finish).set("message", message);
        response.putObject("usage").put("prompt_tokens", in).put("completion_tokens", out).put("total_tokens", in + out);
        send(exchange, 200, response.toString(), "application/json");
    }

    /**
     * An id from what stays the same when a run is resumed: the system and first user message and how many messages
     * there are (tool results' text may differ, e.g. a recovered write says it was already applied).
     */
    private static String stableId(JsonNode request) {
        JsonNode messages = request.path("messages");
        String first = "";
        for (JsonNode m : messages) {
            if (m.path("role").asText().equals("user")) {
                first = m.path("content").toString();
                break;
            }
        }
        return Integer.toHexString((messages.path(0).path("content").toString() + "|" + first + "|" + messages.size()).hashCode());
    }

    private ObjectNode chunk() {
        return CadreJson.mapper().createObjectNode().put("id", "chatcmpl-s").put("object", "chat.completion.chunk")
                .put("created", 1_700_000_000).put("model", "stub");
    }

    private void ollama(HttpExchange exchange) throws IOException {
        JsonNode request = CadreJson.mapper().readTree(exchange.getRequestBody());
        Reply reply = next(exchange, request);
        if (reply == null) {
            return;
        }
        ObjectNode message = CadreJson.mapper().createObjectNode().put("role", "assistant").put("content", reply.text() == null ? "" : reply.text());
        if (!reply.toolCalls().isEmpty()) {
            ArrayNode calls = message.putArray("tool_calls");
            for (ToolExecutionRequest call : reply.toolCalls()) {
                calls.addObject().putObject("function").put("name", call.name()).set("arguments", CadreJson.mapper().readTree(call.arguments()));
            }
        }
        ObjectNode response = CadreJson.mapper().createObjectNode().put("model", request.path("model").asText())
                .put("created_at", "2026-11-23T10:00:00Z").put("done", true).put("done_reason", "stop")
                .put("prompt_eval_count", reply.inputTokens() == null ? 10 : reply.inputTokens())
                .put("eval_count", reply.outputTokens() == null ? 5 : reply.outputTokens());
        response.set("message", message);
        send(exchange, 200, response.toString(), "application/json");
    }

    private static void send(HttpExchange exchange, int status, String body, String type) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
