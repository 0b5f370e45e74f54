package dev.cadre.orchestrator.journal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * The child JVMs that kill tests start and SIGKILL: a class whose {@code main} takes a runs directory, a journal key
 * (hex), a durability and a number of runs, and prints what it committed on its standard output.
 */
public final class WriterProcesses {

    /** What a writer process is told. */
    public record Args(Path runs, JournalKey key, Durability durability, int count) {
        public static Args parse(String[] args) {
            return new Args(Path.of(args[0]), JournalKey.of(HexFormat.of().parseHex(args[1])), Durability.valueOf(args[2]),
                    Integer.parseInt(args[3]));
        }
    }

    private WriterProcesses() {}

    /** 32 random bytes: a journal key for one test. */
    public static byte[] randomKey() {
        byte[] key = new byte[32];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(key);
        return key;
    }

    /**
     * Reads {@code lines} of the writer's {@code <runId> <seq>} lines (keeping in {@code committed} the highest
     * sequence number of each run), then kills it with SIGKILL and waits for it to be gone.
     */
    public static void killAfter(Process child, int lines, java.util.Map<String, Long> committed) throws Exception {
        try (java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream(),
                java.nio.charset.StandardCharsets.UTF_8))) {
            for (int i = 0; i < lines; i++) {
                String line = out.readLine();
                if (line == null) {
                    throw new AssertionError("the writer process ended after " + i + " of " + lines + " lines");
                }
                String[] parts = line.split(" ");
                committed.merge(parts[0], Long.parseLong(parts[1]), Math::max);
            }
            child.destroyForcibly();
            if (!child.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new AssertionError("the writer process did not die within 30 s of SIGKILL");
            }
        }
    }

    /** Starts {@code main} in a JVM of its own on this test's class path (its standard error discarded). */
    public static Process start(Class<?> main, Path runs, byte[] key, Durability durability, int count) throws IOException {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main.getName(),
                runs.toString(), HexFormat.of().formatHex(key), durability.name(), String.valueOf(count))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }
}
