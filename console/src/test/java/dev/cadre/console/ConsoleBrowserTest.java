package dev.cadre.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console in a real headless Chromium, driven by playwright-core from Node (console/src/test/e2e/console.e2e.mjs):
 * the crew is started from the form, the page shows the run stop at its checkpoint, the test clicks approve and sees
 * the run finish. Skipped, saying what is missing, without node, playwright-core (found through NODE_PATH) or
 * /usr/bin/chromium (or CADRE_CHROMIUM), unless CADRE_E2E=required, as in CI. With -Dcadre.e2e.docs=true the
 * screenshots are copied to docs/images.
 */
@org.junit.jupiter.api.Timeout(400)
class ConsoleBrowserTest {

    @TempDir
    Path dir;

    @Test
    void startsACrewFromTheFormAndApprovesItsCheckpointInABrowser() throws Exception {
        requireTools();
        Path script = Path.of(System.getProperty("cadre.e2e.script", "src/test/e2e/console.e2e.mjs"));
        Path out = Path.of(System.getProperty("cadre.e2e.out", "target/e2e"));
        Files.createDirectories(out);
        for (String shot : List.of("console.png", "console-checkpoint.png", "console-finished.png")) {
            Files.deleteIfExists(out.resolve(shot));
        }
        ConsoleFixture fixture = new ConsoleFixture(dir, "e2e-token");
        try {
            Result result = run(List.of("node", script.toString(), fixture.console.url().toString(), out.toString()), 240);
            assertThat(result.exit()).as("the browser test's output:%n%s", result.output()).isZero();
            assertThat(result.output()).contains("e2e: checkpoint shown", "e2e: run finished", "e2e: ok");
        } finally {
            fixture.console.close();
        }
        for (String shot : List.of("console.png", "console-checkpoint.png", "console-finished.png")) {
            assertThat(out.resolve(shot)).isNotEmptyFile();
            if (Boolean.getBoolean("cadre.e2e.docs")) {
                Path images = Files.createDirectories(Path.of(System.getProperty("cadre.e2e.images", "../docs/images")));
                Files.copy(out.resolve(shot), images.resolve(shot), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static void requireTools() throws InterruptedException {
        List<String> missing = new ArrayList<>();
        Result node = tryRun(List.of("node", "--version"));
        if (node == null || node.exit() != 0) {
            missing.add("node (on the PATH)");
        } else {
            Result playwright = tryRun(List.of("node", "-e", "require.resolve('playwright-core')"));
            if (playwright == null || playwright.exit() != 0) {
                missing.add("playwright-core (npm install playwright-core, then NODE_PATH=<prefix>/node_modules)");
            }
        }
        String chromium = System.getenv().getOrDefault("CADRE_CHROMIUM", "/usr/bin/chromium");
        if (!Files.isExecutable(Path.of(chromium))) {
            missing.add("Chromium at " + chromium + " (apt-get install chromium, or set CADRE_CHROMIUM)");
        }
        if (missing.isEmpty()) {
            return;
        }
        String message = "The browser test needs " + String.join(", ", missing) + ".";
        if ("required".equals(System.getenv("CADRE_E2E"))) {
            fail(message + " CADRE_E2E=required, so this is a failure.");
        }
        Assumptions.abort(message + " Skipped (set CADRE_E2E=required to make this a failure).");
    }

    private record Result(int exit, String output) {}

    private static Result tryRun(List<String> command) throws InterruptedException {
        try {
            return run(command, 60);
        } catch (IOException e) {
            return null;
        }
    }

    private static Result run(List<String> command, int seconds) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> {
            try {
                output.append(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                output.append("(output unreadable: ").append(e.getMessage()).append(')');
            }
        });
        reader.start();
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            reader.join(5000);
            fail("'" + String.join(" ", command) + "' did not finish within " + seconds + " s; output:\n" + output);
        }
        reader.join(5000);
        return new Result(process.exitValue(), output.toString());
    }
}
