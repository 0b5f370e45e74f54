package dev.cadre.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.cadre.api.CadreJson;
import dev.cadre.mcp.McpFuzzInputs.Expect;
import dev.cadre.mcp.McpFuzzInputs.Input;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The fuzz run over streamable HTTP on loopback, with java.net.http: each input is one POST, and besides what the
 * JSON-RPC answer owes, the status must never be 5xx (nor the connection dropped); refused input gets 4xx with a
 * JSON-RPC error, accepted notifications and responses 202.
 */
class McpHttpFuzzTest extends McpFuzzTest {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    private final Map<String, CompletableFuture<HttpResponse<String>>> inFlight = new HashMap<>();
    private String session;

    @Override
    CadreMcpServer start(McpServerConfig config) {
        return CadreMcpServer.http(config, "127.0.0.1", 0, null, List.of());
    }

    @Override
    String transport() {
        return "http";
    }

    private HttpRequest request(byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.endpoint()).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("MCP-Protocol-Version", "2025-06-18").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (session != null) {
            b.header("Mcp-Session-Id", session);
        }
        return b.build();
    }

    /** The JSON-RPC messages of a response body: one JSON object, or the data of SSE events. */
    private List<JsonNode> messages(HttpResponse<String> response, String where) {
        List<JsonNode> messages = new ArrayList<>();
        String body = response.body();
        if (body == null || body.isBlank()) {
            return messages;
        }
        String type = response.headers().firstValue("Content-Type").orElse("");
        try {
            if (type.startsWith("text/event-stream")) {
                for (String line : body.split("\n")) {
                    if (line.startsWith("data:")) {
                        messages.add(CadreJson.mapper().readTree(line.substring(5).trim()));
                    }
                }
            } else {
                messages.add(CadreJson.mapper().readTree(body));
            }
        } catch (IOException e) {
            failures.add("http: a body that is not JSON-RPC (" + type + ", " + response.statusCode() + ") for " + where + ": " + body);
        }
        return messages;
    }

    @Override
    void exchange(List<Input> batch) throws Exception {
        for (Input input : batch) {
            HttpResponse<String> response;
            try {
                response = http.send(request(input.bytes()), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                failures.add("http " + input.category() + ": connection failed (" + e + ") for " + input.text());
                continue;
            }
            int status = response.statusCode();
            stats.httpStatus.merge(String.valueOf(status), 1, Integer::sum);
            String where = input.category() + ": " + input.text();
            if (status >= 500) {
                failures.add("http: status " + status + " for " + where + ": " + response.body());
                continue;
            }
            List<JsonNode> answers = messages(response, where).stream().filter(m -> !m.has("method")).toList();
            if (answers.size() > 1) {
                failures.add("http: " + answers.size() + " answers for " + where + ": " + answers);
            }
            JsonNode answer = answers.isEmpty() ? null : answers.get(0);
            if (status >= 400 && (answer == null || !answer.has("error"))) {
                failures.add("http: status " + status + " without a JSON-RPC error for " + where + ": " + response.body());
            }
            switch (input.expect()) {
                case NONE -> {
                    if (status == 202 && answer == null) {
                        break;
                    }
                    if (status == 400 && answer != null && answer.path("id").isNull() && answer.has("error")) {
                        stats.error(answer.path("error").path("code").asInt());
                        break;
                    }
                    check(input, answer);
                }
                case MAYBE_ERROR -> {
                    if (status != 202 || answer != null) {
                        check(input, answer);
                    }
                }
                default -> {
                    if (input.expect() == Expect.ERROR && input.code() != McpFuzzInputs.NOT_FOUND && input.code() != McpFuzzInputs.INVALID_PARAMS
                            && (status < 400 || status >= 500)) {
                        failures.add("http: status " + status + " for refused input " + where);
                    }
                    check(input, answer);
                }
            }
        }
    }

    @Override
    JsonNode call(JsonNode id, String method, ObjectNode params) throws Exception {
        HttpResponse<String> response = http.send(request(McpFuzzInputs.bytes(McpFuzzInputs.request(id, method, params))),
                HttpResponse.BodyHandlers.ofString());
        return messages(response, method).stream().filter(m -> sameId(m.path("id"), id)).findFirst()
                .orElseThrow(() -> new AssertionError("http: no answer to " + method + ": " + response.statusCode() + " " + response.body()));
    }

    @Override
    void initialize() throws Exception {
        ObjectNode params = CadreJson.mapper().createObjectNode().put("protocolVersion", "2025-06-18");
        params.putObject("capabilities");
        params.putObject("clientInfo").put("name", "fuzz").put("version", "1");
        HttpResponse<String> init = http.send(request(McpFuzzInputs.bytes(McpFuzzInputs.request(TextNode.valueOf("init"), "initialize", params))),
                HttpResponse.BodyHandlers.ofString());
        session = init.headers().firstValue("Mcp-Session-Id").orElseThrow(() -> new AssertionError("no session: " + init.body()));
        HttpResponse<String> initialized = http.send(request(McpFuzzInputs.bytes(McpFuzzInputs.notification("notifications/initialized", null))),
                HttpResponse.BodyHandlers.ofString());
        if (initialized.statusCode() != 202) {
            throw new AssertionError("notifications/initialized: " + initialized.statusCode());
        }
    }

    @Override
    void sendWithoutWaiting(List<Input> inputs) {
        for (Input input : inputs) {
            inFlight.put(input.id().toString(), http.sendAsync(request(input.bytes()), HttpResponse.BodyHandlers.ofString()));
        }
    }

    @Override
    Map<String, JsonNode> awaitAnswers(List<JsonNode> ids) throws Exception {
        Map<String, JsonNode> got = new HashMap<>();
        for (JsonNode id : ids) {
            HttpResponse<String> response = inFlight.remove(id.toString()).get(60, TimeUnit.SECONDS);
            stats.httpStatus.merge(String.valueOf(response.statusCode()), 1, Integer::sum);
            List<JsonNode> answers = messages(response, "crew call " + id).stream().filter(m -> sameId(m.path("id"), id)).toList();
            if (answers.size() != 1 || response.statusCode() != 200) {
                failures.add("http: crew call " + id + " answered " + response.statusCode() + " " + response.body());
            }
            if (!answers.isEmpty()) {
                got.put(id.toString(), answers.get(0));
            }
        }
        return got;
    }
}
