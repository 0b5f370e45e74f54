package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.eval.EvalReport;
import dev.cadre.testkit.Reply;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cadre eval} in a child JVM against an OpenAI-compatible stub server: the report, the files, the gate's exit code. */
class EvalCommandProcessTest {

    @TempDir
    Path dir;

    record Outcome(int exit, String stdout, String stderr) {}

    static final String EVAL = """
            name: times
            cases:
              - id: mul
                task: 'What is 6 * 7? Reply with JSON {"answer": <number>}.'
                checks:
                  - number: 42
                    field: answer
            """;

    static final String CREW = """
            name: solo
            agents:
              solver:
                role: Calculator
                goal: Answer arithmetic questions exactly.
            tasks:
              - id: answer
                description: "{task}"
                agent: solver
            """;

    Outcome cadre(Map<String, String> env, String... args) throws Exception {
        Process p = start(env, args);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("cadre finished").isTrue();
        return new Outcome(p.exitValue(), Files.readString(dir.resolve("stdout.txt"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("stderr.txt"), StandardCharsets.UTF_8));
    }

    Process start(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.cadre.cli.Main"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("CADRE_") || k.startsWith("OPENAI_") || k.startsWith("OLLAMA_")
                || k.startsWith("ANTHROPIC_"));
        builder.environment().put("CADRE_STATE_DIR", dir.resolve("state").toString());
        builder.environment().putAll(env);
        File out = dir.resolve("stdout.txt").toFile();
        File err = dir.resolve("stderr.txt").toFile();
        builder.redirectOutput(out).redirectError(err);
        Process p = builder.start();
        p.getOutputStream().close();
        return p;
    }

    @Test
    void evaluatesACrewOverHttpWritesTheReportsAndGatesOnASignificantDrop() throws Exception {
        Files.writeString(dir.resolve("times.yaml"), EVAL);
        Files.writeString(dir.resolve("solo.yaml"), CREW);
        Outcome good;
        try (ModelStubServer stub = new ModelStubServer(request -> Reply.text("{\"answer\": 42}").withUsage(30, 5))) {
            Map<String, String> env = Map.of("OPENAI_BASE_URL", stub.openAiUrl(), "CADRE_MODEL", "openai:gpt-test",
                    "CADRE_PRICES", "openai:gpt-test=1000/2000");
            good = cadre(env, "eval", "times.yaml", "--crew", "solo.yaml", "--repeat", "10", "--parallel", "2", "--out", "before");
            assertThat(good.exit()).as(good.stderr()).isZero();
            assertThat(stub.requests).hasSize(10);
        }
        assertThat(good.stdout()).contains("| solo | 10/10 | 100% | 72%–100% | 35 | 0.4 |", "| mul | 10/10 |");
        assertThat(good.stderr()).contains("[##############################] 10/10  mul on solo #");
        assertThat(dir.resolve("before/report.md")).hasContent(good.stdout().substring(0, good.stdout().indexOf("\nReports: ")));
        EvalReport before = EvalReport.read(dir.resolve("before/report.json"));
        assertThat(before.crew("solo").totalCost()).isEqualByComparingTo("0.4");

        try (ModelStubServer stub = new ModelStubServer(request -> Reply.text("{\"answer\": 41}"))) {
            Map<String, String> env = Map.of("OPENAI_BASE_URL", stub.openAiUrl(), "CADRE_MODEL", "openai:gpt-test");
            Outcome worse = cadre(env, "eval", "times.yaml", "--crew", "solo.yaml", "--repeat", "2", "--out", "after",
                    "--baseline", "before/report.json");
            assertThat(worse.exit()).as(worse.stderr()).isEqualTo(ExitCodes.REGRESSION);
            assertThat(worse.stdout()).contains("- **REGRESSION** solo: 10/10 → 0/2", "- case mul on solo: passed 10/10, now 0/2");
            assertThat(worse.stderr()).contains("cadre eval: the success rate dropped significantly against before/report.json");
        }
    }

    @Test
    void aRecordedEvalReplaysOfflineAndAChangedCrewDivergesWithItsMessage() throws Exception {
        Files.writeString(dir.resolve("times.yaml"), EVAL);
        Files.writeString(dir.resolve("solo.yaml"), CREW);
        try (ModelStubServer stub = new ModelStubServer(request -> Reply.text("{\"answer\": 42}").withUsage(30, 5))) {
            Outcome recorded = cadre(Map.of("OPENAI_BASE_URL", stub.openAiUrl(), "CADRE_MODEL", "openai:gpt-test"),
                    "eval", "times.yaml", "--crew", "solo.yaml", "--repeat", "2", "--out", "recorded", "--record", "cassette");
            assertThat(recorded.exit()).as(recorded.stderr()).isZero();
            assertThat(recorded.stdout()).contains("Cassette: cassette (replay it with --replay cassette)");
        }
        assertThat(dir.resolve("cassette/mul__solo__r2.jsonl")).isNotEmptyFile();

        Outcome replayed = cadre(Map.of(), "eval", "times.yaml", "--crew", "solo.yaml", "--repeat", "2", "--out", "replayed", "--replay", "cassette");
        assertThat(replayed.exit()).as(replayed.stderr()).isZero();
        assertThat(replayed.stdout()).contains("| solo | 2/2 | 100% | 34%–100% | 35 |");

        Files.writeString(dir.resolve("solo.yaml"), CREW.replace("Answer arithmetic questions exactly.", "Answer arithmetic questions."));
        Outcome diverged = cadre(Map.of(), "eval", "times.yaml", "--crew", "solo.yaml", "--repeat", "2", "--out", "diverged", "--replay", "cassette");
        assertThat(diverged.exit()).as(diverged.stderr()).isZero();
        assertThat(diverged.stdout()).contains("| solo | 0/2 | 0% |", "replay_diverged 2",
                "- mul on solo #1 — replay_diverged: Replay of run 'mul__solo__r1' diverged from the recording at step 'solo/answer',"
                        + " model call 1 of agent 'solver': system message 1 was '", "Your goal: Answer arithmetic questions exactly.' in the"
                        + " recording and is '", "Your goal: Answer arithmetic questions.' now.");

        Outcome more = cadre(Map.of(), "eval", "times.yaml", "--crew", "solo.yaml", "--repeat", "3", "--out", "more", "--replay", "cassette");
        assertThat(more.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(more.stderr()).contains("cadre: The cassette cassette has no recording of case 'mul' on crew 'solo' #3: record it with");
    }

    @Test
    void anEvalKilledMidwayFinishesWhenRunAgainWithoutRunningFinishedRunsAgain() throws Exception {
        Files.writeString(dir.resolve("times.yaml"), EVAL);
        Files.writeString(dir.resolve("solo.yaml"), CREW);
        Path results = dir.resolve("out/results.jsonl");
        long finishedBeforeTheKill;
        try (ModelStubServer slow = new ModelStubServer(request -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Reply.text("{\"answer\": 42}").withUsage(30, 5);
        })) {
            Process eval = start(Map.of("OPENAI_BASE_URL", slow.openAiUrl(), "CADRE_MODEL", "openai:gpt-test"),
                    "eval", "times.yaml", "--crew", "solo.yaml", "--repeat", "8", "--out", "out");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (lines(results) < 3 && eval.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            eval.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no shutdown hook, no flush
            finishedBeforeTheKill = lines(results);
        }
        assertThat(finishedBeforeTheKill).as("runs finished before the kill").isBetween(3L, 7L);

        try (ModelStubServer stub = new ModelStubServer(request -> Reply.text("{\"answer\": 42}").withUsage(30, 5))) {
            Outcome again = cadre(Map.of("OPENAI_BASE_URL", stub.openAiUrl(), "CADRE_MODEL", "openai:gpt-test"),
                    "eval", "times.yaml", "--crew", "solo.yaml", "--repeat", "8", "--out", "out");
            assertThat(again.exit()).as(again.stderr()).isZero();
            assertThat(again.stdout()).contains("| solo | 8/8 | 100% |");
            // the run cut off by the kill resumes from its journal: it asks the model only if its answer was not journaled yet
            assertThat((long) stub.requests.size()).isBetween(8 - finishedBeforeTheKill - 1, 8 - finishedBeforeTheKill);
        }
        assertThat(Files.readAllLines(results).stream().filter(l -> !l.isBlank()).map(l -> l.replaceAll(".*\"runId\":\"([^\"]+)\".*", "$1"))
                .distinct().count()).isEqualTo(8);
    }

    private static long lines(Path file) throws java.io.IOException {
        return Files.exists(file) ? Files.readAllLines(file).stream().filter(l -> l.endsWith("}")).count() : 0;
    }

    @Test
    void badInputIsOneSentenceBeforeAnythingRuns() throws Exception {
        Files.writeString(dir.resolve("times.yaml"), EVAL);
        Outcome noCrew = cadre(Map.of("CADRE_MODEL", "openai:gpt-test"), "eval", "times.yaml");
        assertThat(noCrew.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(noCrew.stderr().strip()).isEqualTo("cadre: No crew to evaluate: pass --crew (a crew file or a built-in crew), or list 'crews' in times.yaml.");

        Outcome badBudget = cadre(Map.of("CADRE_MODEL", "openai:gpt-test"), "eval", "times.yaml", "--crew", "debate", "--budget-per-case", "tokns=5");
        assertThat(badBudget.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(badBudget.stderr()).contains("The budget 'tokns=5' has 'tokns=5': use tokens=N, cost=X, calls=N and time=D");

        Outcome noModel = cadre(Map.of(), "eval", "times.yaml", "--crew", "debate");
        assertThat(noModel.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(noModel.stderr()).startsWith("cadre: No model is configured: set CADRE_MODEL");
        assertThat(dir.resolve("cadre-eval")).doesNotExist();
    }
}
