package dev.cadre.api;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A persona with its tools resolved: what the orchestrator actually runs.
 *
 * @param persona who the agent is
 * @param tools   the tools it may call, each named at most once
 */
public record Agent(Persona persona, List<Tool> tools) {

    public Agent {
        Objects.requireNonNull(persona, "persona");
        tools = tools == null ? List.of() : List.copyOf(tools);
        Map<String, Tool> seen = new LinkedHashMap<>();
        for (Tool tool : tools) {
            Tool.requireValidName(tool.name());
            if (seen.putIfAbsent(tool.name(), tool) != null) {
                throw new IllegalArgumentException("Agent '" + persona.id() + "' has two tools named '" + tool.name() + "'.");
            }
        }
    }

    public String id() {
        return persona.id();
    }

    /** An agent without tools. */
    public static Agent of(Persona persona) {
        return new Agent(persona, List.of());
    }

    /**
     * Resolves the persona's tool names and globs against the tools on offer. An exact name that is not on offer,
     * or a glob that matches nothing, is an error that lists what is available.
     */
    public static Agent resolve(Persona persona, Collection<? extends Tool> available) {
        List<Tool> chosen = new ArrayList<>();
        for (String pattern : persona.tools()) {
            List<? extends Tool> matching = available.stream().filter(t -> Persona.matches(pattern, t.name())).toList();
            if (matching.isEmpty()) {
                String names = available.stream().map(Tool::name).sorted().collect(Collectors.joining(", "));
                String what = Persona.isGlob(pattern) ? "tool pattern '" + pattern + "', which matches no tool"
                        : "tool '" + pattern + "', which does not exist";
                throw new IllegalArgumentException("Persona '" + persona.id() + "' names " + what + "; available tools: "
                        + (names.isEmpty() ? "none" : names) + ".");
            }
            for (Tool tool : matching) {
                if (chosen.stream().noneMatch(t -> t.name().equals(tool.name()))) {
                    chosen.add(tool);
                }
            }
        }
        return new Agent(persona, chosen);
    }
}
