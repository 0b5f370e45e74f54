package dev.cadre.cli;

import dev.cadre.api.CadreState;
import dev.cadre.orchestrator.journal.Durability;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.orchestrator.journal.LocalJournalStore;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --runs} option (picocli mixin): where journals are, by default in Cadre's state directory. */
final class RunsOption {

    static final String DESCRIPTION = "Directory of run journals (default: runs in Cadre's state directory,"
            + " ~/.local/state/cadre/runs or $XDG_STATE_HOME/cadre/runs; CADRE_STATE_DIR moves it). Never inside a workspace.";

    @Option(names = "--runs", description = DESCRIPTION)
    Path runs;

    /** The chosen runs directory, or the state directory's. */
    Path runs() {
        return runs != null ? runs : CadreState.runsDirectory();
    }

    /** The journal store of the chosen runs directory, for reading (it creates nothing until a run is appended). */
    LocalJournalStore store() {
        return LocalJournalStore.open(runs(), JournalKey.fromStateDirectory(), Durability.PROCESS);
    }
}
