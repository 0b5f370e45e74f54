package dev.cadre.orchestrator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.RunEvent;
import dev.cadre.api.Task;
import dev.cadre.api.Usage;
import dev.cadre.orchestrator.journal.JournalStore;
import dev.cadre.orchestrator.journal.MemoryJournalStore;
import dev.cadre.orchestrator.journal.StoredJournal;
import dev.cadre.orchestrator.redaction.Redactor;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/** The recorder keeps no list of events: subscribers get the journaled ones from the store, then live ones. */
class RunRecorderTest {

    static final Duration WAIT = Duration.ofSeconds(10);

    /** A memory store that counts its reads. */
    static final class CountingStore implements JournalStore {
        final MemoryJournalStore inner = new MemoryJournalStore();
        final AtomicInteger reads = new AtomicInteger();

        @Override public Appender open(String runId) { return inner.open(runId); }
        @Override public boolean contains(String runId) { return inner.contains(runId); }
        @Override public StoredJournal read(String runId) { reads.incrementAndGet(); return inner.read(runId); }
        @Override public List<String> runIds() { return inner.runIds(); }
        @Override public String location(String runId) { return inner.location(runId); }
        @Override public void close() { inner.close(); }
    }

    private final CountingStore store = new CountingStore();
    private final RunRecorder recorder = new RunRecorder("r", store, store.open("r"), Clock.systemUTC(), Redactor.none());

    private void step(int i) {
        recorder.emit((id, seq, at) -> new RunEvent.StepStarted(id, "s" + i, seq, at, "a", "agent", "step " + i));
    }

    @Test
    void aSubscriberRightAfterRunStartedIsSentItWithoutReadingTheStoreAndOneAfterTheSecondEventReads() {
        RunEvent.RunStarted started = recorder.emit((id, seq, at) -> new RunEvent.RunStarted(id, "", seq, at, "crew", Task.of("t", "Do it.")));
        List<RunEvent> early = new CopyOnWriteArrayList<>();
        recorder.events().subscribe(early::add);
        assertThat(store.reads.get()).isZero();
        assertThat(early).containsExactly(started);

        step(1);
        List<RunEvent> later = new CopyOnWriteArrayList<>();
        recorder.events().subscribe(later::add);
        assertThat(store.reads.get()).isEqualTo(1);
        step(2);
        recorder.emitFinal((id, seq, at) -> new RunEvent.RunFinished(id, "", seq, at, "done", Usage.ZERO));
        assertThat(early).containsExactlyElementsOf(store.inner.read("r").events());
        assertThat(later).containsExactlyElementsOf(store.inner.read("r").events()).hasSize(4);
    }

    @Test
    void aFinishedRunIsReplayedFromTheStore() {
        recorder.emit((id, seq, at) -> new RunEvent.RunStarted(id, "", seq, at, "crew", Task.of("t", "Do it.")));
        step(1);
        recorder.emitFinal((id, seq, at) -> new RunEvent.RunFinished(id, "", seq, at, "done", Usage.ZERO));
        int before = store.reads.get();
        List<RunEvent> events = recorder.events().collectList().block(WAIT);
        assertThat(store.reads.get()).isEqualTo(before + 1);
        assertThat(events).containsExactlyElementsOf(store.inner.read("r").events()).hasSize(3);
    }

    @Test
    void aSubscriberSeesTheJournaledEventsThenTheLiveOnesWithNoGapOrRepeat() {
        recorder.emit((id, seq, at) -> new RunEvent.RunStarted(id, "", seq, at, "crew", Task.of("t", "Do it.")));
        step(1);
        List<RunEvent> seen = new CopyOnWriteArrayList<>();
        recorder.events().subscribe(seen::add);
        step(2);
        step(3);
        recorder.emitFinal((id, seq, at) -> new RunEvent.RunFinished(id, "", seq, at, "done", Usage.ZERO));
        assertThat(seen).extracting(RunEvent::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void subscribersArrivingWhileEventsAreEmittedEachSeeEveryEventOnce() {
        recorder.emit((id, seq, at) -> new RunEvent.RunStarted(id, "", seq, at, "crew", Task.of("t", "Do it.")));
        int subscribers = 50;
        List<List<RunEvent>> seen = new CopyOnWriteArrayList<>();
        Flux.range(0, subscribers).parallel(4).runOn(Schedulers.boundedElastic()).doOnNext(i -> {
            List<RunEvent> mine = new CopyOnWriteArrayList<>();
            seen.add(mine);
            recorder.events().subscribe(mine::add);
        }).sequential().subscribe();
        for (int i = 1; i <= 500; i++) {
            step(i);
        }
        recorder.emitFinal((id, seq, at) -> new RunEvent.RunFinished(id, "", seq, at, "done", Usage.ZERO));
        long[] all = LongStream.rangeClosed(1, 502).toArray();
        for (long wait = 0; wait < 100 && (seen.size() < subscribers || seen.stream().anyMatch(l -> l.size() < all.length)); wait++) {
            sleep();
        }
        assertThat(seen).hasSize(subscribers).allSatisfy(events -> assertThat(events).extracting(RunEvent::seq).containsExactly(
                LongStream.of(all).boxed().toArray(Long[]::new)));
    }

    @Test
    void aSubscriberThatCancelsIsForgotten() {
        recorder.emit((id, seq, at) -> new RunEvent.RunStarted(id, "", seq, at, "crew", Task.of("t", "Do it.")));
        assertThat(recorder.events().take(1).blockLast(WAIT)).isInstanceOf(RunEvent.RunStarted.class);
        step(1);
        assertThat(recorder.events().take(2).collectList().block(WAIT)).hasSize(2);
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
