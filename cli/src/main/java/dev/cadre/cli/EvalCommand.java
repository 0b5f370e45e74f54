package dev.cadre.cli;

import dev.cadre.api.CrewSource;
import dev.cadre.api.ModelRegistry;
import dev.cadre.eval.Baseline;
import dev.cadre.eval.Baselines;
import dev.cadre.eval.Cassette;
import dev.cadre.eval.EvalCrew;
import dev.cadre.eval.EvalFile;
import dev.cadre.eval.EvalReport;
import dev.cadre.eval.Evaluation;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.orchestrator.redaction.Redactor;
import dev.cadre.personas.PersonaLibrary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cadre eval FILE --crew A --crew B}: runs every case of an eval file on every crew, writes report.md and
 * report.json, prints the Markdown, and with {@code --baseline} exits {@link ExitCodes#REGRESSION} on a significant drop.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Run every case of an eval file on every crew, check the results and report (docs/evaluation.md).")
final class EvalCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", description = "The eval file (.yaml or .json): cases, checks, repeat, budget_per_case.")
    Path file;

    @Option(names = "--crew", paramLabel = "CREW[=NAME]", description = "A crew file or built-in crew to evaluate (repeatable);"
            + " default: the eval file's crews. NAME renames it in the report.")
    List<String> crews = new ArrayList<>();

    @Option(names = "--repeat", description = "Runs of each case on each crew (default: the eval file's repeat, else 1).")
    Integer repeat;

    @Option(names = "--budget-per-case", paramLabel = "LIMITS", description = "The budget of every run, the same for every crew,"
            + " e.g. tokens=20000,cost=0.05,calls=12,time=5m (default: the eval file's budget_per_case).")
    String budget;

    @Option(names = "--parallel", description = "Runs going at once (default 1).")
    int parallel = 1;

    @Option(names = "--out", description = "Where journals, workspaces, results.jsonl and the reports go (default: cadre-eval/<eval name>)."
            + " Run again with the same directory to finish an interrupted eval.")
    Path out;

    @Option(names = "--baseline", paramLabel = "REPORT", description = "A previous report.json: mark regressions, exit 6 on a significant drop.")
    Path baseline;

    @Option(names = "--baselines", description = "Add each crew's baselines at the same budget: a debate's single agent and"
            + " vote of as many answers, a coder/reviewer loop's coder alone, a crew's first agent alone.")
    boolean baselines;

    @Option(names = "--record", paramLabel = "DIR", description = "Keep every run's events in DIR as a cassette (commit it) for --replay.")
    Path record;

    @Option(names = "--replay", paramLabel = "DIR", description = "Answer every model call from the cassette in DIR: offline, no model"
            + " or key; a run whose requests differ from the recording fails saying what changed and where.")
    Path replay;

    @Option(names = "--model", description = "The default model, e.g. openai:gpt-4.1-mini (default: CADRE_MODEL).")
    String model;

    @Option(names = "--personas", description = "A directory of persona files to add to the built-in library.")
    Path personas;

    @Override
    public Integer call() throws IOException {
        Map<String, String> env = System.getenv();
        EvalFile eval = EvalFile.load(file);
        EvalReport previous = baseline == null ? null : EvalReport.read(baseline);
        PersonaLibrary library = personas == null ? PersonaLibrary.builtIn() : PersonaLibrary.builtIn().withDirectory(personas);
        List<EvalCrew> chosen = new ArrayList<>();
        List<String> specs = crews.isEmpty() ? eval.crews() : crews;
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("No crew to evaluate: pass --crew (a crew file or a built-in crew), or list 'crews' in " + file + ".");
        }
        for (String spec : specs) {
            EvalCrew crew = crew(spec, crews.isEmpty(), library);
            chosen.add(crew);
            if (baselines) {
                chosen.addAll(Baselines.of(crew));
            }
        }
        if (record != null && replay != null) {
            throw new IllegalArgumentException("--record and --replay exclude each other: record with a model, then replay without one.");
        }
        Path directory = out != null ? out : Path.of("cadre-eval", eval.name());
        JournalKey key = JournalKey.fromStateDirectory();
        Evaluation.Builder builder = Evaluation.builder(eval).crews(chosen).directory(directory).parallel(parallel)
                .prices(ModelConfig.prices(env)).journalKey(key).redactor(Redactor.fromEnvironment(env))
                .progress(new EvalProgressBar(System.err));
        Cassette cassette = replay == null ? null : Cassette.at(replay);
        if (cassette != null) {
            builder.modelsPerRun(cassette.models());
        } else {
            ModelRegistry models = ModelConfig.registry(env, model);
            if (models.defaultModel().isEmpty()) {
                throw new IllegalArgumentException("No model is configured: " + ModelConfig.HOW + ".");
            }
            builder.models(models);
        }
        if (repeat != null) {
            builder.repeat(repeat);
        }
        if (budget != null) {
            builder.budgetPerCase(EvalFile.budget(budget));
        }
        Evaluation evaluation = builder.build();
        if (cassette != null) {
            cassette.requireComplete(evaluation.runs());
        }
        EvalReport report = evaluation.run();
        if (record != null) {
            Cassette.record(report, directory, key, record);
        }
        Baseline.Comparison comparison = previous == null ? null : Baseline.compare(report, previous);
        String markdown = report.toMarkdown(comparison);
        Files.writeString(directory.resolve("report.md"), markdown);
        Files.writeString(directory.resolve("report.json"), report.toJson());
        Files.writeString(directory.resolve("report.html"), report.toHtml(comparison));
        System.out.print(markdown);
        System.out.println("\nReports: " + directory.resolve("report.md") + ", " + directory.resolve("report.json") + ", "
                + directory.resolve("report.html")
                + (record != null ? "\nCassette: " + record + " (replay it with --replay " + record + ")" : ""));
        if (comparison != null && comparison.significantDrop()) {
            System.err.println("cadre eval: the success rate dropped significantly against " + baseline + " (see 'Against the baseline').");
            return ExitCodes.REGRESSION;
        }
        return ExitCodes.OK;
    }

    /** {@code path-or-builtin[=name]}; crews named by the eval file are relative to it. */
    private EvalCrew crew(String spec, boolean fromEvalFile, PersonaLibrary library) {
        int eq = spec.lastIndexOf('=');
        String where = eq > 0 ? spec.substring(0, eq) : spec;
        String name = eq > 0 ? spec.substring(eq + 1) : null;
        if (fromEvalFile && file.toAbsolutePath().getParent() != null && Files.isRegularFile(file.toAbsolutePath().getParent().resolve(where))) {
            where = file.toAbsolutePath().getParent().resolve(where).toString();
        }
        CrewSource source = Runs.crewSource(where);
        EvalCrew crew = EvalCrew.load(source, library);
        return name == null ? crew : crew.named(name);
    }
}
