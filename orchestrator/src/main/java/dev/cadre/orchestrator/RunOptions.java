package dev.cadre.orchestrator;

import dev.cadre.api.CrewSource;
import dev.cadre.api.HumanGate;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How to run a crew (or one agent) on a task, or resume one.
 *
 * @param runId            the run's id, or {@code null} to generate one (sortable by start time)
 * @param context          outputs from outside the crew by name, available to tasks that name them as context
 * @param streaming        stream model answers token by token (as {@code TokenStreamed} events) when the model can
 * @param maxOutputRetries how often an empty answer, one cut off at the output limit, or one failing the output
 *                         schema, is asked again before the step fails (default 2)
 * @param gate             who decides this run's checkpoints, or {@code null} for the orchestrator's gate
 * @param crewSource       the definition the crew was loaded from: kept in the journal's {@code run_started} so a
 *                         resume can use it; on resume, a source whose digest differs from the recorded one is refused
 *                         unless {@code crewChanged}; {@code null} when the crew was built in code
 * @param trustUnverifiedJournal resume a journal that has no MAC chain (written before journals were authenticated, or
 *                         with its codes removed); off by default, since nothing proves Cadre wrote it
 * @param crewChanged      resume with a crew whose source differs from the one the run started with
 * @param workspace        the directory the crew's tools work in (absolute), kept in the journal's {@code run_started}
 *                         so a resume works there too; {@code null} when the caller does not say
 */
public record RunOptions(String runId, Map<String, String> context, boolean streaming, int maxOutputRetries, HumanGate gate,
                         CrewSource crewSource, boolean trustUnverifiedJournal, boolean crewChanged, String workspace) {

    public static final RunOptions DEFAULTS = new RunOptions(null, Map.of(), false, 2, null);

    /**
     * What a run id is: 1-128 letters, digits, {@code _}, {@code .} and {@code -}, starting with a letter or digit. The
     * console, the MCP server and the Temporal bridge accept only such ids from a request (it names a journal and a
     * workflow), so nothing else reaches a store.
     */
    public static final java.util.regex.Pattern RUN_ID = java.util.regex.Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}");

    /** Whether {@code id} is a run id ({@link #RUN_ID}). */
    public static boolean isRunId(String id) {
        return id != null && RUN_ID.matcher(id).matches();
    }

    public RunOptions {
        context = context == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(context));
        if (maxOutputRetries < 0) {
            throw new IllegalArgumentException("maxOutputRetries is " + maxOutputRetries + ": it must be 0 or more.");
        }
        if (runId != null && !isRunId(runId)) {
            throw new IllegalArgumentException("Run id '" + runId + "' is invalid: use letters, digits, '_', '.' and '-'.");
        }
    }

    public RunOptions(String runId, Map<String, String> context, boolean streaming, int maxOutputRetries, HumanGate gate) {
        this(runId, context, streaming, maxOutputRetries, gate, null, false, false, null);
    }

    public RunOptions withRunId(String id) {
        return new RunOptions(id, context, streaming, maxOutputRetries, gate, crewSource, trustUnverifiedJournal, crewChanged, workspace);
    }
    public RunOptions withContext(String name, String output) {
        Map<String, String> more = new LinkedHashMap<>(context);
        more.put(name, output);
        return new RunOptions(runId, more, streaming, maxOutputRetries, gate, crewSource, trustUnverifiedJournal, crewChanged, workspace);
    }
    public RunOptions withStreaming(boolean on) {
        return new RunOptions(runId, context, on, maxOutputRetries, gate, crewSource, trustUnverifiedJournal, crewChanged, workspace);
    }
    public RunOptions withMaxOutputRetries(int retries) {
        return new RunOptions(runId, context, streaming, retries, gate, crewSource, trustUnverifiedJournal, crewChanged, workspace);
    }
    public RunOptions withGate(HumanGate humanGate) {
        return new RunOptions(runId, context, streaming, maxOutputRetries, humanGate, crewSource, trustUnverifiedJournal, crewChanged, workspace);
    }
    public RunOptions withCrewSource(CrewSource source) {
        return new RunOptions(runId, context, streaming, maxOutputRetries, gate, source, trustUnverifiedJournal, crewChanged, workspace);
    }
    public RunOptions withTrustUnverifiedJournal(boolean trust) {
        return new RunOptions(runId, context, streaming, maxOutputRetries, gate, crewSource, trust, crewChanged, workspace);
    }
    public RunOptions withCrewChanged(boolean changed) {
        return new RunOptions(runId, context, streaming, maxOutputRetries, gate, crewSource, trustUnverifiedJournal, changed, workspace);
    }
    /** Records the workspace in the journal, so the run resumes there. */
    public RunOptions withWorkspace(java.nio.file.Path directory) {
        return new RunOptions(runId, context, streaming, maxOutputRetries, gate, crewSource, trustUnverifiedJournal, crewChanged,
                directory == null ? null : directory.toAbsolutePath().normalize().toString());
    }
}
