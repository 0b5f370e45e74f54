package dev.cadre.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A heartbeat file that a background process appends to every 0.1 s: shows whether that process still lives without
 * knowing its pid (a pid inside a sandbox's PID namespace means nothing outside it).
 */
final class Heartbeat {

    /** A shell loop (for {@code sh -c}) that appends a line to {@code file} every 0.1 s, for at most a minute. */
    static String loop(String file) {
        return "i=0; while [ $i -lt 600 ]; do echo . >> " + file + "; i=$((i+1)); sleep 0.1; done";
    }

    /** Waits (at most 20 s) until {@code file} exists. */
    static void awaitStart(Path file) throws InterruptedException {
        for (int i = 0; i < 200 && !Files.exists(file); i++) {
            Thread.sleep(100);
        }
        assertThat(file).as("the background process started").exists();
    }

    /** Asserts that {@code file} stops growing: unchanged over 1.5 s, found within a bound of 20 s. */
    static void assertStops(Path file) throws InterruptedException, IOException {
        long last = Files.size(file);
        int still = 0;
        for (int i = 0; i < 40 && still < 3; i++) {
            Thread.sleep(500);
            long now = Files.size(file);
            still = now == last ? still + 1 : 0;
            last = now;
        }
        assertThat(still).as("the heartbeat in " + file + " stopped (its process was killed)").isEqualTo(3);
    }

    private Heartbeat() {}
}
