package dev.cadre.orchestrator.internal;

import dev.cadre.api.CrewSource;
import dev.cadre.api.RunEvent;
import dev.cadre.orchestrator.journal.StoredJournal;
import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Task;
import dev.cadre.api.Usage;
import dev.cadre.api.crew.Crew;
import dev.cadre.api.crew.Step;
import dev.cadre.api.crew.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Checks on a crew before it runs, and a run's result read back from its journal. */
public final class Crews {

    private Crews() {}

    /** The names outputs go by in this process: each step's name (a work step's is its task id). */
    public static Set<String> outputNames(Step step) {
        return Crew.outputNames(step);
    }

    /** Every custom step of the crew must be of a kind the orchestrator has a pattern for. */
    public static void requirePatterns(Crew crew, Step step, Set<String> kinds) {
        if (step instanceof Step.Custom c && !kinds.contains(c.kind())) {
            throw new IllegalArgumentException("Crew '" + crew.name() + "': step '" + c.name() + "' is of kind '" + c.kind()
                    + "', but this orchestrator has no pattern for it; patterns: " + (kinds.isEmpty() ? "none" : String.join(", ", new TreeSet<>(kinds)))
                    + " (register one with Orchestrator.builder().pattern(kind, pattern)).");
        }
        children(step).forEach(child -> requirePatterns(crew, child, kinds));
    }

    private static List<Step> children(Step step) {
        List<Step> children = new ArrayList<>();
        if (step instanceof Step.Sequential s) children.addAll(s.steps());
        if (step instanceof Step.Loop l) children.addAll(l.steps());
        if (step instanceof Step.Parallel p) children.addAll(p.branches());
        if (step instanceof Step.Custom c) children.addAll(c.steps());
        if (step instanceof Step.Hierarchical h) h.workers().forEach(w -> {
            if (w instanceof Worker.Team t) children.add(t.team());
        });
        return children;
    }

    /** Every context a task of the crew names must be produced by a step of the crew or given with the run. */
    public static void validate(Crew crew, Set<String> names, Set<String> given) {
        List<Task> tasks = new ArrayList<>();
        tasks(crew.process(), tasks);
        for (Task task : tasks) {
            for (String name : task.context()) {
                if (!names.contains(name) && !given.contains(name)) {
                    throw new IllegalArgumentException("Crew '" + crew.name() + "': task '" + task.id() + "' takes context '"
                            + name + "', which no step of the crew produces and the run was not given; outputs: "
                            + String.join(", ", new TreeSet<>(names)) + ".");
                }
            }
        }
    }

    private static void tasks(Step step, List<Task> tasks) {
        if (step instanceof Step.Work w && w.task() != null) tasks.add(w.task());
        if (step instanceof Step.Sequential s) s.steps().forEach(c -> tasks(c, tasks));
        if (step instanceof Step.Loop l) l.steps().forEach(c -> tasks(c, tasks));
        if (step instanceof Step.Custom c) c.steps().forEach(child -> tasks(child, tasks));
        if (step instanceof Step.Parallel p) p.branches().forEach(c -> tasks(c, tasks));
        if (step instanceof Step.Hierarchical h) {
            if (h.goal() != null) tasks.add(h.goal());
            h.workers().forEach(w -> {
                if (w instanceof Worker.Team t) tasks(t.team(), tasks);
            });
        }
        if (step instanceof Step.Debate d && d.question() != null) tasks.add(d.question());
        if (step instanceof Step.Vote v && v.question() != null) tasks.add(v.question());
    }

    /** The run's start, checked against the crew it is to go on with (resume, fork). */
    public static RunEvent.RunStarted startOf(String runId, StoredJournal journal, Crew crew, CrewSource givenSource,
                                              boolean crewChanged) {
        List<RunEvent> events = journal.events();
        if (events.isEmpty() || !(events.get(0) instanceof RunEvent.RunStarted started)) {
            throw new IllegalArgumentException("Run '" + runId + "' cannot be resumed: its journal " + journal.location()
                    + " does not begin with the run's start.");
        }
        if (!started.runId().equals(runId)) {
            throw new IllegalArgumentException("Run '" + runId + "' cannot be resumed: its journal " + journal.location()
                    + " holds run '" + started.runId() + "'.");
        }
        if (started.schemaVersion() > RunEvent.RunStarted.CURRENT_SCHEMA) {
            throw new IllegalArgumentException("Run '" + runId + "' cannot be resumed: its journal " + journal.location()
                    + " was written with event schema " + started.schemaVersion() + ", newer than the schema "
                    + RunEvent.RunStarted.CURRENT_SCHEMA + " this version of Cadre reads; resume it with the version that wrote it or a later one.");
        }
        if (!started.crew().equals(crew.name())) {
            throw new IllegalArgumentException("Run '" + runId + "' was started with crew '" + started.crew()
                    + "', not '" + crew.name() + "': resume it with the same crew.");
        }
        CrewSource recordedSource = started.crewSource();
        if (recordedSource != null && givenSource != null && !crewChanged
                && !recordedSource.sha256().equals(givenSource.sha256())) {
            throw new IllegalArgumentException("Run '" + runId + "' was started with another definition of crew '" + crew.name()
                    + "' (" + recordedSource.origin() + ", sha256 " + recordedSource.sha256().substring(0, 12) + "), not "
                    + givenSource.origin() + " (sha256 " + givenSource.sha256().substring(0, 12)
                    + "): resume it with the crew it started with, or say the change is intended (crewChanged, cadre runs resume --crew-changed).");
        }
        return started;
    }

    /** The result of an ended run, from its journal. */
    public static RunResult resultFrom(List<RunEvent> events) {
        RunEvent first = events.get(0);
        RunEvent last = events.get(events.size() - 1);
        Map<String, String> outputs = new LinkedHashMap<>();
        Map<String, String> outcomes = new LinkedHashMap<>();
        for (RunEvent e : events) {
            if (e instanceof RunEvent.StepFinished f) {
                outputs.put(f.stepPath(), f.output());
                if (f.outcome() != null) {
                    outcomes.put(f.stepPath(), f.outcome());
                }
            }
        }
        RunStatus status;
        String output = null;
        String reason = null;
        Usage usage;
        if (last instanceof RunEvent.RunFinished f) {
            status = RunStatus.SUCCEEDED;
            output = f.output();
            usage = f.usage();
        } else if (last instanceof RunEvent.RunFailed f) {
            status = RunStatus.FAILED;
            reason = f.reason();
            usage = f.usage();
        } else {
            RunEvent.RunCancelled c = (RunEvent.RunCancelled) last;
            status = RunStatus.CANCELLED;
            reason = c.reason();
            usage = c.usage();
        }
        return new RunResult(first.runId(), status, output, outputs, usage, reason,
                Duration.between(first.timestamp(), last.timestamp()), outcomes);
    }
}
