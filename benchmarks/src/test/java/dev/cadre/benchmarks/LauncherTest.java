package dev.cadre.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.CadreJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged launcher {@code cli/target/cadre} with its class-data-sharing archive (the cli module packages both
 * before this module's tests run in the reactor): it uses the archive, and without a usable one it still serves MCP
 * over stdio with nothing but JSON-RPC on stdout.
 */
class LauncherTest {

    private static final Path TARGET = Path.of("../cli/target");
    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
            + "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}\n"
            + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"
            + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}\n";

    @TempDir
    Path dir;

    record Result(int exit, String out, String err) {
    }

    Result launch(Path launcher, Map<String, String> env, String input, String... args) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(concat(launcher.toString(), args));
        builder.environment().putAll(env);
        builder.environment().put("CADRE_STATE_DIR", dir.resolve("state").toString());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Path in = Files.writeString(dir.resolve("in.txt"), input);
        Process p = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(in.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the launcher ended").isTrue();
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static List<String> concat(String first, String... rest) {
        List<String> all = new java.util.ArrayList<>(List.of(first));
        all.addAll(List.of(rest));
        return all;
    }

    /** Every stdout line is a JSON-RPC message, and the initialize and ping answers are there. */
    static void onlyJsonRpc(String stdout) throws IOException {
        List<String> lines = stdout.lines().toList();
        assertThat(lines).hasSize(2);
        for (String line : lines) {
            JsonNode message = CadreJson.mapper().readTree(line);
            assertThat(message.path("jsonrpc").asText()).isEqualTo("2.0");
        }
        assertThat(stdout).contains("\"serverInfo\":{\"name\":\"cadre\"");
    }

    @Test
    void theLauncherRunsWithTheArchiveBuiltWithTheJar() throws Exception {
        Path launcher = TARGET.resolve("cadre");
        assumeTrue(Files.isExecutable(launcher), "package the cli first: " + launcher.toAbsolutePath());
        assertThat(TARGET.resolve("cadre.jsa")).as("the archive packaged with the jar").isRegularFile();
        // -Xshare:on makes the JVM fail instead of starting without the archive: so it is this JVM's and this jar's
        Result help = launch(launcher.toAbsolutePath(), Map.of("JAVA_OPTS", "-Xshare:on"), "", "--help");
        assertThat(help.exit()).as(help.err()).isZero();
        assertThat(help.out()).startsWith("Usage: cadre ").contains("mcp", "run", "demo");
        Result mcp = launch(launcher.toAbsolutePath(), Map.of("JAVA_OPTS", "-Xshare:on -Xlog:cds=info:stderr -Xlog:gc=info:stderr"),
                INITIALIZE, "mcp", "--stdio", "--profile", "conformance");
        assertThat(mcp.exit()).as(mcp.err()).isZero();
        onlyJsonRpc(mcp.out());
        assertThat(mcp.err()).contains("cadre.jsa");
        assertThat(mcp.err()).as("the MCP server runs with the launcher's quick options").contains("Using Serial");
    }

    @Test
    void withoutAUsableArchiveItStartsWithoutOneAndStdoutStaysJsonRpc() throws Exception {
        Path launcher = TARGET.resolve("cadre");
        assumeTrue(Files.isExecutable(launcher), "package the cli first: " + launcher.toAbsolutePath());
        // a moved jar (the archive names the jar's path) and a file that is no archive at all
        Path moved = Files.createDirectories(dir.resolve("moved"));
        Files.copy(launcher, moved.resolve("cadre"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(TARGET.resolve("cadre.jar"), moved.resolve("cadre.jar"));
        Files.copy(TARGET.resolve("cadre.jsa"), moved.resolve("cadre.jsa"));
        Path garbage = Files.createDirectories(dir.resolve("garbage"));
        Files.copy(launcher, garbage.resolve("cadre"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(TARGET.resolve("cadre.jar"), garbage.resolve("cadre.jar"));
        Files.write(garbage.resolve("cadre.jsa"), "not an archive".getBytes(StandardCharsets.UTF_8));
        for (Path copy : List.of(moved, garbage)) {
            Result mcp = launch(copy.resolve("cadre"), Map.of(), INITIALIZE, "mcp", "--stdio", "--profile", "conformance");
            assertThat(mcp.exit()).as(copy + ": " + mcp.err()).isZero();
            onlyJsonRpc(mcp.out());
        }
        Result off = launch(garbage.resolve("cadre"), Map.of("CADRE_CDS", "off", "JAVA_OPTS", "-Xlog:cds=info:stderr"), INITIALIZE,
                "mcp", "--stdio", "--profile", "conformance");
        assertThat(off.exit()).as(off.err()).isZero();
        onlyJsonRpc(off.out());
        assertThat(off.err()).doesNotContain("cadre.jsa");
    }
}
