package dev.cadre.orchestrator.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadre.api.RunEvent;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Task;
import dev.cadre.api.crew.Crew;
import dev.cadre.orchestrator.RunOptions;
import dev.cadre.testkit.ScriptedModel;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.LongStream;

/** Resume after a crash at chosen events: each cut run must end as the uninterrupted one, with the same events. */
public final class Cuts {

    private Cuts() {}

    /** Makes a new driver (over the same store) answering with {@code model}. */
    public interface Drivers {
        CrewDriver driver(ScriptedModel model);
    }

    /** The world outside the journal that tools change (a workspace), reset before each run and rebuilt after a cut. */
    public interface World {
        /** Nothing outside the journal: tools that only read. */
        World NONE = new World() {
            public void reset() {}
            public void replay(List<RunEvent> kept) {}
        };

        /** Puts the world back as it was before any run. */
        void reset();

        /** Applies, to a reset world, the effects of the tool calls whose results {@code kept} holds: what a crash left. */
        void replay(List<RunEvent> kept);
    }

    /** {@link #assertResumesAfterEachCut(Drivers, Supplier, Crew, Task, Function, World)} for crews whose tools change nothing. */
    public static RunResult assertResumesAfterEachCut(Drivers drivers, Supplier<ScriptedModel> model, Crew crew, Task task,
                                                      Function<Integer, List<Integer>> cutPoints) {
        return assertResumesAfterEachCut(drivers, model, crew, task, cutPoints, World.NONE);
    }

    /**
     * Runs {@code crew} once whole, then for each cut point k runs it again, cuts its journal after event k, resumes
     * it with a new driver and a fresh model, and asserts the result, the journal's events (as {@link Runs#signature}s,
     * in any order: parallel branches land in any order) and that the model was asked only for what was not journaled.
     * {@code world} is reset before each run and, before each resume, replayed to what the kept events had done.
     * Returns the uninterrupted run's result.
     */
    public static RunResult assertResumesAfterEachCut(Drivers drivers, Supplier<ScriptedModel> model, Crew crew, Task task,
                                                      Function<Integer, List<Integer>> cutPoints, World world) {
        String name = crew.name();
        world.reset();
        CrewDriver first = drivers.driver(model.get());
        RunResult expected = Runs.result(first.run(crew, task, Runs.id(name + "-whole")));
        assertThat(expected.status()).as(expected.reason()).isEqualTo(RunStatus.SUCCEEDED);
        List<RunEvent> whole = first.journal(name + "-whole");
        List<String> expectedEvents = Runs.signatures(whole);

        List<Integer> cuts = cutPoints.apply(whole.size());
        assertThat(cuts).isNotEmpty();
        for (int k : cuts) {
            String runId = name + "-cut-" + k;
            String trial = name + " cut after event " + k + " (" + Runs.kind(whole.get(k - 1)) + " " + whole.get(k - 1).stepPath() + ")";
            world.reset();
            CrewDriver before = drivers.driver(model.get());
            Runs.result(before.run(crew, task, Runs.id(runId)));
            before.cut(runId, k);
            List<RunEvent> kept = before.journal(runId);
            assertThat(kept).as(trial).hasSize(k);
            world.reset();
            world.replay(kept);

            ScriptedModel again = model.get();
            CrewDriver after = drivers.driver(again);
            RunHandle resumed = after.resume(runId, crew, RunOptions.DEFAULTS);
            RunResult result = Runs.result(resumed);

            assertThat(result.status()).as(trial + ": " + result.reason()).isEqualTo(expected.status());
            assertThat(result.output()).as(trial).isEqualTo(expected.output());
            assertThat(result.outputs()).as(trial).isEqualTo(expected.outputs());
            assertThat(result.outcomes()).as(trial).isEqualTo(expected.outcomes());
            assertThat(result.usage()).as(trial).isEqualTo(expected.usage());
            List<RunEvent> journal = after.journal(runId);
            assertThat(journal.subList(0, k)).as(trial + ": the events before the cut stay").isEqualTo(kept);
            assertThat(journal).extracting(RunEvent::seq).as(trial)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, journal.size()).boxed().toList());
            assertThat(Runs.signatures(journal)).as(trial + ": the same events as the uninterrupted run")
                    .containsExactlyInAnyOrderElementsOf(expectedEvents);
            assertThat(again.requests()).as(trial + ": the model is asked only for answers the journal did not hold")
                    .hasSize((int) (Runs.modelAnswers(journal) - Runs.modelAnswers(kept)));
            assertThat(Runs.events(resumed)).as(trial).isEqualTo(journal);
        }
        return expected;
    }
}
