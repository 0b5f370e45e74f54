package dev.cadre.benchmarks;

import java.time.Duration;
import java.util.List;

/** The implementations measured side by side, by the name used in JMH's {@code framework} parameter. */
public final class Frameworks {

    public static final List<String> NAMES = List.of("cadre", "cadre-streaming", "agentic", "adk", "handwritten",
            "handwritten-journaled");

    private Frameworks() {}

    public static Workflows create(String name) {
        return create(name, Duration.ZERO);
    }

    public static Workflows create(String name, Duration delay) {
        return create(name, delay, "file");
    }

    /** {@code store} selects Cadre's journal store ({@code file}, {@code memory}, {@code runfiles}); the others ignore it. */
    public static Workflows create(String name, Duration delay, String store) {
        return create(name, delay, store, System.getProperty("bench.durability", "process"));
    }

    /** {@code durability} ({@code process}, {@code fsync}) is the journal's, for Cadre and {@code handwritten-journaled}. */
    public static Workflows create(String name, Duration delay, String store, String durability) {
        return switch (name) {
            case "cadre" -> new CadreWorkflows(delay, false, new BenchStore(store, durability));
            case "cadre-streaming" -> new CadreWorkflows(delay, true, new BenchStore(store, durability));
            case "agentic" -> new AgenticWorkflows(delay);
            case "adk" -> new AdkWorkflows(delay);
            case "handwritten" -> new HandWrittenWorkflows(delay);
            case "handwritten-journaled" -> new HandWrittenWorkflows(delay, new HandJournal(new BenchStore("file", durability)));
            default -> throw new IllegalArgumentException("Unknown framework '" + name + "': use one of " + NAMES + ".");
        };
    }
}
