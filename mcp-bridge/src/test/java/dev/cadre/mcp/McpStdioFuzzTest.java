package dev.cadre.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.cadre.api.CadreJson;
import dev.cadre.mcp.McpFuzzInputs.Expect;
import dev.cadre.mcp.McpFuzzInputs.Input;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;

/** The fuzz run over the stdio transport, in the JVM over pipes: one message per line, answers matched by id. */
class McpStdioFuzzTest extends McpFuzzTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private PipedOutputStream toServer;
    private final Answers answers = new Answers();
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private int sentinels;
    private final java.util.concurrent.atomic.AtomicInteger serverRequests = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    CadreMcpServer start(McpServerConfig config) throws Exception {
        toServer = new PipedOutputStream();
        PipedInputStream serverIn = new PipedInputStream(toServer, 1 << 20);
        PipedOutputStream serverOut = new PipedOutputStream();
        PipedInputStream fromServer = new PipedInputStream(serverOut, 1 << 20);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(fromServer, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    JsonNode message;
                    try {
                        message = CadreJson.mapper().readTree(line);
                    } catch (Exception e) {
                        synchronized (failures) {
                            failures.add("stdio: the server wrote a line that is not JSON: " + line);
                        }
                        continue;
                    }
                    if (message.has("method")) {
                        if (message.has("id")) { // roots/list after notifications/roots/list_changed: this client has none
                            serverRequests.incrementAndGet();
                            send(("{\"jsonrpc\":\"2.0\",\"id\":" + message.get("id") + ",\"error\":{\"code\":-32601,"
                                    + "\"message\":\"This client has no roots.\"}}").getBytes(StandardCharsets.UTF_8));
                        }
                        continue; // notifications: progress, logging, resource updates
                    }
                    answers.add(message);
                }
            } catch (Exception closed) {
                // the pipe closes with the test
            }
        }, "stdio-fuzz-reader");
        reader.setDaemon(true);
        reader.start();
        return CadreMcpServer.stdio(config, serverIn, serverOut);
    }

    @AfterEach
    void closePipe() throws Exception {
        toServer.close();
    }

    @Override
    String transport() {
        return "stdio";
    }

    private void send(byte[] bytes) throws Exception {
        synchronized (toServer) {
            toServer.write(bytes);
            toServer.write('\n');
            toServer.flush();
        }
    }

    private JsonNode await(JsonNode id, long deadline) throws InterruptedException {
        String key = id.toString();
        while (System.nanoTime() < deadline) {
            List<JsonNode> got = answers.byId.get(key);
            if (got != null && !got.isEmpty()) {
                return got.get(0);
            }
            Thread.sleep(2);
        }
        return null;
    }

    @Override
    void exchange(List<Input> batch) throws Exception {
        for (Input input : batch) {
            send(input.bytes());
        }
        // what stdio answers without an id it writes before reading the next line: the sentinel's answer comes after
        JsonNode sentinel = call(TextNode.valueOf("sentinel-" + sentinels++), "ping", null);
        if (!sentinel.has("result")) {
            failures.add("stdio: the sentinel ping was not answered: " + sentinel);
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        Map<Integer, Integer> expectedWithoutId = new HashMap<>();
        int maybe = 0;
        for (Input input : batch) {
            boolean owed = input.id() != null && !input.id().isNull() && input.expect() != Expect.NONE && input.expect() != Expect.MAYBE_ERROR;
            if (owed) {
                JsonNode response = await(input.id(), deadline);
                check(input, response);
                List<JsonNode> all = answers.byId.remove(input.id().toString());
                if (all != null && all.size() > 1) {
                    failures.add("stdio: " + all.size() + " answers to " + input.text() + ": " + all);
                }
            } else if (input.expect() == Expect.ERROR) {
                expectedWithoutId.merge(input.code(), 1, Integer::sum);
            } else if (input.expect() == Expect.MAYBE_ERROR) {
                maybe++;
            }
        }
        List<JsonNode> withoutId;
        synchronized (answers.withoutId) {
            withoutId = new ArrayList<>(answers.withoutId);
            answers.withoutId.clear();
        }
        Map<Integer, Integer> got = new HashMap<>();
        for (JsonNode error : withoutId) {
            int code = error.path("error").path("code").asInt();
            got.merge(code, 1, Integer::sum);
            stats.error(code);
        }
        int parse = got.getOrDefault(McpFuzzInputs.PARSE, 0);
        int invalid = got.getOrDefault(McpFuzzInputs.INVALID_REQUEST, 0);
        int invalidOwed = expectedWithoutId.getOrDefault(McpFuzzInputs.INVALID_REQUEST, 0);
        if (parse != expectedWithoutId.getOrDefault(McpFuzzInputs.PARSE, 0) || invalid < invalidOwed || invalid > invalidOwed + maybe
                || got.keySet().stream().anyMatch(c -> c != McpFuzzInputs.PARSE && c != McpFuzzInputs.INVALID_REQUEST)) {
            failures.add("stdio: answers without an id " + got + ", owed " + expectedWithoutId + " and up to " + maybe
                    + " more invalid-request errors; batch starting with " + batch.get(0).text());
        }
        for (String key : answers.byId.keySet()) {
            if (!pending.contains(key) && !key.startsWith("\"alive-") && !key.startsWith("\"sentinel-")) {
                failures.add("stdio: an answer nobody was owed: " + answers.byId.get(key));
            }
        }
    }

    @Override
    JsonNode call(JsonNode id, String method, ObjectNode params) throws Exception {
        send(McpFuzzInputs.bytes(McpFuzzInputs.request(id, method, params)));
        JsonNode response = await(id, System.nanoTime() + WAIT.toNanos());
        answers.byId.remove(id.toString());
        if (response == null) {
            throw new AssertionError("stdio: no answer to " + method + " within " + WAIT + ": the server died");
        }
        return response;
    }

    @Override
    void initialize() throws Exception {
        ObjectNode params = CadreJson.mapper().createObjectNode().put("protocolVersion", "2025-06-18");
        params.putObject("capabilities");
        params.putObject("clientInfo").put("name", "fuzz").put("version", "1");
        JsonNode init = call(TextNode.valueOf("init"), "initialize", params);
        if (!init.path("result").path("serverInfo").path("name").asText().equals("cadre")) {
            throw new AssertionError("initialize failed: " + init);
        }
        send(McpFuzzInputs.bytes(McpFuzzInputs.notification("notifications/initialized", null)));
    }

    @Override
    void sendWithoutWaiting(List<Input> inputs) throws Exception {
        for (Input input : inputs) {
            pending.add(input.id().toString());
            send(input.bytes());
        }
    }

    @Override
    Map<String, JsonNode> awaitAnswers(List<JsonNode> ids) throws Exception {
        Map<String, JsonNode> got = new HashMap<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (JsonNode id : ids) {
            JsonNode response = await(id, deadline);
            List<JsonNode> all = answers.byId.remove(id.toString());
            pending.remove(id.toString());
            if (all != null && all.size() > 1) {
                failures.add("stdio: " + all.size() + " answers to the crew call " + id + ": " + all);
            }
            if (response != null) {
                got.put(id.toString(), response);
            }
        }
        return got;
    }
}
