package dev.cadre.temporal.internal;

import dev.cadre.api.Checkpoint;
import dev.cadre.api.Decision;
import dev.cadre.api.HumanGate;
import dev.cadre.api.RunEvent;
import dev.cadre.orchestrator.journal.JournalStore;
import io.temporal.client.WorkflowClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The journal side of a Temporal run: the same {@link JournalStore} a local run of the same runs directory appends to
 * (so {@code cadre runs}, the console and MCP read Temporal runs as they read local ones), appended by the worker that
 * runs the workflow task; each worker process writes its own segments (docs/journal.md). An append that Temporal retries
 * skips the events the store already holds, so each event is journaled once. It also asks the worker's
 * human gate about checkpoints; a gate's answer goes to the run as a {@code decide} update, like any other answer.
 */
public final class JournalActivities implements RunActivities.Journal, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JournalActivities.class);

    private record Open(JournalStore.Appender writer, long lastSeq) {}

    private final JournalStore store;
    private final HumanGate gate;
    private final WorkflowClient client;
    private final Map<String, Open> open = new ConcurrentHashMap<>();
    private final Map<String, Disposable> asking = new ConcurrentHashMap<>();

    /** {@code store}: where the runs' journals are, the store local runs of the same runs directory use. */
    public JournalActivities(JournalStore store, HumanGate gate, WorkflowClient client) {
        this.store = store;
        this.gate = gate;
        this.client = client;
    }

    @Override
    public RunActivities.Events read(String runId) {
        return new RunActivities.Events(store.read(runId).requireVerified(false).events());
    }

    /** At most this much event JSON per page of a resume (a page is one local activity result in the history). */
    static final int PAGE_BYTES = 256 << 10;

    @Override
    public RunActivities.Page readPage(String runId, long fromSeq) {
        return RunActivities.Page.of(read(runId).events(), fromSeq, PAGE_BYTES);
    }

    @Override
    public void append(String runId, RunActivities.Events batch) {
        List<RunEvent> events = batch.events();
        open.compute(runId, (id, current) -> {
            Open o = current;
            if (o == null || o.writer().changedSinceWritten()) {
                if (o != null) {
                    o.writer().close();
                }
                o = reopen(id);
            }
            long last = o.lastSeq();
            boolean ended = false;
            for (RunEvent event : events) {
                if (event.seq() > last) {
                    o.writer().append(event);
                    last = event.seq();
                    ended |= event.isTerminal();
                }
            }
            if (ended) {
                o.writer().close();
                return null;
            }
            return new Open(o.writer(), last);
        });
    }

    private Open reopen(String runId) {
        long last = 0;
        if (store.contains(runId)) {
            List<RunEvent> kept = store.read(runId).events();
            last = kept.isEmpty() ? 0 : kept.get(kept.size() - 1).seq();
        }
        return new Open(store.open(runId), last);
    }

    @Override
    public void ask(Checkpoint checkpoint) {
        String id = checkpoint.runId() + "|" + checkpoint.id();
        asking.computeIfAbsent(id, k -> Mono.defer(() -> gate.decide(checkpoint))
                .publishOn(Schedulers.boundedElastic())
                .onErrorResume(e -> {
                    log.warn("The human gate failed on checkpoint {} of run {}; waiting for a decision through the run's handle",
                            checkpoint.id(), checkpoint.runId(), e);
                    return Mono.empty();
                })
                .doFinally(signal -> asking.remove(k))
                .subscribe(decision -> send(checkpoint, decision)));
    }

    private void send(Checkpoint checkpoint, Decision decision) {
        try {
            client.newWorkflowStub(CrewWorkflow.class, checkpoint.runId()).decide(checkpoint.id(), decision);
        } catch (RuntimeException e) {
            log.debug("The gate's decision on checkpoint {} of run {} was not taken (decided already?)", checkpoint.id(),
                    checkpoint.runId(), e);
        }
    }

    @Override
    public void closed(String runId, String checkpointId) {
        Disposable d = asking.remove(runId + "|" + checkpointId);
        if (d != null) {
            d.dispose();
        }
    }

    @Override
    public void close() {
        asking.values().forEach(Disposable::dispose);
        open.values().forEach(o -> o.writer().close());
        open.clear();
    }
}
