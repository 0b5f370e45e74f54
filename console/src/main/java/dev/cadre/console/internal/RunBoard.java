package dev.cadre.console.internal;

import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cadre.orchestrator.journal.JournalIntegrity;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.orchestrator.journal.Durability;
import dev.cadre.orchestrator.journal.JournalStore;
import dev.cadre.orchestrator.journal.LocalJournalStore;
import dev.cadre.orchestrator.journal.StoredJournal;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * The runs the console knows: those of this process (told by the orchestrator's run listener) and the journals in
 * the runs directory's journal store (its segments and older per-run files). Keeps a {@link Tally} per live run, fed by its events, and publishes a summary whenever one
 * changes.
 */
public final class RunBoard implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RunBoard.class);
    /** What a run id looks like (and all a URL may name: no path can escape the runs directory). */
    public static final Pattern RUN_ID = dev.cadre.orchestrator.RunOptions.RUN_ID;

    private record Live(RunHandle handle, Tally tally) {}

    private record Cached(RunSummary summary) {}

    private final JournalStore store;
    private final boolean ownStore;
    private final int keepFinished;
    private final Clock clock;
    private final Map<String, Live> live = new ConcurrentHashMap<>();
    /** Summaries of ended runs' journals (bounded: runs come and go); a journal still growing is read again. */
    private final Cache<String, Cached> journals = Caffeine.newBuilder().maximumSize(10_000).build();
    private final Sinks.Many<RunSummary> updates = Sinks.many().multicast().directBestEffort();
    private final Map<String, Disposable> watching = new ConcurrentHashMap<>();

    public RunBoard(Path runsDirectory, JournalKey key, int keepFinished, Clock clock) {
        this(LocalJournalStore.open(runsDirectory, key, Durability.PROCESS), true, keepFinished, clock);   // read here, never appended
    }

    /** A board reading {@code store} (a shared one, e.g. PostgreSQL); closes it on {@link #close} when {@code ownStore}. */
    public RunBoard(JournalStore store, boolean ownStore, int keepFinished, Clock clock) {
        this.store = store;
        this.ownStore = ownStore;
        this.keepFinished = keepFinished;
        this.clock = clock;
    }

    /** A run started or resumed in this process. */
    public void add(RunHandle run) {
        Tally tally = new Tally(run.runId());
        live.put(run.runId(), new Live(run, tally));
        Disposable watch = run.events().subscribe(event -> {
            tally.add(event);
            if (!(event instanceof RunEvent.TokenStreamed)) {
                publish(tally.summary(run.status(), clock.instant()));
            }
        }, error -> log.warn("Run {} events failed in the console", run.runId(), error), this::forgetOldRuns);
        if (!watch.isDisposed()) {
            Disposable previous = watching.put(run.runId(), watch);
            if (previous != null) {
                previous.dispose();
            }
        }
    }

    private void publish(RunSummary summary) {
        synchronized (updates) {
            updates.tryEmitNext(summary);
        }
    }

    /** Keeps the newest {@code keepFinished} finished runs in memory; older ones are read from their journals. */
    private void forgetOldRuns() {
        watching.values().removeIf(Disposable::isDisposed);
        List<Live> finished = live.values().stream().filter(l -> l.handle().status().isFinal())
                .sorted(Comparator.comparing((Live l) -> l.tally().summary(l.handle().status(), clock.instant()).startedAt(),
                        Comparator.nullsFirst(Comparator.naturalOrder())))
                .toList();
        for (int i = 0; i < finished.size() - keepFinished; i++) {
            live.remove(finished.get(i).handle().runId(), finished.get(i));
        }
    }

    /** Summaries that change from now on (best effort: a slow watcher misses some and reloads the list). */
    public Flux<RunSummary> updates() {
        return updates.asFlux();
    }

    public Optional<RunHandle> live(String runId) {
        Live l = live.get(runId);
        return Optional.ofNullable(l == null ? null : l.handle());
    }

    /** Every run, newest first: those of this process, then journals of runs not running here. */
    public List<RunSummary> list() {
        Map<String, RunSummary> byId = new LinkedHashMap<>();
        live.values().forEach(l -> byId.put(l.handle().runId(), l.tally().summary(l.handle().status(), clock.instant())));
        for (String id : journalIds()) {
            if (!byId.containsKey(id)) {
                journalSummary(id).ifPresent(s -> byId.put(id, s));
            }
        }
        List<RunSummary> all = new ArrayList<>(byId.values());
        all.sort(Comparator.comparing(RunSummary::startedAt, Comparator.nullsLast(Comparator.reverseOrder()))
                .thenComparing(RunSummary::runId, Comparator.reverseOrder()));
        return all;
    }

    public Optional<RunSummary> summary(String runId) {
        Live l = live.get(runId);
        if (l != null) {
            return Optional.of(l.tally().summary(l.handle().status(), clock.instant()));
        }
        return hasJournal(runId) ? journalSummary(runId) : Optional.empty();
    }

    /** The events of a run that is not live here, from its journal; empty when there is none. */
    public Optional<List<RunEvent>> journal(String runId) {
        return hasJournal(runId) ? Optional.of(store.read(runId).events()) : Optional.empty();
    }

    /** Whether the store holds a journal of {@code runId} whose run has not ended (it may be open elsewhere). */
    public boolean openInJournal(String runId) {
        if (!hasJournal(runId)) {
            return false;
        }
        List<RunEvent> events = store.read(runId).events();
        return !events.isEmpty() && !ended(events.get(events.size() - 1));
    }

    private boolean hasJournal(String runId) {
        return RUN_ID.matcher(runId).matches() && store.contains(runId);
    }

    private List<String> journalIds() {
        return store.runIds().stream().filter(id -> RUN_ID.matcher(id).matches()).toList();
    }

    private Optional<RunSummary> journalSummary(String runId) {
        Cached cached = journals.getIfPresent(runId);
        if (cached != null) {
            return Optional.ofNullable(cached.summary());
        }
        try {
            StoredJournal journal = store.read(runId);
            List<RunEvent> events = journal.events();
            RunSummary summary = events.isEmpty() || !(events.get(0) instanceof RunEvent.RunStarted) ? null
                    : Tally.of(runId, events).summary(null, clock.instant()).withJournal(problem(journal.integrity()));
            if (!events.isEmpty() && ended(events.get(events.size() - 1))) {
                journals.put(runId, new Cached(summary));   // an ended run's journal gets no more events
            }
            return Optional.ofNullable(summary);
        } catch (RuntimeException e) {
            log.warn("Skipping unreadable journal {}: {}", store.location(runId), e.getMessage());
            return Optional.empty();
        }
    }

    private static boolean ended(RunEvent last) {
        return last instanceof RunEvent.RunFinished || last instanceof RunEvent.RunFailed || last instanceof RunEvent.RunCancelled;
    }

    /** What the page flags about a journal: {@code null} when it verifies. */
    static String problem(JournalIntegrity integrity) {
        return switch (integrity.status()) {
            case INTACT -> null;
            case UNVERIFIED -> "unverified: written before journals were authenticated, or its codes were removed";
            case CHANGED -> "changed at line " + integrity.line() + ": " + integrity.detail();
        };
    }

    @Override
    public void close() {
        watching.values().forEach(Disposable::dispose);
        updates.tryEmitComplete();
        if (ownStore) {
            store.close();
        }
    }
}
