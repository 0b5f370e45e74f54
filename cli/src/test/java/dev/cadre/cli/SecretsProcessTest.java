package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.CadreJson;
import dev.cadre.orchestrator.redaction.Redactor;
import dev.cadre.testkit.Reply;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fake API key planted in the environment of a real `cadre` child process is read from a file by a tool, echoed by
 * the model, and sent back in a provider's error message (which is logged); it appears nowhere in stdout, stderr
 * (the log), the journal or any JSON-RPC message, and {@code [REDACTED]} appears where it was.
 */
class SecretsProcessTest {

    /** Not shaped like any well-known key: only the environment gives it away. */
    static final String KEY = "planted-openai-key-5b1e77c0d9";
    static final String MCP_TOKEN = "planted-mcp-token-a8f2c91b";

    @TempDir
    Path dir;

    Path workspace() throws Exception {
        Path ws = Files.createDirectories(dir.resolve("ws"));
        Files.writeString(ws.resolve("config.txt"), "api_key=" + KEY + "\ntoken=" + MCP_TOKEN + "\n");
        Path crews = Files.createDirectories(dir.resolve("crews"));
        Files.writeString(crews.resolve("leaky.yaml"), """
                name: leaky
                agents:
                  reader: {role: Reader, tools: [workspace_read]}
                tasks:
                  - {id: read, description: "{task}", agent: reader}
                """);
        return ws;
    }

    static List<Reply> echoingModel() {
        return List.of(Reply.toolCall("workspace_read", "{\"path\":\"config.txt\"}"),
                Reply.text("The configuration says api_key=" + KEY + " and token=" + MCP_TOKEN + "."));
    }

    Map<String, String> env(ModelStubServer stub) {
        Map<String, String> env = new HashMap<>();
        env.put("OPENAI_BASE_URL", stub.openAiUrl());
        env.put("OPENAI_API_KEY", KEY);
        env.put("CADRE_MCP_TOKEN", MCP_TOKEN);
        env.put("CADRE_MODEL", "openai:gpt-4.1-mini");
        env.put("CADRE_LOG_LEVEL", "INFO");
        return env;
    }

    ProcessBuilder cadre(Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.cadre.cli.Main"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().keySet().removeIf(k -> (k.startsWith("CADRE_") && !k.equals("CADRE_STATE_DIR")) || k.startsWith("OPENAI_") || k.startsWith("ANTHROPIC_"));
        builder.environment().putAll(env);
        return builder;
    }

    static void assertClean(String what, String text) {
        assertThat(text).as(what).doesNotContain(KEY).doesNotContain(MCP_TOKEN);
    }

    static int masks(String text) {
        return text.split(java.util.regex.Pattern.quote(Redactor.MASK), -1).length - 1;
    }

    @Test
    void cadreRunMasksThePlantedKeyInEventsJournalAndLogs() throws Exception {
        Path ws = workspace();
        try (ModelStubServer stub = new ModelStubServer(echoingModel()).failureMessage("invalid key " + KEY + ", status ").failFirst(500)) {
            File out = dir.resolve("stdout.txt").toFile();
            File err = dir.resolve("stderr.txt").toFile();
            Process p = cadre(env(stub), "run", dir.resolve("crews/leaky.yaml").toString(), "--task", "Read config.txt",
                    "--workspace", ws.toString(), "--runs", dir.resolve("runs").toString(), "--json")
                    .redirectOutput(out).redirectError(err).start();
            p.getOutputStream().close();
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            String stdout = Files.readString(out.toPath());
            String stderr = Files.readString(err.toPath());
            assertThat(p.exitValue()).as(stdout + stderr).isZero();
            // every byte the default store wrote (its segments), and the run's journal as exported
            String journal = StoredRuns.rawFiles(dir.resolve("runs")) + StoredRuns.text(dir.resolve("runs"), StoredRuns.only(dir.resolve("runs")));

            assertClean("stdout", stdout);
            assertClean("stderr", stderr);
            assertClean("journal", journal);
            assertThat(stderr).as("the logged retry of the failed model call").contains("invalid key [REDACTED], status 500");
            assertThat(masks(stdout)).as("tool result x2, model answer x2, step and run output x2 each").isGreaterThanOrEqualTo(6);
            assertThat(masks(journal)).isGreaterThanOrEqualTo(6);
            assertThat(stub.requests.get(2).path("messages").toString()).as("the tool result sent to the model")
                    .contains("api_key=[REDACTED]").doesNotContain(KEY);
        }
    }

    @Test
    void cadreMcpMasksThePlantedKeyInEveryJsonRpcMessage() throws Exception {
        Path ws = workspace();
        try (ModelStubServer stub = new ModelStubServer(echoingModel())) {
            File err = dir.resolve("mcp-stderr.txt").toFile();
            Process p = cadre(env(stub), "mcp", "--stdio", "--root", ws.toString(), "--crews", dir.resolve("crews").toString(),
                    "--runs", dir.resolve("runs").toString()).redirectError(err).start();
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            List<String> all = new ArrayList<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        lines.add(line);
                    }
                } catch (java.io.IOException e) {
                    lines.add("{\"readerFailed\":\"" + e.getMessage() + "\"}");
                }
            });
            reader.start();
            OutputStream in = p.getOutputStream();
            JsonNode init = call(in, lines, all, 1, "initialize", "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                    + "\"clientInfo\":{\"name\":\"secrets-test\",\"version\":\"1\"}}");
            assertThat(init.path("result").path("serverInfo").path("name").asText()).isEqualTo("cadre");
            send(in, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
            JsonNode read = call(in, lines, all, 2, "tools/call", "{\"name\":\"workspace_read\",\"arguments\":{\"path\":\"config.txt\"}}");
            assertThat(read.path("result").path("content").get(0).path("text").asText()).isEqualTo("api_key=[REDACTED]\ntoken=[REDACTED]\n");
            JsonNode crew = call(in, lines, all, 3, "tools/call", "{\"name\":\"crew_leaky\",\"arguments\":{\"task\":\"Read config.txt\"},"
                    + "\"_meta\":{\"progressToken\":\"p1\"}}");
            JsonNode result = crew.path("result");
            assertThat(result.path("isError").asBoolean()).as(crew.toString()).isFalse();
            assertThat(result.path("content").get(0).path("text").asText())
                    .isEqualTo("The configuration says api_key=[REDACTED] and token=[REDACTED].");
            String runId = result.path("structuredContent").path("runId").asText();
            JsonNode journal = call(in, lines, all, 4, "resources/read", "{\"uri\":\"cadre://runs/" + runId + "\"}");
            assertThat(journal.path("result").path("contents").get(0).path("text").asText()).contains("run_finished");
            in.close();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            reader.join(10_000);
            lines.drainTo(all);

            String messages = String.join("\n", all);
            assertThat(all.stream().filter(l -> l.contains("notifications/progress"))).as("progress notifications").isNotEmpty();
            assertClean("every JSON-RPC message from the server", messages);
            assertClean("the server's stderr", Files.readString(err.toPath()));
            assertClean("the journal on disk", StoredRuns.rawFiles(dir.resolve("runs")));
            assertClean("the exported journal", StoredRuns.text(dir.resolve("runs"), runId));
            assertThat(masks(messages)).as("tool result x2, crew result x2, journal resource").isGreaterThanOrEqualTo(6);
            assertThat(all).allSatisfy(l -> assertThat(CadreJson.mapper().readTree(l).path("jsonrpc").asText()).isEqualTo("2.0"));
        }
    }

    static void send(OutputStream in, String message) throws Exception {
        in.write((message + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** Sends a request and returns its response; every line read on the way is kept in {@code all}. */
    static JsonNode call(OutputStream in, BlockingQueue<String> lines, List<String> all, int id, String method, String params)
            throws Exception {
        send(in, "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}");
        while (true) {
            String line = lines.poll(120, TimeUnit.SECONDS);
            assertThat(line).as("a response to " + method).isNotNull();
            all.add(line);
            JsonNode message = CadreJson.mapper().readTree(line);
            if (message.path("id").asInt(-1) == id && (message.has("result") || message.has("error"))) {
                return message;
            }
        }
    }
}
