package dev.cadre.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every command that runs a crew takes (picocli mixin). */
final class RunSettings {

    @Option(names = "--model", description = "The default model, e.g. openai:gpt-4.1-mini (default: CADRE_MODEL).")
    String model;

    @Option(names = "--runs", description = "Directory for run journals (default: ${DEFAULT-VALUE}).", defaultValue = ".cadre/runs")
    Path runs;

    @Option(names = "--json", description = "Print RunEvents as JSON Lines on stdout.")
    boolean json;

    @Option(names = {"-y", "--yes"}, description = "Approve every checkpoint without asking.")
    boolean yes;
}
