package dev.cadre.cli;

import dev.cadre.temporal.TemporalCadre;
import dev.cadre.temporal.TemporalConnection;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cadre runs move ID --to-host H --temporal HOST:PORT}: an open Temporal run's tool calls go to the worker of
 * workspace host H from now on (task queue {@code QUEUE@H}), those waiting on its old host's queue asked again there
 * (docs/temporal.md, "Task queues and workspaces").
 */
@Command(name = "move", mixinStandardHelpOptions = true,
        description = "Send an open Temporal run's tool calls to another workspace host (its old host is gone and will not"
                + " return): the calls waiting on the old host are asked again on the new one.")
final class RunsMove implements Callable<Integer> {

    @Parameters(paramLabel = "ID", description = "The run to move (its workflow id).")
    String id;

    @Option(names = "--to-host", required = true, paramLabel = "NAME", description = "The workspace host whose worker"
            + " (`cadre worker --workspace-host NAME`) holds a copy of the run's workspace.")
    String host;

    @picocli.CommandLine.Mixin
    TemporalOptions temporal = new TemporalOptions();

    @Override
    public Integer call() {
        if (!temporal.enabled()) {
            throw new IllegalArgumentException("cadre runs move needs the run's cluster: pass --temporal HOST:PORT.");
        }
        if (temporal.workspaceHost != null) {
            throw new IllegalArgumentException("cadre runs move takes the new host as --to-host, not --workspace-host.");
        }
        if (!host.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new IllegalArgumentException("--to-host '" + host + "' is not a host name: give 1 to 100 letters, digits, '.', '_' or '-'.");
        }
        String to = temporal.taskQueue + "@" + host;
        TemporalConnection connection = temporal.connection(System.getenv());
        try (TemporalConnection.Open open = connection.connect()) {
            String from = TemporalCadre.move(open.client(), id, to);
            System.out.println("Run " + TerminalText.line(id) + ": tool calls go to task queue " + TerminalText.line(to) + " now (were on "
                    + TerminalText.line(from) + "); a call that waited there is asked again on " + TerminalText.line(host) + ".");
        }
        return ExitCodes.OK;
    }
}
