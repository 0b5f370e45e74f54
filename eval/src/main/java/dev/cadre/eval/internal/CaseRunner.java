package dev.cadre.eval.internal;

import dev.cadre.api.Budget;
import dev.cadre.api.HumanGate;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.PriceTable;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Task;
import dev.cadre.api.Usage;
import dev.cadre.api.crew.Crew;
import dev.cadre.eval.Check;
import dev.cadre.eval.CheckResult;
import dev.cadre.eval.EvalCase;
import dev.cadre.eval.EvalCrew;
import dev.cadre.eval.RunKey;
import dev.cadre.eval.RunRecord;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.orchestrator.RunOptions;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.orchestrator.journal.Durability;
import dev.cadre.orchestrator.journal.RunFilesJournalStore;
import dev.cadre.orchestrator.redaction.Redactor;
import dev.cadre.personas.CrewFile;
import dev.cadre.tools.Workspace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One run of an eval: a fresh copy of the case's workspace, the crew made for it under the eval's budget, the run
 * (or the resumption of an interrupted one from its journal), then the checks (a judge check as a run of its own, whose
 * usage the record keeps apart from the crew's).
 */
public final class CaseRunner {

    /** What every run of an eval shares. */
    public record Settings(PriceTable prices, JournalKey journalKey, HumanGate gate, Redactor redactor, Checks checks) {}

    /** Words the orchestrator uses in a run's reason when a budget stopped it. */
    private static final String BUDGET = "Budget exceeded";
    /** Words a cassette uses when a replayed run's requests differ from the recording. */
    public static final String DIVERGED = "diverged from the recording";
    /** How a cassette's divergence message begins (the model failure's prefix is cut off before it). */
    public static final String REPLAY = "Replay of run '";

    private final Path runs;
    private final Path workspaces;
    private final Path directory;
    /**
     * An eval's journals are per-run files, {@code runs/<runId>.jsonl}: its reports link to them, a cassette copies
     * them, and a run that starts afresh replaces its own file (not the default store's shared segments; docs/journal.md).
     */
    private final RunFilesJournalStore store;
    private final Settings settings;
    private final Judging judging;

    public CaseRunner(Path directory, Settings settings) {
        this.directory = directory;
        this.runs = directory.resolve("runs");
        this.store = new RunFilesJournalStore(runs, settings.journalKey(), Durability.PROCESS);
        this.workspaces = directory.resolve("workspaces");
        this.settings = settings;
        this.judging = new Judging(directory, runs, this::orchestrator);
    }

    public RunRecord run(RunKey key, EvalCase evalCase, EvalCrew evalCrew, Budget budget, ModelRegistry models) {
        String runId = key.runId();
        Path workspace = workspaces.resolve(runId);
        Path journal = Path.of(store.location(runId));
        boolean resume = store.contains(runId) && Files.isDirectory(workspace);
        if (!resume) {
            delete(journal);
            WorkspaceFiles.copyFresh(evalCase.workspace(), workspace);
        }
        CrewFile file = evalCrew.make().apply(Workspace.at(workspace).withProtectedDirectory(runs));
        Crew crew = budget.isUnlimited() ? file.crew() : file.crew().withPolicy(file.crew().policy().toBuilder().runBudget(budget).build());
        Orchestrator orchestrator = orchestrator(models);
        RunOptions options = RunOptions.DEFAULTS.withRunId(runId).withCrewSource(evalCrew.source());
        RunHandle handle;
        if (resume) {
            handle = orchestrator.resume(runId, crew, options.withRunId(null));
        } else {
            Map<String, String> inputs = new LinkedHashMap<>(file.inputs());
            inputs.putAll(evalCase.inputs());
            handle = orchestrator.run(crew, Task.of("task", evalCase.task()).withInputs(inputs), options);
        }
        RunResult result = handle.result().block();
        List<RunEvent> events = handle.eventList().block();
        long steps = events.stream().filter(e -> e instanceof RunEvent.StepStarted s && s.agent() != null).count();
        String journalPath = directory.relativize(journal).toString().replace('\\', '/');
        List<CheckResult> checks = List.of();
        String kind = null;
        String failure = null;
        Usage[] judged = {Usage.ZERO};
        if (result.status() == RunStatus.SUCCEEDED) {
            int[] judges = {0};
            Function<Check.Judge, CheckResult> judge = check -> {
                Judging.Verdict verdict = judging.judge(check, ++judges[0], runId, evalCase, result.output(), models);
                judged[0] = judged[0].plus(verdict.usage());
                return verdict.result();
            };
            checks = settings.checks().run(evalCase.checks(), new Checks.Outcome(result.output(), result.usage().totalTokens(),
                    result.usage().cost(), steps, result.usage().modelCalls(), workspace, evalCase.workspace(), runId), judge);
            CheckResult first = checks.stream().filter(c -> !c.passed()).findFirst().orElse(null);
            if (first != null) {
                kind = first.kind().equals("judge") && first.detail().contains(DIVERGED) ? "replay_diverged" : first.kind();
                failure = kind.equals("replay_diverged") && first.detail().contains(REPLAY) ? first.detail().substring(first.detail().indexOf(REPLAY))
                        : first.detail();
            }
        } else {
            String reason = result.reason() == null ? result.status().toString() : result.reason();
            kind = result.status() == RunStatus.CANCELLED ? "cancelled" : reason.contains(DIVERGED) ? "replay_diverged"
                    : reason.contains(BUDGET) ? "budget" : "run_failed";
            failure = kind.equals("replay_diverged") && reason.contains(REPLAY) ? reason.substring(reason.indexOf(REPLAY)) : reason;
        }
        return new RunRecord(key.caseId(), key.crew(), key.repeat(), runId, result.status().toString(), kind == null, kind, failure,
                checks, result.usage().inputTokens(), result.usage().outputTokens(), result.usage().cost(), result.usage().modelCalls(),
                steps, result.elapsed() == null ? 0 : result.elapsed().toMillis(), journalPath, judged[0]);
    }

    /** An orchestrator journaling in the eval's {@code runs/}, as every run of the eval (and its judges) needs. */
    private Orchestrator orchestrator(ModelRegistry models) {
        Orchestrator.Builder builder = Orchestrator.builder().models(models).runsDirectory(runs).journalKey(settings.journalKey()).journalStore(store)
                .prices(settings.prices()).gate(settings.gate());
        if (settings.redactor() != null) {
            builder.redactor(settings.redactor());
        }
        return builder.build();
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot remove the journal " + file + " of a run that starts afresh: " + e.getMessage(), e);
        }
    }
}
