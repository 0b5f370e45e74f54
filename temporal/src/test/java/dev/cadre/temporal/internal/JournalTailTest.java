package dev.cadre.temporal.internal;

import static dev.cadre.orchestrator.conformance.Runs.agent;
import static dev.cadre.orchestrator.conformance.Runs.work;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.ModelRegistry;
import dev.cadre.api.RunEvent;
import dev.cadre.api.Task;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Step;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.orchestrator.RunOptions;
import dev.cadre.orchestrator.journal.JournalStore;
import dev.cadre.orchestrator.journal.MemoryJournalStore;
import dev.cadre.orchestrator.journal.StoredJournal;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/** The shared, incremental tail behind a Temporal run's {@code events()}: one poller, reading from the last event seen. */
@Timeout(30)
class JournalTailTest {

    /** A store that says which reads were asked of it: whole journals, and polls from a sequence number. */
    private static final class CountingStore implements JournalStore {
        final MemoryJournalStore events = new MemoryJournalStore();
        final Queue<Long> polls = new ConcurrentLinkedQueue<>();
        final Queue<Integer> polled = new ConcurrentLinkedQueue<>();

        @Override public Appender open(String runId) { return events.open(runId); }
        @Override public boolean contains(String runId) { return events.contains(runId); }
        @Override public StoredJournal read(String runId) { return events.read(runId); }
        @Override public List<String> runIds() { return events.runIds(); }
        @Override public String location(String runId) { return events.location(runId); }
        @Override public void close() { events.close(); }

        @Override
        public Flux<RunEvent> read(String runId, long fromSeq) {
            polls.add(fromSeq);
            List<RunEvent> read = events.read(runId).events().stream().filter(e -> e.seq() >= fromSeq).toList();
            polled.add(read.size());
            return Flux.fromIterable(read);
        }
    }

    /** The events of a real run of a three-step crew. */
    private static List<RunEvent> aRun() {
        MemoryJournalStore journal = new MemoryJournalStore();
        ScriptedModel model = ScriptedModel.builder().atStep("s/a", Reply.text("one")).atStep("s/b", Reply.text("two"))
                .atStep("s/c", Reply.text("three")).build();
        Crew crew = Crew.of("three", Step.sequential("s", work(agent("x"), "a", "A"), work(agent("y"), "b", "B"), work(agent("z"), "c", "C")));
        Orchestrator.builder().models(ModelRegistry.of("scripted:m", model)).journalStore(journal).build()
                .run(crew, Task.of("t", "go"), RunOptions.DEFAULTS.withRunId("r")).result().block(Duration.ofSeconds(10));
        return journal.read("r").events();
    }

    @Test
    void manySubscribersShareOnePollerThatReadsEachEventOnce() throws Exception {
        List<RunEvent> run = aRun();
        CountingStore store = new CountingStore();
        JournalTail tail = new JournalTail(store, "r");
        List<List<RunEvent>> got = new ArrayList<>();
        List<Disposable> subscriptions = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            List<RunEvent> seen = new CopyOnWriteArrayList<>();
            got.add(seen);
            subscriptions.add(tail.events().subscribe(seen::add));
        }
        JournalStore.Appender appender = store.open("r");
        for (RunEvent e : run) {
            appender.append(e);
            TimeUnit.MILLISECONDS.sleep(3);
        }
        for (List<RunEvent> seen : got) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (seen.size() < run.size() && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
            assertThat(seen).as("every subscriber gets every event once, in order").containsExactlyElementsOf(run);
        }
        assertThat(subscriptions).allMatch(Disposable::isDisposed);
        // subscribed before the journal existed: every read is the poller's
        int total = store.polled.stream().mapToInt(Integer::intValue).sum();
        assertThat(total).as("the one poller read each event once, however many subscribed").isEqualTo(run.size());
        assertThat(new ArrayList<>(store.polls)).as("each poll starts after the last event read").isSortedAccordingTo(Long::compare);
    }

    @Test
    void aLateSubscriberReadsTheWholeJournalAndEndsWithIt() {
        List<RunEvent> run = aRun();
        CountingStore store = new CountingStore();
        JournalStore.Appender appender = store.open("r");
        run.forEach(appender::append);
        JournalTail tail = new JournalTail(store, "r");
        assertThat(tail.events().collectList().block(Duration.ofSeconds(5))).containsExactlyElementsOf(run);
        assertThat(tail.events().collectList().block(Duration.ofSeconds(5))).as("again, after the poller ended").containsExactlyElementsOf(run);
    }

    @Test
    void aJournalThatDoesNotGrowIsPolledLessAndLessOften() throws Exception {
        CountingStore store = new CountingStore();
        store.open("idle").append(aRun().get(0));
        Disposable watching = new JournalTail(store, "idle").events().subscribe();
        TimeUnit.MILLISECONDS.sleep(1500);
        watching.dispose();
        assertThat(store.polls.size()).as("backed off from every 25 ms to every second").isLessThan(15);
    }
}
