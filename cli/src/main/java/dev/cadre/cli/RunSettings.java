package dev.cadre.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every command that runs a crew takes (picocli mixin). */
final class RunSettings {

    @Option(names = "--model", description = "The default model, e.g. openai:gpt-4.1-mini (default: CADRE_MODEL).")
    String model;

    @picocli.CommandLine.Mixin
    RunsOption runsOption = new RunsOption();

    @Option(names = "--json", description = "Print RunEvents as JSON Lines on stdout.")
    boolean json;

    @Option(names = {"-y", "--yes"}, description = "Approve every checkpoint without asking.")
    boolean yes;

    /** The runs directory: --runs, or the one in Cadre's state directory. */
    Path runs() {
        return runsOption.runs();
    }
}
