package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.cadre.api.CadreJson;
import dev.cadre.testkit.Reply;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tracing in the `cadre` command, in child JVMs: off by default, OTLP to a collector on loopback, console to stderr. */
class TelemetryTest {

    @TempDir
    Path dir;

    static final String CREW = """
            name: summary
            agents: {s: summarizer}
            tasks:
              - {id: sum, description: "Summarise {task}", agent: s}
            """;

    /** A stand-in for an OpenTelemetry collector: keeps what is POSTed to /v1/traces and /v1/metrics. */
    static final class Collector implements AutoCloseable {
        final HttpServer server;
        final List<String> traces = new CopyOnWriteArrayList<>();
        final List<String> metrics = new CopyOnWriteArrayList<>();

        Collector() throws Exception {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/v1/traces", exchange -> keep(exchange, traces));
            server.createContext("/v1/metrics", exchange -> keep(exchange, metrics));
            server.start();
        }

        private static void keep(com.sun.net.httpserver.HttpExchange exchange, List<String> into) throws java.io.IOException {
            // protobuf: its strings are readable as they are, which is all these assertions need
            into.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.ISO_8859_1));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        }

        String endpoint() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    ProcessBuilder cadre(Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.cadre.cli.Main"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().keySet().removeIf(k -> (k.startsWith("CADRE_") && !k.equals("CADRE_STATE_DIR")) || k.startsWith("OPENAI_") || k.startsWith("OTEL_"));
        builder.environment().putAll(env);
        return builder;
    }

    @Test
    void cadreRunSendsTracesAndMetricsOverOtlpWhenAnEndpointIsSetAndStdoutStaysOutput() throws Exception {
        Path crew = Files.writeString(dir.resolve("summary.yaml"), CREW);
        try (ModelStubServer model = new ModelStubServer(List.of(Reply.text("A short summary.")));
             Collector collector = new Collector()) {
            ProcessBuilder run = cadre(Map.of("OPENAI_BASE_URL", model.openAiUrl(), "OPENAI_API_KEY", "sk-test",
                            "CADRE_MODEL", "openai:gpt-4.1-mini", "OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint()),
                    "run", crew.toString(), "--task", "the notes", "--json", "--yes");
            Path out = dir.resolve("out.txt");
            Path err = dir.resolve("err.txt");
            Process p = run.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(Files.readString(err)).isZero();
            assertThat(Files.readAllLines(out)).isNotEmpty().allSatisfy(l -> assertThat(l).startsWith("{\"type\":"));
            String traces = String.join("", collector.traces);
            assertThat(traces).contains("invoke_workflow summary", "invoke_agent s", "chat gpt-4.1-mini", "cadre.run_id",
                    "gen_ai.usage.input_tokens", "dev.cadre.opentelemetry", "cadre");
            assertThat(String.join("", collector.metrics)).contains("cadre.runs", "gen_ai.client.operation.duration", "cadre.tokens");
        }
    }

    @Test
    void withoutConfigurationNothingIsSentAndABadSettingIsOneClearSentence() throws Exception {
        assertThat(Telemetry.listener(Map.of())).isEmpty();
        assertThat(Telemetry.listener(Map.of("CADRE_OTEL", "off", "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1"))).isEmpty();
        assertThatThrownBy(() -> Telemetry.listener(Map.of("CADRE_OTEL", "jaeger")))
                .hasMessage("CADRE_OTEL is 'jaeger': use otlp (OpenTelemetry's OTLP exporter, configured by the OTEL_* variables),"
                        + " console (to stderr) or off.");
    }

    @Test
    void anOtelSettingTheCliCannotHonourIsOneClearSentence() throws Exception {
        Path err = dir.resolve("err.txt");
        Process p = cadre(Map.of("CADRE_OTEL", "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc", "CADRE_MODEL", "openai:gpt-4.1-mini",
                "OPENAI_API_KEY", "sk-test"), "run", "debate", "--task", "x", "--yes")
                .redirectError(err.toFile()).redirectOutput(dir.resolve("out.txt").toFile()).start();
        p.getOutputStream().close();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(ExitCodes.USAGE);
        assertThat(Files.readString(err)).contains("cadre: OpenTelemetry could not be set up from the OTEL_* variables (")
                .contains("); fix them, or set CADRE_OTEL=off.");
    }

    @Test
    void mcpStdioWithConsoleTracingKeepsStdoutForJsonRpcAndLogsSpansToStderr() throws Exception {
        Path crews = Files.createDirectories(dir.resolve("crews"));
        Files.writeString(crews.resolve("summary.yaml"), CREW);
        try (ModelStubServer model = new ModelStubServer(List.of(Reply.text("A short summary.")))) {
            Path err = dir.resolve("err.txt");
            Process p = cadre(Map.of("OPENAI_BASE_URL", model.openAiUrl(), "OPENAI_API_KEY", "sk-test",
                            "CADRE_MODEL", "openai:gpt-4.1-mini", "CADRE_OTEL", "console", "OTEL_METRIC_EXPORT_INTERVAL", "200"),
                    "mcp", "--stdio", "--crews", crews.toString(), "--runs", dir.resolve("runs").toString())
                    .redirectError(err.toFile()).start();
            List<String> stdout = new ArrayList<>();
            try {
                OutputStream in = p.getOutputStream();
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                send(in, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                        + "\"capabilities\":{},\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}");
                readUntilId(out, 1, stdout);
                send(in, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
                send(in, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"crew_summary\","
                        + "\"arguments\":{\"task\":\"the notes\"}}}");
                JsonNode result = readUntilId(out, 2, stdout);
                assertThat(result.path("result").path("isError").asBoolean()).as(result.toString()).isFalse();
                assertThat(result.toString()).contains("A short summary.");
                // console metrics are logged every export interval (JUL stops logging once the JVM shuts down)
                for (int i = 0; i < 300 && !Files.readString(err).contains("cadre.runs"); i++) {
                    Thread.sleep(100);
                }
                in.close();
                String rest;
                while ((rest = out.readLine()) != null) {
                    stdout.add(rest);
                }
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            } finally {
                p.destroyForcibly();
            }
            assertThat(stdout).allSatisfy(line -> assertThat(CadreJson.mapper().readTree(line).path("jsonrpc").asText()).isEqualTo("2.0"));
            assertThat(Files.readString(err)).contains("invoke_workflow summary").contains("chat gpt-4.1-mini").contains("cadre.runs");
        }
    }

    static void send(OutputStream in, String line) throws java.io.IOException {
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    static JsonNode readUntilId(BufferedReader out, int id, List<String> seen) throws java.io.IOException {
        String line;
        while ((line = out.readLine()) != null) {
            seen.add(line);
            JsonNode message = CadreJson.mapper().readTree(line);
            if (message.path("id").asInt(-1) == id && !message.has("method")) {
                return message;
            }
        }
        throw new AssertionError("stdout closed before the answer to request " + id + "; it held " + seen);
    }
}
