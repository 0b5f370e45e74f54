package dev.cadre.temporal;

import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.Task;
import dev.cadre.api.crew.Crew;
import dev.cadre.orchestrator.RunOptions;
import dev.cadre.orchestrator.conformance.CrewDriver;
import dev.cadre.orchestrator.conformance.LocalCrewDriver;
import dev.cadre.orchestrator.journal.Durability;
import dev.cadre.orchestrator.journal.JournalKey;
import dev.cadre.orchestrator.journal.RunFilesJournalStore;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.nio.file.Path;
import java.util.List;

/**
 * The Temporal driver as the conformance suite sees it: a {@link TemporalCadre} with one worker on Temporal's in-memory
 * test service (time skipping on), its journals in the setup's store. A new driver is a new service and worker over
 * the same store, as a restarted cluster would be; {@link #close} stops it.
 */
final class TemporalCrewDriver implements CrewDriver, AutoCloseable {

    private final TestWorkflowEnvironment env;
    private final TemporalCadre cadre;
    private final LocalCrewDriver files;

    TemporalCrewDriver(Setup setup, JournalKey key) {
        this(setup, key, b -> b);
    }

    /** A driver whose {@link TemporalCadre} is built with {@code more} settings. */
    TemporalCrewDriver(Setup setup, JournalKey key, java.util.function.UnaryOperator<TemporalCadre.Builder> more) {
        Path runs = setup.store().resolve("runs");
        this.files = new LocalCrewDriver(setup, key);
        this.env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
                .setWorkflowClientOptions(WorkflowClientOptions.newBuilder().setDataConverter(TemporalCadre.dataConverter()).build())
                .build());
        this.cadre = more.apply(TemporalCadre.builder(env.getWorkflowClient()).models(setup.models()).tools(setup.tools())
                .gate(setup.gate()).runsDirectory(runs).journalKey(key)
                // the per-run files the local driver's suite cuts (a Temporal run in the default store: SameJournalTest)
                .journalStore(new RunFilesJournalStore(runs, key, Durability.PROCESS))).build();
        cadre.register(env.getWorkerFactory());
        env.start();
    }

    TestWorkflowEnvironment environment() {
        return env;
    }

    TemporalCadre cadre() {
        return cadre;
    }

    @Override
    public RunHandle run(Crew crew, Task task, RunOptions options) {
        return cadre.run(crew, task, options);
    }

    @Override
    public RunHandle resume(String runId, Crew crew, RunOptions options) {
        return cadre.resume(runId, crew, options);
    }

    /** The journal files are the local driver's: read and cut them as it does. */
    @Override
    public List<RunEvent> journal(String runId) {
        return files.journal(runId);
    }

    @Override
    public void cut(String runId, int events) {
        files.cut(runId, events);
    }

    @Override
    public void close() {
        cadre.close();
        env.shutdownNow();
        env.close();
    }
}
