package dev.cadre.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RunHandle;
import dev.cadre.mcp.McpFuzzInputs.Expect;
import dev.cadre.mcp.McpFuzzInputs.Input;
import dev.cadre.personas.CrewLoader;
import dev.cadre.personas.PersonaLibrary;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile input over one transport (the subclasses): requests before initialize, then {@code mcpfuzz.inputs}
 * generated and mutated messages (default 10,000; {@code -Dmcpfuzz.inputs=N -Dmcpfuzz.seed=S} for a longer or
 * different run), huge payloads and cancel storms against crew runs in flight. Every {@value #CHECK_EVERY} inputs a
 * ping and a tools/list must still be answered, and every input must have got what it is owed (see
 * {@link Expect}); at the end heap after GC and live threads stay within a margin of their value after warm-up,
 * and no run or cancellable request is left in flight.
 */
abstract class McpFuzzTest {

    static final int INPUTS = Integer.getInteger("mcpfuzz.inputs", 10_000);
    static final long SEED = Long.getLong("mcpfuzz.seed", 20261123L);
    static final int CHECK_EVERY = 250;
    static final int STORM_CALLS = 12;
    static final long HEAP_MARGIN = 64L * 1024 * 1024;
    static final int THREAD_MARGIN = 32;
    static final Duration MODEL_DELAY = Duration.ofMillis(1500);
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    @TempDir
    Path root;

    @TempDir
    Path runs;

    CadreMcpServer server;
    McpServerConfig.Builder config;
    final Stats stats = new Stats();
    final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());

    /** Figures of one run, for the report. */
    static final class Stats {
        final Map<String, Integer> categories = new TreeMap<>();
        final Map<String, Integer> errorCodes = new TreeMap<>();
        final Map<String, Integer> httpStatus = new TreeMap<>();
        final AtomicLong inputs = new AtomicLong();
        int livenessChecks;
        int cancelled;
        int stormCalls;

        void count(Input input) {
            inputs.incrementAndGet();
            String group = input.category().replaceFirst(":.*", "");
            categories.merge(group, 1, Integer::sum);
        }

        void error(int code) {
            errorCodes.merge(String.valueOf(code), 1, Integer::sum);
        }
    }

    /** Starts the server under test. */
    abstract CadreMcpServer start(McpServerConfig config) throws Exception;

    /** Sends {@code batch} and checks that each input got what it is owed; adds to {@link #failures}. */
    abstract void exchange(List<Input> batch) throws Exception;

    /** A valid request, answered: its response. */
    abstract JsonNode call(JsonNode id, String method, ObjectNode params) throws Exception;

    /** Initializes the session. */
    abstract void initialize() throws Exception;

    /** Sends crew calls without waiting; {@link #awaitAnswers} collects their responses. */
    abstract void sendWithoutWaiting(List<Input> inputs) throws Exception;

    /** The responses to {@code ids}, waiting up to 60 s for each. */
    abstract Map<String, JsonNode> awaitAnswers(List<JsonNode> ids) throws Exception;

    abstract String transport();

    @BeforeEach
    void startServer() throws Exception {
        Files.writeString(root.resolve("notes.txt"), "hello from the workspace\n");
        var crew = CrewLoader.of(PersonaLibrary.builtIn(), List.of()).load("writer.yaml", """
                name: writer
                agents: {writer: {role: Writer}}
                tasks:
                  - {id: draft, description: "Write: {task}", agent: writer}
                """);
        ScriptedModel model = ScriptedModel.builder().when(r -> true, Reply.text("draft").after(MODEL_DELAY)).build();
        config = McpServerConfig.builder().root(root).crew(crew).models(ModelRegistry.of("scripted:m", model))
                .runsDirectory(runs).checkpointTimeout(Duration.ofMinutes(2));
        server = start(config.build());
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void survivesHostileInputAndAnswersWhatItOwes() throws Exception {
        McpFuzzInputs inputs = new McpFuzzInputs(SEED, List.of());
        List<Input> before = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            before.add(inputs.beforeInitialize());
        }
        exchange(before);
        before.forEach(stats::count);
        initialize();
        inputs.tools(listedTools());
        alive();

        long heapWarm = 0;
        int threadsWarm = 0;
        Random random = new Random(SEED);
        int sent = 0;
        int nextStorm = Math.min(500, INPUTS / 3); // the first storm is part of the warm-up: its threads are counted there
        while (sent < INPUTS) {
            List<Input> batch = new ArrayList<>();
            for (int i = 0; i < CHECK_EVERY && sent < INPUTS; i++, sent++) {
                int huge = random.nextInt(1000);
                Input input = huge == 0 ? inputs.huge(5 * 1024 * 1024, true) : huge == 1 ? inputs.huge(3 * 1024 * 1024, false) : inputs.next();
                batch.add(input);
            }
            exchange(batch);
            batch.forEach(stats::count);
            alive();
            assertThat(failures).as("failures so far (seed %d)", SEED).isEmpty();
            if (sent >= nextStorm) {
                cancelStorm(inputs, random);
                nextStorm += Math.max(INPUTS / 3, 1);
            }
            if (heapWarm == 0 && sent >= Math.min(1000, INPUTS)) {
                heapWarm = heapAfterGc();
                threadsWarm = Thread.activeCount();
            }
        }
        awaitQuiet();
        long heapEnd = heapAfterGc();
        int threadsEnd = Thread.activeCount();
        report(heapWarm, heapEnd, threadsWarm, threadsEnd);
        assertThat(failures).as("seed %d", SEED).isEmpty();
        assertThat(heapEnd).as("heap after GC at the end vs after warm-up").isLessThan(heapWarm + HEAP_MARGIN);
        assertThat(threadsEnd).as("live threads at the end vs after warm-up").isLessThan(threadsWarm + THREAD_MARGIN);
        assertThat(server.cancellableRequests()).as("cancellable requests left").isZero();
        assertThat(server.runs().values()).as("runs left in flight").allSatisfy(r -> assertThat(r.status().isFinal()).isTrue());
        assertThat(stats.cancelled).as("crew runs cancelled by the storms").isGreaterThan(0);
    }

    /** A ping and a tools/list must be answered correctly. */
    void alive() throws Exception {
        stats.livenessChecks++;
        JsonNode ping = call(TextNode.valueOf("alive-ping-" + stats.livenessChecks), "ping", null);
        assertThat(ping.path("result").isObject()).as("ping answered after %d inputs: %s", stats.inputs.get(), ping).isTrue();
        JsonNode list = call(TextNode.valueOf("alive-list-" + stats.livenessChecks), "tools/list", null);
        assertThat(list.path("result").path("tools").size()).as("tools/list after %d inputs", stats.inputs.get()).isGreaterThan(10);
    }

    List<McpFuzzInputs.McpSchema> listedTools() throws Exception {
        JsonNode list = call(TextNode.valueOf("list-tools"), "tools/list", null);
        List<McpFuzzInputs.McpSchema> tools = new ArrayList<>();
        for (JsonNode tool : list.path("result").path("tools")) {
            Map<String, String> types = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = tool.path("inputSchema").path("properties").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                if (p.getValue().path("type").isTextual()) {
                    types.put(p.getKey(), p.getValue().path("type").asText());
                }
            }
            List<String> required = new ArrayList<>();
            tool.path("inputSchema").path("required").forEach(r -> required.add(r.asText()));
            tools.add(new McpFuzzInputs.McpSchema(tool.path("name").asText(), types, required));
        }
        assertThat(tools).extracting(McpFuzzInputs.McpSchema::name).contains("workspace_read", "workspace_write", "crew_writer",
                "cadre_run_status", "cadre_checkpoints_list", "cadre_checkpoint_resolve");
        return tools;
    }

    /**
     * Crew calls in flight, then cancellations: for every call (some repeated), for unknown ids and with junk request
     * ids; half the calls of the second wave are left to finish. Every call gets exactly one answer.
     */
    void cancelStorm(McpFuzzInputs inputs, Random random) throws Exception {
        int before = server.runs().size();
        List<Input> calls = new ArrayList<>();
        for (int i = 0; i < STORM_CALLS; i++) {
            JsonNode id = inputs.id();
            ObjectNode params = F.objectNode().put("name", "crew_writer");
            params.putObject("arguments").put("task", "storm " + id);
            params.putObject("_meta").put("progressToken", "p-" + id);
            calls.add(new Input("storm/crew-call", McpFuzzInputs.bytes(McpFuzzInputs.request(id, "tools/call", params)), Expect.ANSWER, id, 0));
        }
        sendWithoutWaiting(calls);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (server.runs().size() < before + STORM_CALLS && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        while (server.cancellableRequests() < STORM_CALLS && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(server.cancellableRequests()).as("crew calls in flight before the storm").isEqualTo(STORM_CALLS);
        List<Input> storm = new ArrayList<>();
        List<JsonNode> cancelledIds = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            boolean cancel = i % 2 == 0 || stats.stormCalls == 0;
            if (cancel) {
                cancelledIds.add(calls.get(i).id());
                for (int r = 0; r < 1 + random.nextInt(3); r++) {
                    storm.add(cancel(calls.get(i).id(), "storm/cancel-in-flight"));
                }
            }
            storm.add(cancel(inputs.id(), "storm/cancel-unknown"));
            storm.add(cancel(random.nextBoolean() ? F.booleanNode(true) : F.objectNode(), "storm/cancel-junk-id"));
        }
        exchange(storm);
        storm.forEach(stats::count);
        Map<String, JsonNode> answers = awaitAnswers(calls.stream().map(Input::id).toList());
        for (Input call : calls) {
            stats.count(call);
            stats.stormCalls++;
            JsonNode answer = answers.get(call.id().toString());
            if (answer == null) {
                failures.add(transport() + ": no answer to the crew call " + call.id());
                continue;
            }
            String status = answer.path("result").path("structuredContent").path("status").asText();
            boolean wasCancelled = cancelledIds.contains(call.id());
            if (wasCancelled && !(status.equals("CANCELLED") && answer.path("result").path("isError").asBoolean())) {
                failures.add(transport() + ": crew call " + call.id() + " cancelled in flight answered " + answer);
            }
            if (!wasCancelled && !status.equals("SUCCEEDED")) {
                failures.add(transport() + ": crew call " + call.id() + " left to finish answered " + answer);
            }
            if (status.equals("CANCELLED")) {
                stats.cancelled++;
            }
        }
        List<Input> late = new ArrayList<>();
        for (JsonNode id : cancelledIds) {
            late.add(cancel(id, "storm/cancel-finished"));
        }
        exchange(late);
        late.forEach(stats::count);
    }

    private static Input cancel(JsonNode requestId, String category) {
        ObjectNode params = F.objectNode().put("reason", "fuzz");
        params.set("requestId", requestId);
        return new Input(category, McpFuzzInputs.bytes(McpFuzzInputs.notification("notifications/cancelled", params)), Expect.NONE, null, 0);
    }

    /** Checks one response against what its input is owed; returns the error code it carried, or null. */
    Integer check(Input input, JsonNode response) {
        String where = transport() + " " + input.category() + ": " + input.text() + "\n  answered: " + response;
        if (input.expect() == Expect.NONE) {
            failures.add(where + "\n  expected no answer");
            return null;
        }
        if (response == null) {
            if (input.expect() != Expect.MAYBE_ERROR) {
                failures.add(where + "\n  expected " + input.expect());
            }
            return null;
        }
        Integer code = response.has("error") ? response.path("error").path("code").asInt() : null;
        if (code != null) {
            stats.error(code);
            if (!response.path("error").path("message").isTextual()) {
                failures.add(where + "\n  an error without a message");
            }
        }
        boolean ok = switch (input.expect()) {
            case RESULT -> response.path("result").isObject();
            case TOOL_OK -> response.path("result").isObject() && !response.path("result").path("isError").asBoolean();
            case TOOL_ERROR -> response.path("result").path("isError").asBoolean()
                    && response.path("result").path("content").path(0).path("text").asText().length() > 0;
            case ERROR -> code != null && code == input.code() && sameId(response.path("id"), input.id());
            case ANSWER -> response.has("result") || code != null;
            case MAYBE_ERROR -> code != null && code == McpFuzzInputs.INVALID_REQUEST && response.path("id").isNull();
            case NONE -> false;
        };
        if (!ok) {
            failures.add(where + "\n  expected " + input.expect() + (input.expect() == Expect.ERROR ? " " + input.code() + " to id " + input.id() : ""));
        }
        return code;
    }

    /** Whether two ids are the same JSON value (an int and a long of the same number are). */
    static boolean sameId(JsonNode a, JsonNode b) {
        return a != null && b != null && a.toString().equals(b.toString());
    }

    /** Waits until no run of this server is in flight. */
    void awaitQuiet() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline && (server.cancellableRequests() > 0
                || server.runs().values().stream().map(RunHandle::status).anyMatch(s -> !s.isFinal()))) {
            Thread.sleep(20);
        }
    }

    static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private void report(long heapWarm, long heapEnd, int threadsWarm, int threadsEnd) throws Exception {
        String text = String.format("mcpfuzz %s seed=%d inputs=%d liveness-checks=%d storm-calls=%d cancelled=%d%n  categories=%s%n"
                        + "  error-codes=%s%n  http-status=%s%n  heap-after-gc warm=%.1f MB end=%.1f MB; threads warm=%d end=%d%n",
                transport(), SEED, stats.inputs.get(), stats.livenessChecks, stats.stormCalls, stats.cancelled, stats.categories,
                stats.errorCodes, stats.httpStatus, heapWarm / 1048576.0, heapEnd / 1048576.0, threadsWarm, threadsEnd);
        System.out.print(text);
        Path target = Path.of("target");
        if (Files.isDirectory(target)) {
            Files.writeString(target.resolve("mcpfuzz-" + transport() + ".txt"), text);
        }
    }

    /** Responses by id (JSON text), for transports that answer out of order. */
    static final class Answers {
        final Map<String, List<JsonNode>> byId = new ConcurrentHashMap<>();
        final List<JsonNode> withoutId = java.util.Collections.synchronizedList(new ArrayList<>());

        void add(JsonNode response) {
            if (response.path("id").isNull()) {
                withoutId.add(response);
            } else {
                byId.computeIfAbsent(response.path("id").toString(), k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(response);
            }
        }
    }
}
