package dev.cadre.orchestrator.journal;

import dev.cadre.api.RunEvent;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The child JVM of {@link StoreKillTest}: appends events to several runs from several threads, as fast as it can,
 * printing {@code <runId> <seq>} once an append has returned (the event is committed), until it is killed.
 * Arguments: the runs directory, the journal key (hex), the durability, the number of runs.
 */
public final class StoreWriterProcess {

    private StoreWriterProcess() {}

    public static void main(String[] args) throws Exception {
        WriterProcesses.Args a = WriterProcesses.Args.parse(args);
        int count = a.count();
        LocalJournalStore store = LocalJournalStore.open(a.runs(), a.key(), a.durability(), 64 << 10);
        Thread[] threads = new Thread[count];
        for (int i = 0; i < count; i++) {
            String runId = "run-" + i;
            JournalStore.Appender appender = store.open(runId);
            AtomicLong seq = new AtomicLong(store.contains(runId) ? store.read(runId).events().size() : 0);
            threads[i] = new Thread(() -> {
                while (true) {
                    long s = seq.incrementAndGet();
                    appender.append(new RunEvent.StepStarted(runId, "step-" + s, s, Instant.EPOCH, "agent", "agent",
                            "event " + s + " of " + runId + " " + "x".repeat((int) (s % 700))));
                    synchronized (System.out) {
                        System.out.println(runId + " " + s);
                        System.out.flush();
                    }
                }
            });
            threads[i].setDaemon(true);
            threads[i].start();
        }
        threads[0].join();
    }
}
