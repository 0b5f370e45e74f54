package dev.cadre.orchestrator.crash;

import dev.cadre.api.RunHandle;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.orchestrator.RunOptions;
import dev.cadre.orchestrator.journal.WriterProcesses;

/**
 * The child JVM of {@link KilledWriterResumeTest}: an orchestrator with the default store starts several runs of
 * {@link KilledWriterResumeTest#CREW} at once and prints {@code <runId> <seq>} for each event it publishes (an event is
 * published once its append has returned: it is committed), until it is killed. Arguments: the runs directory, the
 * journal key (hex), the durability, the number of runs.
 */
public final class CrewWriterProcess {

    private CrewWriterProcess() {}

    public static void main(String[] args) throws Exception {
        WriterProcesses.Args a = WriterProcesses.Args.parse(args);
        Orchestrator orchestrator = KilledWriterResumeTest.orchestrator(a.runs(), a.key(), a.durability());
        for (int i = 0; i < a.count(); i++) {
            RunHandle run = orchestrator.run(KilledWriterResumeTest.CREW, KilledWriterResumeTest.TASK, RunOptions.DEFAULTS.withRunId("r-" + i));
            run.events().subscribe(event -> {
                synchronized (System.out) {
                    System.out.println(event.runId() + " " + event.seq());
                    System.out.flush();
                }
            });
        }
        Thread.sleep(Long.MAX_VALUE);
    }
}
