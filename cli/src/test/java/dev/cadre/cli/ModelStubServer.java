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

/**
 * A model server on loopback speaking OpenAI's chat completions API (also streamed as SSE) and Ollama's /api/chat,
 * answering scripted replies in order: text, tool calls, usage, and error statuses (429 with Retry-After, 500).
 */
final class ModelStubServer implements AutoCloseable {

    private final HttpServer server;
    private final Deque<Reply> replies;
    private final Deque<Integer> failures = new ArrayDeque<>();
    private String failureMessage = "stub says ";
    final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private int ids;

    ModelStubServer(List<Reply> replies) throws IOException {
        this.replies = new ArrayDeque<>(replies);
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
        Reply reply = replies.poll();
        if (reply == null) {
            send(exchange, 500, "{\"error\":{\"message\":\"the stub has no more replies\"}}", "application/json");
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
            for (ToolExecutionRequest call : reply.toolCalls()) {
                calls.addObject().put("id", "call_" + (++ids)).put("type", "function")
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
