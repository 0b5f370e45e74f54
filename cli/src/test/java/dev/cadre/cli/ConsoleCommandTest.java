package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.CadreJson;
import dev.cadre.testkit.Reply;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** `cadre console` and the console of `cadre mcp --http`, each in a child JVM, used over HTTP. */
@Timeout(240)
class ConsoleCommandTest {

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    /** Starts cadre with {@code args} and returns it with the first URL its stderr prints after {@code marker}. */
    private record Served(Process process, String url) {}

    private Served serve(Map<String, String> env, String marker, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.cadre.cli.Main"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().keySet().removeIf(k -> (k.startsWith("CADRE_") && !k.equals("CADRE_STATE_DIR")) || k.startsWith("OPENAI_"));
        builder.environment().putAll(env);
        Process process = builder.start();
        BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
        Pattern url = Pattern.compile(Pattern.quote(marker) + ".*?(http://\\S+)");
        StringBuilder seen = new StringBuilder();
        for (String line = err.readLine(); line != null; line = err.readLine()) {
            seen.append(line).append('\n');
            Matcher m = url.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> err.lines().forEach(l -> { }));
                drain.setDaemon(true);
                drain.start();
                return new Served(process, m.group(1));
            }
        }
        process.waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError("cadre printed no URL after '" + marker + "':\n" + seen);
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    @Test
    void theConsoleStartsABuiltInCrewOnTheConfiguredModel() throws Exception {
        Reply yes = Reply.text("{\"answer\":\"yes\",\"reasons\":\"lower latency\"}");
        try (ModelStubServer stub = new ModelStubServer(List.of(yes, yes, yes, Reply.text("Yes: all three agree.")))) {
            Served console = serve(Map.of("OPENAI_BASE_URL", stub.openAiUrl(), "CADRE_MODEL", "openai:gpt-4.1-mini"),
                    "cadre console: open", "console", "--port", "0", "--token", "cli-token");
            try {
                assertThat(console.url()).endsWith("/?token=cli-token");
                String base = console.url().substring(0, console.url().indexOf("/?"));
                HttpRequest.Builder api = HttpRequest.newBuilder(URI.create(base + "/api/runs")).header("Authorization", "Bearer cli-token");
                String crews = http.send(HttpRequest.newBuilder(URI.create(base + "/api/crews")).header("Authorization", "Bearer cli-token").build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                assertThat(crews).contains("\"coder-reviewer\"", "\"debate\"", "\"hierarchical\"", "\"canStart\":true");
                HttpResponse<String> started = http.send(api.copy().header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"crew\": \"debate\", \"task\": \"Should we adopt virtual threads?\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
                String runId = CadreJson.mapper().readTree(started.body()).get("runId").asText();
                String events = http.send(HttpRequest.newBuilder(URI.create(base + "/api/runs/" + runId + "/events"))
                        .header("Authorization", "Bearer cli-token").build(), HttpResponse.BodyHandlers.ofString()).body();
                assertThat(events).contains("\"type\":\"run_finished\"", "Yes: all three agree.").endsWith("event: end\ndata: {}\n\n");
                assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/api/runs")).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode()).isEqualTo(401);
            } finally {
                stop(console.process());
            }
        }
    }

    @Test
    void mcpOverHttpServesTheConsoleUnderSlashConsole() throws Exception {
        Served mcp = serve(Map.of(), "web console:", "mcp", "--http", "0", "--runs", dir.resolve("runs").toString());
        try {
            assertThat(mcp.url()).endsWith("/console/");
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(mcp.url())).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<title>Cadre console</title>");
            HttpResponse<String> crews = http.send(HttpRequest.newBuilder(URI.create(mcp.url() + "api/crews")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(crews.body()).contains("\"canStart\":false");
            HttpResponse<String> evil = http.send(HttpRequest.newBuilder(URI.create(mcp.url() + "api/runs")).header("Origin", "http://evil.example").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(evil.statusCode()).isEqualTo(403);
        } finally {
            stop(mcp.process());
        }
    }
}
