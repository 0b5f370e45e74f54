package dev.cadre.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cadre.api.CadreJson;
import dev.cadre.api.RunEvent;
import dev.cadre.orchestrator.journal.Durability;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.orchestrator.journal.JournalStore;
import dev.cadre.orchestrator.journal.LocalJournalStore;
import dev.cadre.orchestrator.journal.JournalWriter;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of journaling one event: {@code plain} is the line format before journals were authenticated (the
 * event's JSON and a newline, one write), {@code chained} is {@link JournalWriter#append} (the same plus an
 * HMAC-SHA256 over the previous MAC and the JSON). Same event, same kind of file; journals in {@code bench.runs}
 * (default {@code java.io.tmpdir}). {@code local} is {@link LocalJournalStore}'s append, the default store: encode,
 * tamper evidence (the MAC chain) and append, per event, with the {@code durability} parameter ({@code process}: in the
 * operating system before it returns; {@code fsync}: on disk, so the caller waits for a sync; one thread here, so no
 * other run shares it: the worst case). {@code plain} and {@code chained} ignore it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms512m", "-Xmx512m"})
public class JournalAppendBenchmark {

    /** The local store's durability: {@code process} or {@code fsync}. */
    @Param({"process", "fsync"})
    public String durability;

    private final ObjectMapper mapper = CadreJson.mapper();
    private final RunEvent event = new RunEvent.ToolReturned("20261123-151733-04faa830c1d2e3f4", "review/coder", 7,
            Instant.parse("2026-11-23T15:17:33.512Z"), "coder", 1, "call_coder_1_1", "workspace_read",
            "class Calculator {\n    double average(int... values) { return 0; }\n}\n".repeat(4), false, true);
    private Path dir;
    private FileOutputStream plain;
    private JournalWriter chained;
    private LocalJournalStore store;
    private JournalStore.Appender local;

    @Setup(Level.Iteration)
    public void open() throws IOException {
        dir = Files.createTempDirectory(Path.of(System.getProperty("bench.runs", System.getProperty("java.io.tmpdir"))), "journal-bench-");
        plain = new FileOutputStream(dir.resolve("plain.jsonl").toFile(), true);
        chained = JournalWriter.open(dir, "chained", false, JournalKey.generate());
        store = LocalJournalStore.open(dir.resolve("local"), JournalKey.generate(), Durability.of(durability.equals("fsync")));
        local = store.open("local");
    }

    @TearDown(Level.Iteration)
    public void close() throws IOException {
        plain.close();
        chained.close();
        local.close();
        store.close();
        try (var files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    /** What JournalWriter.append did before lines were authenticated. */
    @Benchmark
    public void plain() throws IOException {
        plain.write((mapper.writeValueAsString(event) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    @Benchmark
    public void chained() {
        chained.append(event);
    }

    /**
     * The local store's append on the caller's thread: encode, MAC, CRC and a copy into a memory-mapped segment (the
     * store's own cost per event, process durability).
     */
    @Benchmark
    public void local() {
        local.append(event);
    }

    public static void main(String[] args) throws Exception {
        org.openjdk.jmh.Main.main(List.of("JournalAppendBenchmark").toArray(String[]::new));
    }
}
