package dev.cadre.cli;

import dev.cadre.api.CadreState;
import dev.cadre.orchestrator.journal.Durability;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.orchestrator.journal.JournalStore;
import dev.cadre.orchestrator.journal.LocalJournalStore;
import dev.cadre.temporal.RunPayloads;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where journals are (picocli mixin, taken by every command that reads or writes them): {@code --runs}, by default in
 * Cadre's state directory, and {@code --journal}, a shared store instead ({@link JournalOption}).
 */
final class RunsOption {

    static final String DESCRIPTION = "Directory of run journals (default: runs in Cadre's state directory,"
            + " ~/.local/state/cadre/runs or $XDG_STATE_HOME/cadre/runs; CADRE_STATE_DIR moves it). Never inside a workspace.";

    @Option(names = "--runs", description = DESCRIPTION)
    Path runs;

    @Mixin
    JournalOption journal = new JournalOption();

    /** The chosen runs directory, or the state directory's. */
    Path runs() {
        return runs != null ? runs : CadreState.runsDirectory();
    }

    /** Whether journals go to (and come from) a shared store: {@code --journal}, else {@code CADRE_JOURNAL_URL}. */
    boolean shared() {
        return journal.url(System.getenv()) != null;
    }

    /**
     * The journal store chosen: the shared one {@code --journal} (else {@code CADRE_JOURNAL_URL}) names, else the runs
     * directory's (which creates nothing until a run is appended). The caller closes it. A run the shared store's
     * retention removes takes its payload files in the runs directory with it.
     */
    JournalStore store() {
        Map<String, String> env = System.getenv();
        if (journal.url(env) == null) {
            return localStore();
        }
        RunPayloads payloads = RunPayloads.in(runs());
        return journal.open(env, payloads::remove);
    }

    /** The journal store of the runs directory, whatever {@code --journal} says. */
    LocalJournalStore localStore() {
        return LocalJournalStore.open(runs(), JournalKey.fromStateDirectory(), Durability.PROCESS);
    }

    /** The key journals are checked with: the shared store's ({@code CADRE_JOURNAL_KEY}) when one is chosen, else this machine's. */
    JournalKey key() {
        Map<String, String> env = System.getenv();
        return journal.url(env) != null ? journal.key(env) : JournalKey.fromStateDirectory();
    }

    /** The shared store's URL without its parameters, for messages (when {@link #shared}). */
    String describe() {
        return JournalOption.withoutQuery(journal.url(System.getenv()));
    }

    /** {@code --runs DIR} and {@code --journal URL} as given, to repeat in a suggested command ("" when neither was). */
    String repeat() {
        return (runs == null ? "" : " --runs " + TerminalText.line(runs.toString()))
                + (journal.journal == null ? "" : " --journal " + TerminalText.line(JournalOption.withoutQuery(journal.journal)));
    }
}
