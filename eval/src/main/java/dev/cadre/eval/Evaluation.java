package dev.cadre.eval;

import dev.cadre.api.Budget;
import dev.cadre.api.HumanGate;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.PriceTable;
import dev.cadre.eval.internal.CaseRunner;
import dev.cadre.eval.internal.Checks;
import dev.cadre.eval.internal.ResultsLog;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.orchestrator.redaction.Redactor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Runs every case of an eval on every crew, {@code repeat} times, each run in a fresh copy of its case's workspace,
 * under the same budget, journaled in the eval's directory ({@code runs/}); checks each run and reports.
 * Resumable: runs recorded in {@code results.jsonl} are not run again, and a run interrupted midway resumes from
 * its journal (its finished steps are not run again).
 *
 * <pre>{@code
 * EvalReport report = Evaluation.builder(EvalFile.load(Path.of("evals/arithmetic.yaml")))
 *     .crews(List.of(EvalCrew.load(debate, library), EvalCrew.load(vote, library)))
 *     .models(registry)
 *     .directory(Path.of("target/eval"))
 *     .build()
 *     .run();
 * }</pre>
 *
 * Checkpoints are approved by the gate (default: every one approved, since nobody watches an eval); tool calls the
 * crew's policy asks approval for are approved the same way.
 */
public final class Evaluation {

    private final EvalFile file;
    private final List<EvalCrew> crews;
    private final Function<RunKey, ModelRegistry> models;
    private final Path directory;
    private final int repeat;
    private final Budget budget;
    private final int parallel;
    private final CaseRunner.Settings settings;
    private final EvalProgress progress;

    private Evaluation(Builder b) {
        this.file = b.file;
        this.crews = List.copyOf(b.crews);
        this.models = Objects.requireNonNull(b.models, "models: give a ModelRegistry, or one per run");
        this.directory = Objects.requireNonNull(b.directory, "directory: say where journals and results go");
        this.repeat = b.repeat != null ? b.repeat : file.repeat();
        this.budget = b.budget != null ? b.budget : file.budgetPerCase();
        this.parallel = b.parallel;
        this.progress = b.progress;
        this.settings = new CaseRunner.Settings(b.prices, b.journalKey != null ? b.journalKey : JournalKey.fromStateDirectory(),
                b.gate, b.redactor, new Checks(b.environment));
        if (crews.isEmpty()) {
            throw new IllegalArgumentException("Eval '" + file.name() + "' has no crew to run: name at least one (--crew).");
        }
        Set<String> names = new HashSet<>();
        for (EvalCrew crew : crews) {
            if (!names.add(crew.name())) {
                throw new IllegalArgumentException("Eval '" + file.name() + "' is given two crews named '" + crew.name()
                        + "': rename one (e.g. --crew other.yaml=other-name).");
            }
        }
        if (repeat < 1) {
            throw new IllegalArgumentException("repeat is " + repeat + ": it must be at least 1.");
        }
    }

    public static Builder builder(EvalFile file) {
        return new Builder(file);
    }

    /** The runs this eval makes: every case on every crew, {@code repeat} times, in that order. */
    public List<RunKey> runs() {
        List<RunKey> keys = new ArrayList<>();
        for (EvalCase c : file.cases()) {
            for (EvalCrew crew : crews) {
                for (int i = 1; i <= repeat; i++) {
                    keys.add(new RunKey(c.id(), crew.name(), i));
                }
            }
        }
        return keys;
    }

    /** Runs what is not finished yet, and reports on all of it. Blocks until the last run ends. */
    public EvalReport run() {
        ResultsLog log = ResultsLog.open(directory, file.sha256(), file.source());
        Map<RunKey, RunRecord> finished = log.finished();
        List<RunKey> all = runs();
        List<RunRecord> records = new ArrayList<>();
        List<RunKey> todo = new ArrayList<>();
        AtomicInteger done = new AtomicInteger();
        for (RunKey key : all) {
            RunRecord record = finished.get(key);
            if (record != null) {
                records.add(record);
                progress.runFinished(record, done.incrementAndGet(), all.size());
            } else {
                todo.add(key);
            }
        }
        CaseRunner runner = new CaseRunner(directory, settings);
        List<RunRecord> fresh = Flux.fromIterable(todo)
                .flatMap(key -> Mono.fromCallable(() -> {
                    RunRecord record = runner.run(key, file.caseNamed(key.caseId()), crew(key.crew()), budget, models.apply(key));
                    log.append(record);
                    progress.runFinished(record, done.incrementAndGet(), all.size());
                    return record;
                }).subscribeOn(Schedulers.boundedElastic()), parallel)
                .collectList().block();
        records.addAll(fresh);
        return EvalReport.of(file, crews.stream().map(EvalCrew::name).toList(), records);
    }

    private EvalCrew crew(String name) {
        return crews.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    /** Builds an {@link Evaluation}: crews, models and a directory are required. */
    public static final class Builder {
        private final EvalFile file;
        private final List<EvalCrew> crews = new ArrayList<>();
        private Function<RunKey, ModelRegistry> models;
        private Path directory;
        private Integer repeat;
        private Budget budget;
        private int parallel = 1;
        private PriceTable prices = PriceTable.NONE;
        private JournalKey journalKey;
        private HumanGate gate = HumanGate.autoApprove();
        private Redactor redactor;
        private Map<String, String> environment = System.getenv();
        private EvalProgress progress = EvalProgress.NONE;

        private Builder(EvalFile file) {
            this.file = Objects.requireNonNull(file, "file");
        }

        public Builder crew(EvalCrew crew) { crews.add(Objects.requireNonNull(crew)); return this; }
        public Builder crews(List<EvalCrew> more) { more.forEach(this::crew); return this; }
        /** One registry for every run. */
        public Builder models(ModelRegistry registry) { Objects.requireNonNull(registry); this.models = key -> registry; return this; }
        /** A registry per run (e.g. a fresh scripted model, or a cassette's recording of that run). */
        public Builder modelsPerRun(Function<RunKey, ModelRegistry> perRun) { this.models = Objects.requireNonNull(perRun); return this; }
        /** Where journals ({@code runs/}), workspaces ({@code workspaces/}) and {@code results.jsonl} go. */
        public Builder directory(Path dir) { this.directory = Objects.requireNonNull(dir); return this; }
        /** How often each case runs on each crew (default: the eval file's {@code repeat}). */
        public Builder repeat(int times) { this.repeat = times; return this; }
        /** The budget of every run (default: the eval file's {@code budget_per_case}); the same for every crew. */
        public Builder budgetPerCase(Budget perCase) { this.budget = Objects.requireNonNull(perCase); return this; }
        /** How many runs go at once (default 1). */
        public Builder parallel(int runs) {
            if (runs < 1) throw new IllegalArgumentException("parallel is " + runs + ": it must be at least 1.");
            this.parallel = runs;
            return this;
        }
        public Builder prices(PriceTable table) { this.prices = Objects.requireNonNull(table); return this; }
        /** The key of the runs' journals (default: the one in Cadre's state directory). */
        public Builder journalKey(JournalKey key) { this.journalKey = Objects.requireNonNull(key); return this; }
        /** Who decides checkpoints and tool approvals (default: approve every one). */
        public Builder gate(HumanGate humanGate) { this.gate = Objects.requireNonNull(humanGate); return this; }
        public Builder redactor(Redactor masks) { this.redactor = Objects.requireNonNull(masks); return this; }
        /** The environment commands of commands_pass checks see, scrubbed of secrets (default: this process's). */
        public Builder environment(Map<String, String> env) { this.environment = Map.copyOf(env); return this; }
        public Builder progress(EvalProgress listener) { this.progress = Objects.requireNonNull(listener); return this; }

        public Evaluation build() {
            return new Evaluation(this);
        }
    }
}
