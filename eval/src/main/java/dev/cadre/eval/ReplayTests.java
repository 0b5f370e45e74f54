package dev.cadre.eval;

import dev.cadre.orchestrator.journal.JournalKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * Replays a cassette in JUnit 5, one test per recorded run, with no model and no key:
 *
 * <pre>{@code
 * @TestFactory
 * Stream<DynamicTest> arithmeticStillPasses() {
 *     return ReplayTests.of(EvalFile.load(Path.of("evals/arithmetic.yaml")),
 *             List.of(EvalCrew.load(debate, PersonaLibrary.builtIn())), Path.of("src/test/cassettes/arithmetic"));
 * }
 * }</pre>
 *
 * Each test fails when its run did not pass: a check failed, or the crew's requests diverged from the recording (the
 * message says what changed and at which step). The eval runs once, in a temporary directory, when the first test
 * runs. Needs {@code junit-jupiter-api} on the class path (it is an optional dependency of this module).
 */
public final class ReplayTests {

    private ReplayTests() {}

    /** One dynamic test per run of {@code file} on {@code crews}, replayed from {@code cassette}. */
    public static Stream<DynamicTest> of(EvalFile file, List<EvalCrew> crews, Path cassette) {
        Cassette recorded = Cassette.at(cassette);
        Evaluation evaluation = Evaluation.builder(file).crews(crews).modelsPerRun(recorded.models()).directory(temporaryDirectory())
                .journalKey(JournalKey.generate()).build();
        recorded.requireComplete(evaluation.runs());
        Supplier<Map<RunKey, RunRecord>> results = memoised(() -> evaluation.run().runs().stream()
                .collect(Collectors.toMap(RunRecord::key, r -> r)));
        return evaluation.runs().stream().map(key -> DynamicTest.dynamicTest(key.caseId() + " on " + key.crew() + " #" + key.repeat(), () -> {
            RunRecord run = results.get().get(key);
            if (!run.passed()) {
                throw new AssertionError(key.caseId() + " on " + key.crew() + " #" + key.repeat() + " did not pass (" + run.failureKind()
                        + "): " + run.failure());
            }
        }));
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("cadre-replay-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot make a directory to replay in: " + e.getMessage(), e);
        }
    }

    private static <T> Supplier<T> memoised(Supplier<T> supplier) {
        return new Supplier<>() {
            private T value;

            @Override
            public synchronized T get() {
                if (value == null) {
                    value = supplier.get();
                }
                return value;
            }
        };
    }
}
