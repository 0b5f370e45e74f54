package dev.cadre.console.internal;

import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cadre.orchestrator.journal.JournalIntegrity;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.orchestrator.journal.JournalReader;
import dev.cadre.orchestrator.journal.JournalWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * The runs the console knows: those of this process (told by the orchestrator's run listener) and the journals in
 * the runs directory. Keeps a {@link Tally} per live run, fed by its events, and publishes a summary whenever one
 * changes.
 */
public final class RunBoard implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RunBoard.class);
    /** What a run id looks like (and all a URL may name: no path can escape the runs directory). */
    public static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    private record Live(RunHandle handle, Tally tally) {}

    private record Cached(FileTime modified, long size, RunSummary summary) {}

    private final Path runsDirectory;
    private final JournalKey key;
    private final int keepFinished;
    private final Clock clock;
    private final Map<String, Live> live = new ConcurrentHashMap<>();
    /** Summaries of journals read, valid while the file's time and size are unchanged (bounded: files come and go). */
    private final Cache<Path, Cached> journals = Caffeine.newBuilder().maximumSize(10_000).build();
    private final Sinks.Many<RunSummary> updates = Sinks.many().multicast().directBestEffort();
    private final Map<String, Disposable> watching = new ConcurrentHashMap<>();

    public RunBoard(Path runsDirectory, JournalKey key, int keepFinished, Clock clock) {
        this.runsDirectory = runsDirectory;
        this.key = key;
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
        for (Path journal : journalFiles()) {
            String id = journal.getFileName().toString().replaceFirst("\\.jsonl$", "");
            if (!byId.containsKey(id)) {
                journalSummary(id, journal).ifPresent(s -> byId.put(id, s));
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
        Path file = journalFile(runId);
        return file == null ? Optional.empty() : journalSummary(runId, file);
    }

    /** The events of a run that is not live here, from its journal; empty when there is none. */
    public Optional<List<RunEvent>> journal(String runId) {
        Path file = journalFile(runId);
        return file == null ? Optional.empty() : Optional.of(JournalReader.read(file, key).events());
    }

    private Path journalFile(String runId) {
        if (!RUN_ID.matcher(runId).matches()) {
            return null;
        }
        Path file = JournalWriter.fileFor(runsDirectory, runId);
        return Files.isRegularFile(file) ? file : null;
    }

    private List<Path> journalFiles() {
        if (!Files.isDirectory(runsDirectory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(runsDirectory)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jsonl")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the runs directory " + runsDirectory + ": " + e.getMessage(), e);
        }
    }

    private Optional<RunSummary> journalSummary(String runId, Path file) {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            Cached cached = journals.getIfPresent(file);
            if (cached != null && cached.modified().equals(modified) && cached.size() == size) {
                return Optional.ofNullable(cached.summary());
            }
            JournalReader.Journal journal = JournalReader.read(file, key);
            List<RunEvent> events = journal.events();
            RunSummary summary = events.isEmpty() || !(events.get(0) instanceof RunEvent.RunStarted) ? null
                    : Tally.of(runId, events).summary(null, clock.instant()).withJournal(problem(journal.integrity()));
            journals.put(file, new Cached(modified, size, summary));
            return Optional.ofNullable(summary);
        } catch (IOException | RuntimeException e) {
            log.warn("Skipping unreadable journal {}: {}", file, e.getMessage());
            return Optional.empty();
        }
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
    }
}
