package dev.cadre.benchmarks;

import java.time.Duration;
import java.util.List;

/** The implementations measured side by side, by the name used in JMH's {@code framework} parameter. */
public final class Frameworks {

    public static final List<String> NAMES = List.of("cadre", "cadre-streaming", "agentic", "adk", "handwritten");

    private Frameworks() {}

    public static Workflows create(String name) {
        return create(name, Duration.ZERO);
    }

    public static Workflows create(String name, Duration delay) {
        return switch (name) {
            case "cadre" -> new CadreWorkflows(delay);
            case "cadre-streaming" -> new CadreWorkflows(delay, true);
            case "agentic" -> new AgenticWorkflows(delay);
            case "adk" -> new AdkWorkflows(delay);
            case "handwritten" -> new HandWrittenWorkflows(delay);
            default -> throw new IllegalArgumentException("Unknown framework '" + name + "': use one of " + NAMES + ".");
        };
    }
}
