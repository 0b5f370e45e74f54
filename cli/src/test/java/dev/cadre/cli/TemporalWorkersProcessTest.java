package dev.cadre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.RunEvent;
import dev.cadre.cli.demo.DemoProject;
import dev.cadre.orchestrator.journal.Durability;
import dev.cadre.orchestrator.journal.LocalJournalStore;
import dev.cadre.orchestrator.journal.StoredJournal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cadre on Temporal across processes: Temporal's test server in its own JVM, {@code cadre worker} JVMs sharing a
 * workspace and a runs directory, {@code cadre run --temporal} and {@code cadre runs resume --temporal} in others, a
 * coder-reviewer run on the loopback model stub (it answers by request content, as a resumed run needs).
 *
 * <p>{@code -Dtemporal.kills=N} SIGKILL trials (default 10, the per-build count; {@code .ci/run}'s soak runs 50), {@code -Dtemporal.seed=S}. The
 * first trial also shows that an uninterrupted run on Temporal ends as the local run: each trial is compared with it.
 */
class TemporalWorkersProcessTest {

    static final int KILLS = Integer.getInteger("temporal.kills", 10);
    static final long SEED = Long.getLong("temporal.seed", 20261201L);
    static final long WAIT_SECONDS = 180;

    @TempDir
    static Path dir;
    static ModelStubServer stub;
    static TemporalCluster cluster;
    static CrashResumeProcessTest.Sample sample = CrashResumeProcessTest.sample("coder-reviewer");

    @BeforeAll
    static void start() throws Exception {
        stub = new ModelStubServer(sample::answer);
        cluster = new TemporalCluster(dir, stub.openAiUrl());
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (stub != null) {
            stub.close();
        }
    }

    /** A run of a runs directory: where its journal is read from (the default store, segments shared by processes). */
    record Journal(Path runs, String runId) {
        StoredJournal read() {
            try (LocalJournalStore store = LocalJournalStore.open(runs, key(), Durability.PROCESS)) {
                return store.read(runId);
            }
        }
    }

    record Outcome(Map<String, String> files, List<String> events, String output, String usage, int lines, Journal journal) {}

    static Outcome outcome(Path workspace, Journal journal) throws Exception {
        List<RunEvent> events = journal.read().events();
        RunEvent last = events.get(events.size() - 1);
        String output = last instanceof RunEvent.RunFinished f ? f.output() : "not finished: " + last;
        String usage = last instanceof RunEvent.RunFinished f ? String.valueOf(f.usage()) : "";
        return new Outcome(CrashResumeProcessTest.files(workspace), CrashResumeProcessTest.identities(events), output, usage,
                events.size(), journal);
    }

    /** The key every process of the cluster shares (its state directory's). */
    static dev.cadre.orchestrator.journal.JournalKey key() {
        return dev.cadre.orchestrator.journal.JournalKey.in(cluster.state);
    }

    /** The run ids the runs directory's store holds. */
    static Set<String> journals(Path runs) throws Exception {
        if (!Files.isDirectory(runs)) {
            return Set.of();
        }
        try (LocalJournalStore store = LocalJournalStore.open(runs, key(), Durability.PROCESS)) {
            return Set.copyOf(store.runIds());
        }
    }

    static Journal newJournal(Path runs, Set<String> before) throws Exception {
        Set<String> now = new java.util.HashSet<>(journals(runs));
        now.removeAll(before);
        assertThat(now).as("one new run in " + runs).hasSize(1);
        return new Journal(runs, now.iterator().next());
    }

    /** A fresh copy of the demo project at {@code workspace} (workers keep the directory: shared storage). */
    static void reset(Path workspace) throws Exception {
        if (Files.exists(workspace)) {
            try (Stream<Path> all = Files.walk(workspace)) {
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    if (!p.equals(workspace)) {
                        Files.delete(p);
                    }
                }
            }
        }
        DemoProject.copyTo(workspace);
    }

    TemporalCluster.Started run(String queue, Path workspace, Path runs, boolean yes) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", sample.crew(), "--task", sample.task(), "--workspace", workspace.toString(),
                "--runs", runs.toString(), "--temporal", cluster.target(), "--task-queue", queue));
        if (yes) {
            args.add("--yes");
        }
        return cluster.cadre("run", args.toArray(String[]::new));
    }

    /** The uninterrupted local run: what every Temporal run must end as. */
    static Outcome local(Path base) throws Exception {
        Path workspace = base.resolve("calculator");
        reset(workspace);
        TemporalCluster.Started run = cluster.cadre("local", "run", sample.crew(), "--task", sample.task(), "--workspace",
                workspace.toString(), "--runs", base.resolve("runs").toString(), "--yes");
        assertThat(TemporalCluster.exit(run, WAIT_SECONDS)).as(run.err()).isZero();
        return outcome(workspace, newJournal(base.resolve("runs"), Set.of()));
    }

    static List<String> differences(Outcome expected, Outcome actual) throws Exception {
        List<String> problems = new ArrayList<>();
        StoredJournal journal = actual.journal().read();
        if (!journal.integrity().isIntact()) {
            problems.add("the journal does not verify: " + journal.integrity().describe(journal.location()));
        }
        for (int i = 0; i < journal.events().size(); i++) {
            if (journal.events().get(i).seq() != i + 1) {
                problems.add("event " + (i + 1) + " has seq " + journal.events().get(i).seq());
                break;
            }
        }
        if (!actual.output().equals(expected.output()) || !actual.usage().equals(expected.usage())) {
            problems.add("result " + actual.output() + " " + actual.usage() + " instead of " + expected.output() + " " + expected.usage());
        }
        if (!actual.files().equals(expected.files())) {
            problems.add("workspace " + actual.files() + " instead of " + expected.files());
        }
        CrashResumeProcessTest.eventDifference(expected.events(), actual.events()).ifPresent(problems::add);
        return problems;
    }

    @Test
    void aWorkerKilledMidRunLeavesTheRunToTheOtherWithTheResultAndWorkspaceOfAnUninterruptedRun() throws Exception {
        Outcome expected = local(dir.resolve("local"));
        assertThat(expected.output()).doesNotStartWith("not finished");

        Path trials = dir.resolve("kills");
        Path workspace = trials.resolve("calculator");
        Path runs = trials.resolve("runs");
        reset(workspace);
        String queue = "kills";
        TemporalCluster.Started[] workers = {cluster.worker(queue, workspace, runs), cluster.worker(queue, workspace, runs)};
        TemporalCluster.ready(workers[0]);
        TemporalCluster.ready(workers[1]);

        Set<String> before;
        Random random = new Random(SEED);
        Map<String, Integer> killedAfter = new TreeMap<>();
        List<String> mismatches = new ArrayList<>();
        for (int t = 0; t < KILLS; t++) {
            TemporalCluster.ready(workers[0]);
            TemporalCluster.ready(workers[1]);
            reset(workspace);
            before = journals(runs);
            TemporalCluster.Started run = run(queue, workspace, runs, true);
            // a kill after 1 .. lines-2 events: never after the run's last event, when there is nothing left to take over
            int lines = 1 + random.nextInt(Math.max(1, expected.lines() - 2));
            int victim = random.nextInt(2);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            Journal journal = null;
            while (run.process().isAlive() && System.nanoTime() < deadline) {
                if (journal == null) {
                    Set<String> now = new java.util.HashSet<>(journals(runs));
                    now.removeAll(before);
                    journal = now.isEmpty() ? null : new Journal(runs, now.iterator().next());
                }
                if (journal != null && journal.read().events().size() >= lines) {
                    break;
                }
                Thread.sleep(5);
            }
            CrashResumeProcessTest.killTree(workers[victim].process());
            List<RunEvent> atKill = journal == null ? List.of() : journal.read().events();
            killedAfter.merge(atKill.isEmpty() ? "(nothing journaled)" : atKill.get(atKill.size() - 1).getClass().getSimpleName(), 1,
                    Integer::sum);
            workers[victim] = cluster.worker(queue, workspace, runs); // the replacement starts while the other carries on

            long killedAt = System.nanoTime();
            int exit = cluster.exitOrKeepLogs(run, WAIT_SECONDS, Path.of("target", "temporal-workers-trial-" + t));
            System.err.println("trial " + t + ": killed after " + lines + " lines, run ended " + (System.nanoTime() - killedAt) / 1_000_000 + " ms later");
            if (exit != 0) {
                mismatches.add("trial " + t + ": cadre run exited " + exit + ": " + run.err());
                continue;
            }
            List<String> problems = differences(expected, outcome(workspace, newJournal(runs, before)));
            if (!problems.isEmpty()) {
                mismatches.add("trial " + t + " (killed worker " + victim + " after " + lines + " lines): " + problems);
            }
        }
        System.err.println("Temporal worker kills: " + KILLS + " trials, killed after " + killedAfter);
        assertThat(mismatches).as("trials that differ from the uninterrupted run").isEmpty();
    }

    @Test
    void aRunWaitingAtACheckpointOutlivesARestartOfBothWorkersAndIsAnsweredFromCadre() throws Exception {
        Outcome expected = local(dir.resolve("local-for-restart"));
        Path base = dir.resolve("restart");
        Path workspace = base.resolve("calculator");
        Path runs = base.resolve("runs");
        reset(workspace);
        String queue = "restart";
        TemporalCluster.Started first = TemporalCluster.ready(cluster.worker(queue, workspace, runs));
        TemporalCluster.Started second = TemporalCluster.ready(cluster.worker(queue, workspace, runs));

        // off a terminal without --yes nobody can answer: cadre run says the run waits, and how to answer it
        TemporalCluster.Started run = run(queue, workspace, runs, false);
        assertThat(TemporalCluster.exit(run, WAIT_SECONDS)).as(run.err()).isEqualTo(ExitCodes.WAITING);
        assertThat(run.err()).contains("waits at checkpoint");
        Journal journal = newJournal(runs, Set.of());
        String runId = journal.runId();

        first.process().destroy(); // one stopped as an operator would, the other killed
        CrashResumeProcessTest.killTree(second.process());
        assertThat(first.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        TemporalCluster.ready(cluster.worker(queue, workspace, runs));
        TemporalCluster.ready(cluster.worker(queue, workspace, runs));

        TemporalCluster.Started show = cluster.cadre("show", "runs", "show", runId, "--runs", runs.toString());
        assertThat(TemporalCluster.exit(show, WAIT_SECONDS)).as("a run not ended yet: " + show.err()).isEqualTo(ExitCodes.RUN_FAILED);
        assertThat(Files.readString(show.stdout())).contains("checkpoint");

        TemporalCluster.Started resume = cluster.cadre("resume", "runs", "resume", runId, "--runs", runs.toString(), "--workspace",
                workspace.toString(), "--temporal", cluster.target(), "--task-queue", queue, "--yes");
        assertThat(TemporalCluster.exit(resume, WAIT_SECONDS)).as(resume.err()).isZero();
        assertThat(differences(expected, outcome(workspace, journal))).isEmpty();
    }

    @Test
    void aRunWhoseWorkspaceHostIsGoneIsMovedToAnotherWithCadreRunsMoveAndEndsAsTheLocalRun() throws Exception {
        Outcome expected = local(dir.resolve("local-for-move"));
        Path base = dir.resolve("move");
        Path workspace = base.resolve("calculator");
        Path runs = base.resolve("runs");
        reset(workspace);
        String queue = "move";
        // host c holds a copy of the workspace (here: the same directory); host b, the run's, never comes
        TemporalCluster.ready(cluster.worker(queue, workspace, runs, "--workspace-host", "c"));
        TemporalCluster.Started run = cluster.cadre("run", "run", sample.crew(), "--task", sample.task(), "--workspace",
                workspace.toString(), "--runs", runs.toString(), "--temporal", cluster.target(), "--task-queue", queue,
                "--workspace-host", "b", "--yes");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!run.err().contains("Workspace host b is unavailable") && run.process().isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(run.err()).contains("Workspace host b is unavailable").contains("move the run to another host");
        Journal journal = newJournal(runs, Set.of());

        TemporalCluster.Started refused = cluster.cadre("move", "runs", "move", journal.runId(), "--to-host", "b c", "--temporal",
                cluster.target(), "--task-queue", queue);
        assertThat(TemporalCluster.exit(refused, WAIT_SECONDS)).isNotZero();
        assertThat(refused.err()).contains("--to-host 'b c' is not a host name");
        TemporalCluster.Started move = cluster.cadre("move", "runs", "move", journal.runId(), "--to-host", "c", "--temporal",
                cluster.target(), "--task-queue", queue);
        assertThat(TemporalCluster.exit(move, WAIT_SECONDS)).as(move.err()).isZero();
        assertThat(Files.readString(move.stdout())).contains("tool calls go to task queue move@c now (were on move@b)");

        assertThat(cluster.exitOrKeepLogs(run, WAIT_SECONDS, Path.of("target", "temporal-workers-move"))).as(run.err()).isZero();
        assertThat(run.err()).contains("the run's workspace host took its tool call; the run goes on");
        assertThat(differences(expected, outcome(workspace, journal))).isEmpty();
    }
}
