package dev.cadre.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cadre.api.CadreJson;
import dev.cadre.api.ModelRef;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RunEvent;
import dev.cadre.eval.internal.CassetteModel;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.orchestrator.journal.JournalReader;
import dev.langchain4j.model.chat.ChatModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Recorded runs of an eval, replayed offline: {@link #record} keeps each run's events (from its journal) as
 * {@code <runId>.jsonl} in a directory you commit; {@link #models()} answers each run's model calls with what the
 * model answered when it was recorded. Tools really run again, in a fresh copy of the case's workspace, so the
 * replay checks the crew, its tools and the checks, deterministically and without a model or a key.
 *
 * <p>When a replayed run asks something the recording does not have (its prompt, its tools or its steps changed),
 * the call fails with a message saying what changed and at which step, and the run counts as
 * {@code replay_diverged}: record again when the change is intended.
 */
public final class Cassette {

    private static final ObjectMapper JSON = CadreJson.mapper();

    private final Path directory;

    private Cassette(Path directory) {
        this.directory = directory;
    }

    /** The cassette in {@code directory} (it must exist). */
    public static Cassette at(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("There is no cassette at " + directory + ": record one with cadre eval --record " + directory + ".");
        }
        return new Cassette(directory);
    }

    /**
     * Records the runs of {@code report} (their journals in {@code evalDirectory}, verified under {@code key}) into
     * {@code cassetteDirectory}. Streamed tokens are left out; everything else is kept.
     */
    public static Cassette record(EvalReport report, Path evalDirectory, JournalKey key, Path cassetteDirectory) {
        try {
            Files.createDirectories(cassetteDirectory);
            for (RunRecord run : report.runs()) {
                List<RunEvent> events = JournalReader.read(evalDirectory.resolve(run.journal()), key).requireVerified(false).events();
                StringBuilder lines = new StringBuilder();
                for (RunEvent event : events) {
                    if (!(event instanceof RunEvent.TokenStreamed)) {
                        lines.append(JSON.writeValueAsString(event)).append('\n');
                    }
                }
                Files.writeString(cassetteDirectory.resolve(run.runId() + ".jsonl"), lines, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the cassette " + cassetteDirectory + ": " + e.getMessage(), e);
        }
        return new Cassette(cassetteDirectory);
    }

    /** The runs of {@code runs} this cassette has no recording of (replaying them would fail at once). */
    public List<RunKey> missing(List<RunKey> runs) {
        return runs.stream().filter(k -> !Files.isRegularFile(file(k))).toList();
    }

    /** Fails, naming the first missing run, unless every run of {@code runs} is recorded. */
    public void requireComplete(List<RunKey> runs) {
        List<RunKey> missing = missing(runs);
        if (!missing.isEmpty()) {
            RunKey first = missing.get(0);
            throw new IllegalArgumentException("The cassette " + directory + " has no recording of case '" + first.caseId() + "' on crew '"
                    + first.crew() + "' #" + first.repeat() + (missing.size() > 1 ? " (and " + (missing.size() - 1) + " more runs)" : "")
                    + ": record it with cadre eval --record " + directory + ", with the same cases, crews and --repeat.");
        }
    }

    /** Each run's model: the recording of that run (for {@link Evaluation.Builder#modelsPerRun}). */
    public Function<RunKey, ModelRegistry> models() {
        return key -> {
            List<RunEvent> events = events(key);
            String model = events.stream().filter(RunEvent.ModelRequested.class::isInstance).map(e -> ((RunEvent.ModelRequested) e).model())
                    .findFirst().orElse("replay:cassette");
            return registry(new CassetteModel(key.runId(), events), ModelRef.parse(model));
        };
    }

    /** The recorded events of one run. */
    public List<RunEvent> events(RunKey key) {
        Path file = file(key);
        try {
            List<RunEvent> events = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    events.add(JSON.readValue(line, RunEvent.class));
                }
            }
            return events;
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read the recording " + file + ": " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    private Path file(RunKey key) {
        return directory.resolve(key.runId() + ".jsonl");
    }

    /**
     * A registry answering every model reference with the recording; personas that name no model get the recorded
     * run's model, so a price table prices the replay as it priced the recording.
     */
    private static ModelRegistry registry(ChatModel model, ModelRef recordedDefault) {
        return new ModelRegistry() {
            @Override
            public ChatModel chatModel(ModelRef ref) {
                return model;
            }

            @Override
            public Optional<ModelRef> defaultModel() {
                return Optional.of(recordedDefault);
            }
        };
    }
}
