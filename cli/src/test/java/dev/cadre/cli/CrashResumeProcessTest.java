package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.RunEvent;
import dev.cadre.orchestrator.journal.LocalJournalStore;
import dev.cadre.orchestrator.journal.StoredJournal;
import dev.cadre.cli.demo.DemoProject;
import dev.cadre.cli.demo.DemoScript;
import dev.cadre.testkit.Reply;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Crash and resume with real processes: each sample crew runs as {@code cadre run} in a child JVM against a model stub
 * that answers by request content, is killed with SIGKILL (with its child processes) at a seeded random point, and is
 * resumed with {@code cadre runs resume} in another JVM. The workspace, the run's result and the journal must equal
 * those of an uninterrupted run, with every write applied once (the scripted edits are not idempotent: applied twice,
 * they leave a second copy of their text).
 *
 * <p>{@code -Dcrash.trials=N} trials per crew (default 5, the soak runs 50); {@code -Dcrash.seed=S} (default 20261123);
 * {@code -Dcrash.crews=debate,hierarchical} to run only some crews.
 */
class CrashResumeProcessTest {

    static final int TRIALS = Integer.getInteger("crash.trials", 5);
    static final long SEED = Long.getLong("crash.seed", 20261123L);
    static final long WAIT_SECONDS = 180;

    @TempDir
    Path dir;

    // ---- the scripted model: replies by agent (its system message) and turn (tool results so far) ----

    static final String MIN_METHOD = """
                /** The smallest of the values. */
                public static int min(int... values) {
                    int min = Integer.MAX_VALUE;
                    for (int v : values) {
                        min = Math.min(min, v);
                    }
                    return min;
                }

            """;
    static final String MEAN_DOC = "    /** The arithmetic mean of the values; 0 for none. */";
    static final String MIN_TEST = """
                public void testMin() {
                    check(Calculator.min(3, 9, 4) == 3, "min(3, 9, 4) should be 3 but was " + Calculator.min(3, 9, 4));
                }

            """;
    static final String README_LINE = "One test fails: `average` rounds down.";
    static final String README_MIN = "\n\n`Calculator.min(int...)` returns the smallest of its values.";

    record Sample(String crew, String task, Map<String, List<Reply>> byRole, Map<String, List<Reply>> secondRound) {

        /** The reply for a request, from its system message ("You are ROLE.") and the tool results it holds. */
        Reply answer(JsonNode request) {
            JsonNode messages = request.path("messages");
            String system = messages.path(0).path("content").asText();
            int turn = 0;
            boolean later = false;
            for (JsonNode m : messages) {
                turn += m.path("role").asText().equals("tool") ? 1 : 0;
                later |= m.path("role").asText().equals("user") && m.path("content").asText().contains("## Context: Your previous answer");
            }
            for (Map.Entry<String, List<Reply>> e : (later ? secondRound : byRole).entrySet()) {
                if (system.startsWith("You are " + e.getKey() + ".")) {
                    return turn < e.getValue().size() ? e.getValue().get(turn) : null;
                }
            }
            return null;
        }
    }

    static String json(String... kv) {
        var node = dev.cadre.api.CadreJson.mapper().createObjectNode();
        for (int i = 0; i < kv.length; i += 2) {
            node.put(kv[i], kv[i + 1]);
        }
        return node.toString();
    }

    static Sample sample(String crew) {
        String tests = json("command", DemoProject.TEST_COMMAND);
        switch (crew) {
            case "coder-reviewer":
                return new Sample(crew, DemoScript.TASK, Map.of("Senior software engineer", DemoScript.coder(),
                        "Code reviewer", DemoScript.reviewer(), "Technical writer", DemoScript.writer()), Map.of());
            case "debate":
                Reply yes = Reply.text("{\"answer\":\"yes\",\"reasons\":\"blocking code stays simple\"}").withUsage(120, 14);
                return new Sample(crew, "Should we adopt virtual threads?", Map.of(
                        "Debater arguing for the proposal", List.of(yes),
                        "Debater arguing against the proposal", List.of(Reply.text("{\"answer\":\"no\",\"reasons\":\"pinning\"}").withUsage(118, 11)),
                        "Debater weighing costs and benefits without a side", List.of(yes),
                        "Impartial judge", List.of(Reply.text("Yes: the critic's pinning concern is answered by JDK 24.").withUsage(300, 16))),
                        Map.of("Debater arguing for the proposal", List.of(yes),
                                "Debater arguing against the proposal", List.of(Reply.text("{\"answer\":\"yes\",\"reasons\":\"pinning is fixed\"}")
                                        .withUsage(210, 12)),
                                "Debater weighing costs and benefits without a side", List.of(yes)));
            case "hierarchical":
                return new Sample(crew, "Add Calculator.min, test it and document it.", Map.of(
                        "Engineering manager", List.of(
                                Reply.toolCall("delegate", json("worker", "coder", "subtask", "Add Calculator.min(int...)")).withUsage(400, 20),
                                Reply.toolCall("delegate", json("worker", "tester", "subtask", "Test Calculator.min")).withUsage(450, 20),
                                Reply.toolCall("delegate", json("worker", "writer", "subtask", "Document Calculator.min in README.md"))
                                        .withUsage(500, 20),
                                Reply.toolCall("finish", json("answer", "min is added, tested and documented.")).withUsage(550, 15)),
                        "Senior software engineer", List.of(
                                Reply.toolCall("workspace_edit", json("path", "src/Calculator.java", "old_text", MEAN_DOC,
                                        "new_text", MIN_METHOD + MEAN_DOC)).withUsage(300, 60),
                                Reply.text("Added Calculator.min(int...).").withUsage(380, 9)),
                        "Test engineer", List.of(
                                Reply.toolCall("workspace_edit", json("path", "tests/CalculatorTest.java",
                                        "old_text", "    public void testAdd() {", "new_text", MIN_TEST + "    public void testAdd() {")).withUsage(310, 50),
                                Reply.toolCall("run_command", tests).withUsage(330, 12),
                                Reply.text("testMin passes; testAverageKeepsFractions fails as before.").withUsage(600, 14)),
                        "Technical writer", List.of(
                                Reply.toolCall("workspace_edit", json("path", "README.md", "old_text", README_LINE,
                                        "new_text", README_LINE + README_MIN)).withUsage(200, 30),
                                Reply.text("Documented min in README.md.").withUsage(240, 8))), Map.of());
            default:
                throw new IllegalArgumentException(crew);
        }
    }

    // ---- child processes ----

    record Started(Process process, Path stdout, Path stderr) {}

    Started cadre(Path trial, ModelStubServer stub, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", System.getProperty("java.class.path"), "dev.cadre.cli.Main"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(trial.toFile());
        builder.environment().keySet().removeIf(k -> (k.startsWith("CADRE_") && !k.equals("CADRE_STATE_DIR")) || k.startsWith("OPENAI_") || k.startsWith("OLLAMA_")
                || k.startsWith("ANTHROPIC_") || k.startsWith("JAVA_TOOL_OPTIONS") || k.startsWith("JDK_JAVA_OPTIONS"));
        // JDK_JAVA_OPTIONS also reaches the JVMs run_command starts (the tests): they start faster too
        builder.environment().putAll(Map.of("OPENAI_BASE_URL", stub.openAiUrl(), "OPENAI_API_KEY", "sk-test",
                "CADRE_MODEL", "openai:gpt-4.1-mini", "JDK_JAVA_OPTIONS", "-XX:TieredStopAtLevel=1 -Xshare:auto"));
        String name = args[0] + "-" + System.nanoTime();
        File out = trial.resolve(name + ".out").toFile();
        File err = trial.resolve(name + ".err").toFile();
        builder.redirectOutput(out).redirectError(err).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        return new Started(builder.start(), out.toPath(), err.toPath());
    }

    Started run(Path trial, ModelStubServer stub, Sample sample) throws IOException {
        return cadre(trial, stub, "run", sample.crew(), "--task", sample.task(), "--workspace", trial.resolve("calculator").toString(),
                "--runs", trial.resolve("runs").toString(), "--yes");
    }

    Started resume(Path trial, ModelStubServer stub, String runId) throws IOException {
        return cadre(trial, stub, "runs", "resume", runId, "--workspace", trial.resolve("calculator").toString(),
                "--runs", trial.resolve("runs").toString(), "--yes");
    }

    static int waitFor(Started started) throws Exception {
        if (!started.process().waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
            killTree(started.process());
            throw new AssertionError("cadre did not finish in " + WAIT_SECONDS + " s: " + Files.readString(started.stderr()));
        }
        return started.process().exitValue();
    }

    /** SIGKILL to the process and to every descendant it had (a run_command child, git): how many descendants. */
    static int killTree(Process process) throws Exception {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        process.waitFor(30, TimeUnit.SECONDS);
        int killed = 0;
        for (ProcessHandle d : descendants) {
            d.onExit().get(30, TimeUnit.SECONDS);
            killed++;
        }
        return killed;
    }

    // ---- what a run left ----

    record Outcome(Map<String, String> files, List<String> events, String output, String usage, int lines) {}

    /** The trial's run as the default store holds it (the killed process's segment, then the resuming one's), if any. */
    static Optional<StoredJournal> journal(Path trial) {
        Path runs = trial.resolve("runs");
        if (!Files.isDirectory(runs)) {
            return Optional.empty();
        }
        try (LocalJournalStore store = LocalJournalStore.open(runs)) {
            return store.runIds().stream().sorted().findFirst().map(store::read);
        }
    }

    /** How many events the trial's run has journaled so far. */
    static int lines(Path trial) {
        return journal(trial).map(j -> j.events().size()).orElse(0);
    }

    /**
     * Writes part of a record (a length and a CRC, then a prefix of its body, the CRC not matching) after the last whole
     * record of the trial's newest segment, where the next record would have gone.
     */
    static void tear(Path trial, Random random) throws IOException {
        int length = 200 + random.nextInt(200);
        java.nio.ByteBuffer torn = java.nio.ByteBuffer.allocate(8 + length / 2);
        torn.putInt(length).putInt(random.nextInt()).put(new byte[length / 2 - 1]).put((byte) '{').flip();
        StoredRuns.writeAfterLastRecord(trial.resolve("runs"), torn);
    }

    static Map<String, String> files(Path workspace) throws IOException {
        try (Stream<Path> all = Files.walk(workspace)) {
            Map<String, String> files = new TreeMap<>();
            for (Path f : all.filter(Files::isRegularFile).toList()) {
                String rel = workspace.relativize(f).toString().replace('\\', '/');
                if (!rel.startsWith(".git/")) {
                    files.put(rel, Files.readString(f));
                }
            }
            return files;
        }
    }

    /**
     * What must be the same in a resumed run as in an uninterrupted one, one entry per event, sorted (debaters answer
     * in parallel): ids, sequence numbers and times left out; a write tool's result text too (a recovered write says
     * it was "already as requested"), but not whether it failed.
     */
    static List<String> identities(List<RunEvent> events) {
        List<String> ids = new ArrayList<>();
        for (RunEvent e : events) {
            String id;
            if (e instanceof RunEvent.RunStarted s) {
                id = "run_started " + s.crew() + " " + s.task().renderedDescription();
            } else if (e instanceof RunEvent.RunFinished f) {
                id = "run_finished " + f.output() + " " + f.usage();
            } else if (e instanceof RunEvent.StepStarted s) {
                id = "step_started " + s.agent() + " " + s.kind();
            } else if (e instanceof RunEvent.StepFinished f) {
                id = "step_finished " + f.output() + " " + f.usage() + " " + f.outcome();
            } else if (e instanceof RunEvent.ModelRequested r) {
                id = "model_requested " + r.agent() + " " + r.turn() + " " + r.newMessages().size() + " messages " + r.tools();
            } else if (e instanceof RunEvent.ModelResponded r) {
                id = "model_responded " + r.agent() + " " + r.turn() + " " + r.text() + " " + r.toolCalls() + " " + r.usage();
            } else if (e instanceof RunEvent.ToolCalled c) {
                id = "tool_called " + c.agent() + " " + c.turn() + " " + c.callId() + " " + c.tool() + " " + c.arguments();
            } else if (e instanceof RunEvent.ToolReturned r) {
                id = "tool_returned " + r.agent() + " " + r.turn() + " " + r.callId() + " " + r.tool() + " error=" + r.error()
                        + (r.tool().startsWith("workspace_") && !r.error() ? "" : " " + r.result());
            } else if (e instanceof RunEvent.CheckpointRequested c) {
                id = "checkpoint_requested " + c.checkpoint().id();
            } else if (e instanceof RunEvent.CheckpointResolved r) {
                id = "checkpoint_resolved " + r.checkpointId() + " " + r.decision();
            } else if (e instanceof RunEvent.TokenStreamed) {
                continue; // a stream cut by the crash is asked again
            } else {
                id = e.getClass().getSimpleName();
            }
            ids.add(e.stepPath() + ": " + id.replace(e.runId(), "RUN"));
        }
        ids.sort(Comparator.naturalOrder());
        return ids;
    }

    static Outcome outcome(Path trial) throws IOException {
        StoredJournal journal = journal(trial).orElseThrow(() -> new AssertionError("no journal in " + trial));
        List<RunEvent> events = journal.events();
        RunEvent last = events.get(events.size() - 1);
        String output = last instanceof RunEvent.RunFinished f ? f.output() : "not finished: " + last;
        String usage = last instanceof RunEvent.RunFinished f ? String.valueOf(f.usage()) : "";
        return new Outcome(files(trial.resolve("calculator")), identities(events), output, usage, events.size());
    }

    /** What differs from the uninterrupted run, empty when nothing does. */
    static List<String> differences(Outcome expected, Path trial) throws IOException {
        List<String> problems = new ArrayList<>();
        StoredJournal journal = journal(trial).orElseThrow();
        if (journal.tornTail()) {
            problems.add("the journal still ends with a torn line");
        }
        for (int i = 0; i < journal.events().size(); i++) {
            if (journal.events().get(i).seq() != i + 1) {
                problems.add("event " + (i + 1) + " has seq " + journal.events().get(i).seq());
                break;
            }
        }
        Outcome actual = outcome(trial);
        if (!actual.output().equals(expected.output()) || !actual.usage().equals(expected.usage())) {
            problems.add("result " + actual.output() + " " + actual.usage() + " instead of " + expected.output() + " " + expected.usage());
        }
        if (!actual.files().equals(expected.files())) {
            for (String f : expected.files().keySet()) {
                if (!expected.files().get(f).equals(actual.files().get(f))) {
                    problems.add("workspace file " + f + " differs:\n" + actual.files().get(f));
                }
            }
            if (!actual.files().keySet().equals(expected.files().keySet())) {
                problems.add("workspace files " + actual.files().keySet() + " instead of " + expected.files().keySet());
            }
        }
        eventDifference(expected.events(), actual.events()).ifPresent(problems::add);
        return problems;
    }

    /** The events one list has and the other lacks, when they differ. */
    static Optional<String> eventDifference(List<String> expected, List<String> actual) {
        if (actual.equals(expected)) {
            return Optional.empty();
        }
        List<String> extra = new ArrayList<>(actual);
        expected.forEach(extra::remove);
        List<String> missing = new ArrayList<>(expected);
        actual.forEach(missing::remove);
        return Optional.of("journal differs: extra " + extra + ", missing " + missing);
    }

    // ---- the trials ----

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"coder-reviewer", "debate", "hierarchical"})
    void aRunKilledAtARandomPointAndResumedEndsAsTheUninterruptedRun(String crew) throws Exception {
        Assumptions.assumeTrue(List.of(System.getProperty("crash.crews", crew).split(",")).contains(crew), "-Dcrash.crews leaves it out");
        Sample sample = sample(crew);
        long began = System.nanoTime();
        try (ModelStubServer stub = new ModelStubServer(sample::answer)) {
            Path base = dir.resolve("baseline");
            DemoProject.copyTo(base.resolve("calculator"));
            long start = System.nanoTime();
            Started baseline = run(base, stub, sample);
            while (baseline.process().isAlive() && lines(base) == 0) {
                Thread.sleep(2);
            }
            long firstLineMillis = (System.nanoTime() - start) / 1_000_000;
            int exit = waitFor(baseline);
            long baselineMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(exit).as(Files.readString(baseline.stderr())).isZero();
            Outcome expected = outcome(base);
            assertBaseline(crew, expected);

            Random random = new Random(SEED ^ crew.hashCode());
            Map<String, Integer> killedAfter = new TreeMap<>();
            int[] progress = new int[5];
            int resumes = 0;
            int reruns = 0;
            int torn = 0;
            int tornByKill = 0;
            int descendants = 0;
            List<String> mismatches = new ArrayList<>();
            for (int t = 0; t < TRIALS; t++) {
                Path trial = dir.resolve("trial-" + t);
                DemoProject.copyTo(trial.resolve("calculator"));
                Started killed = run(trial, stub, sample);
                try {
                    if (random.nextBoolean()) {
                        // as soon as the journal has a random number of lines
                        int lines = 1 + random.nextInt(expected.lines());
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
                        while (killed.process().isAlive() && System.nanoTime() < deadline
                                && lines(trial) < lines) {
                            Thread.sleep(2);
                        }
                    } else {
                        // after a random time: from a little before the first journal line (the JVM starting) to a little
                        // after an uninterrupted run's end
                        long from = firstLineMillis * 4 / 5;
                        long delay = from + (long) (random.nextDouble() * (baselineMillis * 11 / 10 - from));
                        killed.process().waitFor(delay, TimeUnit.MILLISECONDS);
                    }
                } finally {
                    descendants += killTree(killed.process());
                }

                Optional<StoredJournal> file = journal(trial);
                List<RunEvent> before = file.map(StoredJournal::events).orElse(List.of());
                String point = before.isEmpty() ? "(nothing journaled)" : typeOf(before.get(before.size() - 1));
                killedAfter.merge(point, 1, Integer::sum);
                progress[Math.min(4, before.size() * 4 / Math.max(1, expected.lines()))]++;
                boolean ended = !before.isEmpty() && isEnd(before.get(before.size() - 1));
                if (file.isPresent() && file.get().tornTail()) {
                    tornByKill++; // the kill tore the last record itself
                } else if (file.isPresent() && !before.isEmpty() && !ended && random.nextInt(4) == 0) {
                    // as if the kill had landed inside the copy of the next record: part of a record after the last whole
                    // one (never after the run's last event: nothing is written after it)
                    tear(trial, random);
                    assertThat(journal(trial).orElseThrow().events()).as("a torn record is dropped").isEqualTo(before);
                    torn++;
                }

                Started finish;
                if (before.isEmpty()) {
                    // nothing to resume: the run starts again
                    finish = run(trial, stub, sample);
                    reruns++;
                } else {
                    finish = resume(trial, stub, before.get(0).runId());
                    resumes++;
                }
                int code = waitFor(finish);
                List<String> problems = code == 0 ? differences(expected, trial)
                        : List.of("exit code " + code + ": " + Files.readString(finish.stderr()));
                if (!problems.isEmpty()) {
                    mismatches.add("trial " + t + " (killed after " + point + "): " + String.join("; ", problems));
                }
            }
            long seconds = (System.nanoTime() - began) / 1_000_000_000;
            System.out.printf("crash-resume %s: %d trials in %d s (uninterrupted run %d ms, first journal line at %d ms, %d journal lines),"
                            + " seed %d%n"
                            + "  killed after: %s%n  progress at the kill (journal quarters, last = ended): %s%n"
                            + "  resumes %d, reruns (nothing journaled) %d, torn last lines recovered %d (torn by the kill %d, cut"
                            + " short by the test %d), descendants killed %d, mismatches %d%n",
                    crew, TRIALS, seconds, baselineMillis, firstLineMillis, expected.lines(), SEED, killedAfter, java.util.Arrays.toString(progress),
                    resumes, reruns, torn + tornByKill, tornByKill, torn, descendants, mismatches.size());
            assertThat(mismatches).as("trials whose resumed run differs from the uninterrupted one").isEmpty();
            assertThat(resumes).as("kills land after the run has started").isPositive();
        }
    }

    static boolean isEnd(RunEvent event) {
        return event.isTerminal();
    }

    static String typeOf(RunEvent event) {
        String name = event.getClass().getSimpleName();
        return name.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    static void assertBaseline(String crew, Outcome run) {
        Map<String, String> files = run.files();
        switch (crew) {
            case "coder-reviewer" -> assertThat(files.get("src/Calculator.java")).contains("return (double) sum / values.length;");
            case "debate" -> assertThat(run.output()).startsWith("Yes: ");
            default -> {
                assertThat(run.output()).isEqualTo("min is added, tested and documented.");
                assertThat(count(files.get("src/Calculator.java"), "public static int min(")).isOne();
                assertThat(count(files.get("tests/CalculatorTest.java"), "public void testMin()")).isOne();
                assertThat(count(files.get("README.md"), README_MIN.strip())).isOne();
            }
        }
        assertThat(run.events().stream().filter(e -> e.contains("tool_returned") && e.contains(" workspace_") && e.contains("error=true"))
                .collect(Collectors.toList())).as("every edit applies in the uninterrupted run").isEmpty();
    }

    static int count(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            n++;
        }
        return n;
    }
}
