package dev.cadre.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.cadre.api.CadreJson;
import dev.cadre.mcp.McpFuzzInputs.Expect;
import dev.cadre.mcp.McpFuzzInputs.Input;
import dev.cadre.mcp.internal.InboundMessages;
import java.io.IOException;
import java.net.Socket;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
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
 * JSON-RPC error, accepted notifications and responses 202. Two more cases, seeded like the run: bodies that stop
 * half way among normal traffic (which must go on being answered; each slow one gets 408), and a session flood
 * (which must stay at the cap, with 503 beyond it, and leave the fuzzing session working).
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

    /** The server restarted with other HTTP limits, initialized. */
    private void restart(McpHttpLimits limits) throws Exception {
        server.close();
        server = start(config.httpLimits(limits).build());
        session = null;
        initialize();
        alive();
    }

    @Test
    void slowBodiesAmongNormalTrafficAreTimedOutAndNeverStallIt() throws Exception {
        restart(McpHttpLimits.defaults().withBodyTimeout(Duration.ofSeconds(2)));
        Random random = new Random(SEED);
        McpFuzzInputs inputs = new McpFuzzInputs(SEED, List.of());
        inputs.tools(listedTools());
        int slowBodies = 0;
        for (int round = 0; round < 3; round++) {
            List<Socket> slow = new ArrayList<>();
            List<Integer> expected = new ArrayList<>();
            try {
                for (int i = 50 + random.nextInt(150); i > 0; i--) {
                    byte[] message = inputs.next().bytes();
                    boolean huge = random.nextInt(10) == 0;
                    int length = huge ? 65 * 1024 * 1024 : message.length + 1 + random.nextInt(100_000);
                    byte[] prefix = Arrays.copyOf(message, random.nextInt(Math.min(message.length, length - 1) + 1));
                    slow.add(RawHttp.startPost(server.port(), length, prefix, random.nextBoolean() ? session : null));
                    expected.add(huge ? 413 : 408);
                }
                List<Input> batch = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    batch.add(inputs.next());
                }
                exchange(batch); // answered while the slow bodies are still coming
                batch.forEach(stats::count);
                alive();
                for (int i = 0; i < slow.size(); i++) {
                    RawHttp.Answer answer = RawHttp.read(slow.get(i), 30_000);
                    stats.httpStatus.merge(String.valueOf(answer.status()), 1, Integer::sum);
                    if (answer.status() != expected.get(i) || !CadreJson.mapper().readTree(answer.body()).path("error").has("message")) {
                        failures.add("http: slow body " + i + " of round " + round + " answered " + answer.head() + "\n" + answer.body()
                                + "\n  expected " + expected.get(i));
                    }
                }
                slowBodies += slow.size();
            } finally {
                slow.forEach(RawHttp::closeQuietly);
            }
            assertThat(failures).as("seed %d", SEED).isEmpty();
        }
        alive();
        System.out.printf("mcpfuzz http slow bodies seed=%d: %d slow bodies in 3 rounds, statuses %s%n", SEED, slowBodies, stats.httpStatus);
    }

    @Test
    void aSessionFloodStaysAtTheCapAndLeavesTheFuzzingSessionWorking() throws Exception {
        Random random = new Random(SEED);
        int cap = 20 + random.nextInt(30);
        restart(McpHttpLimits.defaults().withMaxSessions(cap));
        String mine = session;
        List<String> flood = new ArrayList<>();
        int refused = 0;
        int tooLarge = 0;
        int attempts = cap + 100 + random.nextInt(200);
        for (int i = 0; i < attempts; i++) {
            ObjectNode params = CadreJson.mapper().createObjectNode().put("protocolVersion", "2025-06-18");
            ObjectNode capabilities = params.putObject("capabilities");
            if (random.nextBoolean()) {
                capabilities.putObject("roots").put("listChanged", random.nextBoolean());
            }
            boolean oversized = random.nextInt(8) == 0;
            if (oversized) {
                capabilities.putObject("experimental").put("x", "x".repeat(InboundMessages.MAX_INITIALIZE_CHARS));
            }
            params.putObject("clientInfo").put("name", "flood-" + "n".repeat(random.nextInt(InboundMessages.MAX_CLIENT_INFO_CHARS - 10)))
                    .put("version", String.valueOf(i));
            session = null;
            HttpResponse<String> init = http.send(request(McpFuzzInputs.bytes(McpFuzzInputs.request(TextNode.valueOf("flood-" + i),
                    "initialize", params))), HttpResponse.BodyHandlers.ofString());
            stats.httpStatus.merge(String.valueOf(init.statusCode()), 1, Integer::sum);
            int want = oversized ? 400 : flood.size() < cap - 1 ? 200 : 503;
            if (init.statusCode() != want || (want != 200 && !CadreJson.mapper().readTree(init.body()).path("error").has("message"))) {
                failures.add("http: flood initialize " + i + " answered " + init.statusCode() + " " + init.body() + ", expected " + want);
            }
            if (init.statusCode() == 200) {
                flood.add(init.headers().firstValue("Mcp-Session-Id").orElseThrow());
            }
            refused += init.statusCode() == 503 ? 1 : 0;
            tooLarge += init.statusCode() == 400 ? 1 : 0;
        }
        session = mine;
        assertThat(failures).as("seed %d", SEED).isEmpty();
        assertThat(server.openSessions()).isEqualTo(cap);
        alive();
        for (String id : flood) {
            HttpResponse<String> deleted = http.send(HttpRequest.newBuilder(server.endpoint()).DELETE().header("Mcp-Session-Id", id).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(deleted.statusCode()).isEqualTo(200);
        }
        assertThat(server.openSessions()).isEqualTo(1);
        alive();
        System.out.printf("mcpfuzz http session flood seed=%d: cap %d, %d initializes, %d refused at the cap, %d too large%n",
                SEED, cap, attempts, refused, tooLarge);
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
