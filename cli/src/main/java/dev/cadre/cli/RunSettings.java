package dev.cadre.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every command that runs a crew takes (picocli mixin). */
final class RunSettings {

    @Option(names = "--model", paramLabel = "REF|AGENT=REF", description = "The default model, e.g. openai:gpt-4.1-mini (default:"
            + " CADRE_MODEL); with `cadre runs fork`, AGENT=REF also gives one agent another model. Repeatable.")
    List<String> models = new ArrayList<>();

    @picocli.CommandLine.Mixin
    RunsOption runsOption = new RunsOption();

    @Option(names = "--json", description = "Print RunEvents as JSON Lines on stdout.")
    boolean json;

    @Option(names = {"-y", "--yes"}, description = "Approve every checkpoint without asking.")
    boolean yes;

    /** The default model --model gave (the last plain REF), or {@code null} for CADRE_MODEL's. */
    String model() {
        String model = null;
        for (String m : models) {
            if (agentOf(m) < 0) model = m;
        }
        return model;
    }

    /** The default model, refusing AGENT=REF (only a fork swaps one agent's model). */
    String defaultModelOnly(String command) {
        if (!agentModels().isEmpty()) {
            throw new IllegalArgumentException("--model " + String.join(", ", models) + ": AGENT=REF gives one agent another model only"
                    + " with cadre runs fork; " + command + " takes one model reference, e.g. --model openai:gpt-4.1-mini.");
        }
        return model();
    }

    /** The AGENT=REF pairs --model gave, by agent. */
    Map<String, String> agentModels() {
        Map<String, String> byAgent = new LinkedHashMap<>();
        for (String m : models) {
            int eq = agentOf(m);
            if (eq > 0) byAgent.put(m.substring(0, eq), m.substring(eq + 1));
        }
        return byAgent;
    }

    /** Where AGENT ends in AGENT=REF (an '=' before any ':'), else -1. */
    private static int agentOf(String value) {
        int eq = value.indexOf('=');
        int colon = value.indexOf(':');
        return eq > 0 && (colon < 0 || eq < colon) ? eq : -1;
    }

    /** The runs directory: --runs, or the one in Cadre's state directory. */
    Path runs() {
        return runsOption.runs();
    }
}
