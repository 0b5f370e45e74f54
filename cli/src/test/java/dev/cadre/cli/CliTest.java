package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.RunEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {

    @TempDir
    Path runs;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private PrintStream originalErr;

    @BeforeEach
    void capture() {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theDemoFixesTheBundledProjectWithRealToolsAndSaysItsModelIsScripted() throws Exception {
        assertThat(Main.run("demo", "--runs", runs.toString())).isZero();
        String printed = stdout();
        assertThat(printed).contains("No model is configured, so this demo uses a scripted model whose replies were written in advance.")
                .contains("Checkpoints are approved automatically (not on a terminal).")
                .contains("tool run_command failed: 'java tests/RunTests.java' exited with code 1.")
                .contains("tool run_command returned: 'java tests/RunTests.java' exited with code 0.")
                .contains("Tokens and cost by agent:").contains("Status:  SUCCEEDED");
        String runId = StoredRuns.only(runs);
        List<RunEvent> events = StoredRuns.read(runs, runId).events();
        assertThat(events.get(events.size() - 1)).isInstanceOf(RunEvent.RunFinished.class);
        String project = printed.lines().filter(l -> l.startsWith("Project: ")).findFirst().orElseThrow()
                .substring("Project: ".length()).split("  ")[0];
        assertThat(Files.readString(Path.of(project, "src/Calculator.java"))).contains("(double) sum");

        out.reset();
        assertThat(Main.run("replay", runId, "--runs", runs.toString())).isZero();
        String live = printed.substring(printed.indexOf("   1  run "), printed.indexOf("\nTokens and cost by agent:")).strip();
        String replayed = stdout();
        assertThat(replayed).contains("\nStatus:  succeeded\nOutput:\n");
        assertThat(replayed.substring(0, replayed.indexOf("\nStatus:  ")).strip()).isEqualTo(live);

        // exported as a file, the run replays the same, and the file verifies
        Path exported = Files.createTempDirectory("cadre-export").resolve("exported.jsonl");
        out.reset();
        assertThat(Main.run("runs", "export", runId, "--runs", runs.toString(), "--out", exported.toString())).isZero();
        assertThat(Files.readAllLines(exported)).hasSameSizeAs(events).allSatisfy(l -> assertThat(l).startsWith("{").contains("\"mac\""));
        out.reset();
        assertThat(Main.run("replay", exported.toString())).isZero();
        assertThat(stdout()).isEqualTo(replayed);
        out.reset();
        assertThat(Main.run("runs", "verify", exported.toString())).isZero();
        assertThat(stdout().strip()).isEqualTo("Journal " + exported + " is intact: every line verifies.");
        err.reset();
        assertThat(Main.run("runs", "export", runId, "--runs", runs.toString(), "--out", exported.toString())).isEqualTo(ExitCodes.USAGE);
        assertThat(stderr().strip()).isEqualTo("cadre: --out " + exported + " exists; name a new file.");
    }

    @Test
    void runsPruneRemovesRunsOlderThanTheAgeWithTheirSegmentsAndADryRunOnlySays() throws Exception {
        java.time.Instant longAgo = java.time.Instant.now().minus(java.time.Duration.ofDays(60));
        for (String[] run : new String[][] {{"20260101-000000-old", "old"}, {"29990101-000000-new", "new"}}) {
            java.time.Instant at = run[1].equals("old") ? longAgo : java.time.Instant.now();
            try (var store = dev.cadre.orchestrator.journal.LocalJournalStore.open(runs);
                 var appender = store.open(run[0])) {
                appender.append(new RunEvent.RunStarted(run[0], "", 1, at, "crew", dev.cadre.api.Task.of("t", "A " + run[1] + " run.")));
                appender.append(new RunEvent.RunFinished(run[0], "", 2, at, "done", dev.cadre.api.Usage.ZERO));
            }
        }
        String payload = "0".repeat(64);   // the same content kept by both runs: each run's own file
        for (String id : List.of("20260101-000000-old", "29990101-000000-new")) {
            Files.writeString(Files.createDirectories(runs.resolve("payloads").resolve(id)).resolve(payload), "a large tool result");
        }
        assertThat(Main.run("runs", "prune", "--older-than", "30d", "--dry-run", "--runs", runs.toString())).isZero();
        assertThat(stdout()).isEqualTo("Would remove run 20260101-000000-old\nWould remove 1 run (1 file) from " + runs + ".\n");
        assertThat(StoredRuns.ids(runs)).hasSize(2);
        out.reset();
        assertThat(Main.run("runs", "prune", "--older-than", "P30D", "--runs", runs.toString())).isZero();
        assertThat(stdout()).isEqualTo("Removed run 20260101-000000-old\nRemoved 1 run (1 file) from " + runs
                + ", and 1 payload file of theirs.\n");
        assertThat(runs.resolve("payloads/20260101-000000-old")).doesNotExist();
        assertThat(runs.resolve("payloads/29990101-000000-new").resolve(payload)).hasContent("a large tool result");
        assertThat(StoredRuns.ids(runs)).containsExactly("29990101-000000-new");
        assertThat(StoredRuns.read(runs, "29990101-000000-new").integrity().isIntact()).isTrue();
        err.reset();
        assertThat(Main.run("runs", "prune", "--older-than", "a month", "--runs", runs.toString())).isEqualTo(ExitCodes.USAGE);
        assertThat(stderr().strip()).isEqualTo("cadre: --older-than 'a month' is not an age: use a number and a unit (30d, 12h, 90m, 45s)"
                + " or an ISO-8601 duration (P30D).");
    }

    @Test
    void theDemoCanPrintEventsAsJsonLines() {
        assertThat(Main.run("demo", "--json", "--runs", runs.toString())).isZero();
        List<String> lines = stdout().lines().filter(l -> !l.startsWith("Project: ")).toList();
        assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(l).startsWith("{\"type\":"));
    }

    @Test
    void listsPersonasAndCrewsAndShowsOne() throws Exception {
        assertThat(Main.run("personas", "list")).isZero();
        assertThat(stdout()).contains("coder").contains("Senior software engineer").contains("security-reviewer");
        out.reset();
        assertThat(Main.run("personas", "show", "reviewer")).isZero();
        assertThat(stdout()).startsWith("id: reviewer\nrole: ").contains("APPROVED");
        Path file = Files.writeString(runs.resolve("reviewer.yaml"), stdout());
        assertThat(dev.cadre.personas.PersonaLibrary.empty().withFile(file).persona("reviewer"))
                .as("what personas show prints, the loader reads back").isEqualTo(dev.cadre.personas.PersonaLibrary.builtIn().persona("reviewer"));
        out.reset();
        assertThat(Main.run("crews", "list")).isZero();
        assertThat(stdout()).contains("coder-reviewer").contains("debate").contains("hierarchical");
    }

    @Test
    void eachMistakeIsOneSentenceOnStderrWithExitCodeTwo() throws Exception {
        assertThat(Main.run("run", "no-such-crew", "--task", "x")).isEqualTo(ExitCodes.USAGE);
        assertThat(stderr().strip()).isEqualTo("cadre: There is no crew file or built-in crew 'no-such-crew'; built-in crews:"
                + " coder-reviewer, debate, hierarchical.");
        err.reset();
        Path bad = runs.resolve("bad.yaml");
        Files.writeString(bad, "name: x\nagents:\n  a: {rol: A}\ntasks: []\n");
        assertThat(Main.run("run", bad.toString(), "--task", "x")).isEqualTo(ExitCodes.USAGE);
        assertThat(stderr().strip()).isEqualTo("cadre: " + bad + ":3:7: unknown key 'rol' in a persona — did you mean 'role'?");
        err.reset();
        assertThat(Main.run("replay", runs.resolve("nope.jsonl").toString())).isEqualTo(ExitCodes.USAGE);
        assertThat(stderr().strip()).isEqualTo("cadre: Journal " + runs.resolve("nope.jsonl") + " does not exist.");
        err.reset();
        assertThat(Main.run("personas", "show", "judg")).isEqualTo(ExitCodes.USAGE);
        assertThat(stderr().strip()).isEqualTo("cadre: There is no persona 'judg' — did you mean 'judge'?");
        err.reset();
        assertThat(Main.run("demo", "--bogus")).isEqualTo(ExitCodes.USAGE);
        assertThat(stderr()).contains("Unknown option: '--bogus'");
    }

    @Test
    void aRunsDirectoryInsideTheWorkspaceIsRefusedBeforeAnythingRuns() throws Exception {
        Path workspace = Files.createDirectories(runs.resolve("project"));
        Path inside = workspace.resolve(".cadre/runs");
        for (String[] args : List.of(
                new String[] {"run", "debate", "--task", "x", "--workspace", workspace.toString(), "--runs", inside.toString()},
                new String[] {"runs", "resume", "r-1", "--workspace", workspace.toString(), "--runs", inside.toString()})) {
            err.reset();
            assertThat(Main.run(args)).as(String.join(" ", args)).isEqualTo(ExitCodes.USAGE);
            assertThat(stderr().strip()).as(String.join(" ", args)).isEqualTo("cadre: The runs directory " + inside
                    + " is inside the workspace " + workspace + ", where agents could rewrite journals; choose a runs directory"
                    + " outside it (the default is " + dev.cadre.api.CadreState.runsDirectory() + ").");
        }
        assertThat(inside).doesNotExist();
    }
}
