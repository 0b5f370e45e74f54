package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The `cadre` command in a child JVM, in a directory, with only the environment a test gives it (no model keys). */
final class CadreProcess {

    record Outcome(int exit, String stdout, String stderr) {}

    private CadreProcess() {}

    static Outcome run(Path cwd, Map<String, String> env, String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.cadre.cli.Main"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile());
        builder.environment().keySet().removeIf(k -> (k.startsWith("CADRE_") && !k.equals("CADRE_STATE_DIR")) || k.startsWith("OPENAI_")
                || k.startsWith("OLLAMA_") || k.startsWith("ANTHROPIC_"));
        builder.environment().putAll(env);
        File out = Files.createTempFile(cwd, "stdout", ".txt").toFile();
        File err = Files.createTempFile(cwd, "stderr", ".txt").toFile();
        builder.redirectOutput(out).redirectError(err);
        Process p = builder.start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("cadre finished").isTrue();
        Outcome outcome = new Outcome(p.exitValue(), Files.readString(out.toPath()), Files.readString(err.toPath()));
        Files.delete(out.toPath());
        Files.delete(err.toPath());
        return outcome;
    }
}
