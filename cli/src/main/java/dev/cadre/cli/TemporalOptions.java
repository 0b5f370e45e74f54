package dev.cadre.cli;

import dev.cadre.temporal.TemporalCadre;
import dev.cadre.temporal.TemporalConnection;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where a Temporal cluster is (picocli mixin of worker, run and runs resume): without {@code --temporal} a run is local.
 * TLS and the namespace by flags or by the variables the {@code temporal} CLI reads; the API key only from
 * {@code TEMPORAL_API_KEY}, so it is in no command line (docs/temporal.md).
 */
final class TemporalOptions {

    @Option(names = "--temporal", paramLabel = "HOST:PORT", description = "Run on this Temporal cluster (its frontend), e.g."
            + " localhost:7233; TEMPORAL_API_KEY, TEMPORAL_TLS_* configure TLS and the API key.")
    String target;

    @Option(names = "--namespace", description = "The Temporal namespace (default: TEMPORAL_NAMESPACE, else default).")
    String namespace;

    @Option(names = "--task-queue", paramLabel = "QUEUE", description = "The task queue of Cadre's workflows and model calls"
            + " (default: " + TemporalCadre.DEFAULT_TASK_QUEUE + ").")
    String taskQueue = TemporalCadre.DEFAULT_TASK_QUEUE;

    @Option(names = "--tls", negatable = true, description = "Speak TLS to the cluster (default: TEMPORAL_TLS; on with a"
            + " certificate, a CA or an API key).")
    Boolean tls;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "Client certificate for mTLS, PEM (default: TEMPORAL_TLS_CERT).")
    Path cert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "Its PKCS#8 key, PEM (default: TEMPORAL_TLS_KEY).")
    Path key;

    @Option(names = "--tls-ca", paramLabel = "FILE", description = "CA certificates to trust instead of the system's, PEM"
            + " (default: TEMPORAL_TLS_CA).")
    Path ca;

    @Option(names = "--workspace-host", paramLabel = "NAME", description = "The host that holds the workspace: the run's tool calls go"
            + " to the task queue QUEUE@NAME, which that host's worker polls (default: any worker of the task queue, which then"
            + " all hold the workspace, e.g. on shared storage).")
    String workspaceHost;

    /** The task queue of tool calls, or {@code null} for the task queue itself. */
    String toolQueue() {
        if (workspaceHost == null) {
            return null;
        }
        if (!workspaceHost.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new IllegalArgumentException("--workspace-host '" + workspaceHost + "' is not a host name: give 1 to 100 letters,"
                    + " digits, '.', '_' or '-'.");
        }
        return taskQueue + "@" + workspaceHost;
    }

    boolean enabled() {
        return target != null;
    }

    TemporalConnection connection(Map<String, String> env) {
        return TemporalConnection.fromEnvironment(target, namespace, tls, cert, key, ca, env);
    }
}
