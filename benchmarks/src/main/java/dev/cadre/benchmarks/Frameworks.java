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
        return switch (name) {
            case "cadre" -> new CadreWorkflows(delay, false, store);
            case "cadre-streaming" -> new CadreWorkflows(delay, true, store);
            case "agentic" -> new AgenticWorkflows(delay);
            case "adk" -> new AdkWorkflows(delay);
            case "handwritten" -> new HandWrittenWorkflows(delay);
            case "handwritten-journaled" -> new HandWrittenWorkflows(delay, new HandJournal());
            default -> throw new IllegalArgumentException("Unknown framework '" + name + "': use one of " + NAMES + ".");
        };
    }
}
