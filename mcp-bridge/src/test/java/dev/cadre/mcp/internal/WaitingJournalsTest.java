package dev.cadre.mcp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.Agent;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.Persona;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.Task;
import dev.cadre.api.Usage;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Review;
import dev.cadre.api.crew.Step;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.orchestrator.RunOptions;
import dev.cadre.orchestrator.journal.JournalStore;
import dev.cadre.orchestrator.journal.MemoryJournalStore;
import dev.cadre.orchestrator.journal.StoredJournal;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class WaitingJournalsTest {

    private final AtomicInteger reads = new AtomicInteger();
    private final MemoryJournalStore memory = new MemoryJournalStore();

    /** The memory store, counting journal reads and failing to read run {@code broken}. */
    private final JournalStore store = new JournalStore() {
        @Override public Appender open(String runId) { return memory.open(runId); }
        @Override public boolean contains(String runId) { return memory.contains(runId); }
        @Override public StoredJournal read(String runId) {
            reads.incrementAndGet();
            if (runId.equals("q-broken")) {
                throw new IllegalStateException("Journal q-broken line 2 is not JSON.");
            }
            return memory.read(runId);
        }
        @Override public List<String> runIds() { return memory.runIds(); }
        @Override public String location(String runId) { return memory.location(runId); }
        @Override public void close() { memory.close(); }
    };

    /** A run waiting at its review checkpoint, journaled in the memory store under {@code runId}. */
    private RunHandle waitingRun(String runId) {
        ScriptedModel model = ScriptedModel.builder().agent("drafter", Reply.text("a draft")).build();
        Agent drafter = Agent.resolve(Persona.builder("drafter").role("the drafter").build(), List.of());
        Crew crew = Crew.of("reviewed", Step.sequential("doc", Step.work(drafter, Task.builder("draft").description("Draft: {task}").build())
                .reviewed(Review.afterWork())));
        RunHandle run = Orchestrator.builder().models(ModelRegistry.of("scripted:m", model)).journalStore(memory).build()
                .run(crew, Task.of("t", "notes"), RunOptions.DEFAULTS.withRunId(runId));
        run.nextCheckpoint(Duration.ofSeconds(20)).orElseThrow();
        return run;
    }

    private void finished(String runId) {
        try (JournalStore.Appender appender = memory.create(runId)) {
            appender.append(new RunEvent.RunFinished(runId, "", 0, Instant.EPOCH, "done", Usage.ZERO));
        }
    }

    @Test
    void onlyJournalsThatEndWaitingAtACheckpointAreListedNewestFirstAndEndedOrUnreadableOnesAreNot() {
        RunHandle older = waitingRun("p-waiting");
        RunHandle newer = waitingRun("s-waiting");
        finished("r-finished");
        memory.create("q-broken").close();
        RunHandle local = waitingRun("t-local");
        try {
            assertThat(new WaitingJournals(store).runIds(Set.of("t-local")::contains)).containsExactly("s-waiting", "p-waiting");
        } finally {
            List.of(older, newer, local).forEach(RunHandle::cancel);
        }
    }

    @Test
    void aListReadsAtMostTheNewestFiftyJournalsSoAnOlderWaitingRunIsNotListed() {
        RunHandle old = waitingRun("a-waiting");
        try {
            for (int i = 0; i < WaitingJournals.MAX_RUNS; i++) {
                finished(String.format("b-%03d", i));
            }
            reads.set(0);
            assertThat(new WaitingJournals(store).runIds(id -> false)).isEmpty();
            assertThat(reads.get()).isEqualTo(WaitingJournals.MAX_RUNS);
        } finally {
            old.cancel();
        }
    }
}
