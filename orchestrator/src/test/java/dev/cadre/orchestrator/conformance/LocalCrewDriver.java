package dev.cadre.orchestrator.conformance;

import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.Task;
import dev.cadre.api.crew.Crew;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.orchestrator.RunOptions;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.orchestrator.journal.Durability;
import dev.cadre.orchestrator.journal.JournalReader;
import dev.cadre.orchestrator.journal.RunFilesJournalStore;
import dev.cadre.orchestrator.journal.JournalWriter;
import dev.cadre.orchestrator.redaction.Redactor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The local driver as the conformance suite sees it: an {@link Orchestrator} whose journals live in the setup's store. */
public final class LocalCrewDriver implements CrewDriver {

    private final Orchestrator orchestrator;
    private final JournalKey key;

    /** A driver over {@code setup}; drivers over the same store share {@code key}, as one machine's processes do. */
    public LocalCrewDriver(Setup setup, JournalKey key) {
        this.key = key;
        this.orchestrator = Orchestrator.builder().models(setup.models()).tools(setup.tools()).gate(setup.gate())
                .runsDirectory(setup.store().resolve("runs")).journalKey(key).redactor(Redactor.none())
                // per-run files, which the suite cuts to emulate crashes (the default store reads them and continues them)
                .journalStore(new RunFilesJournalStore(setup.store().resolve("runs"), key, Durability.PROCESS)).build();
    }

    @Override
    public RunHandle run(Crew crew, Task task, RunOptions options) {
        return orchestrator.run(crew, task, options);
    }

    @Override
    public RunHandle resume(String runId, Crew crew, RunOptions options) {
        return orchestrator.resume(runId, crew, options);
    }

    @Override
    public List<RunEvent> journal(String runId) {
        return JournalReader.read(file(runId), key).events();
    }

    @Override
    public void cut(String runId, int events) {
        Path file = file(runId);
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            Files.write(file, lines.subList(0, Math.min(events, lines.size())), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path file(String runId) {
        return JournalWriter.fileFor(orchestrator.runsDirectory(), runId);
    }
}
