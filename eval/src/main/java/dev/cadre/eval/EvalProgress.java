package dev.cadre.eval;

/** Told as an eval goes: a progress bar, a log. Called from the threads runs finish on; keep it quick. */
@FunctionalInterface
public interface EvalProgress {

    /** Nothing is told. */
    EvalProgress NONE = (record, done, total) -> {};

    /**
     * A run finished (or was found finished by an earlier, interrupted eval: then {@code done} counts it at the start).
     *
     * @param record the run's result
     * @param done   runs finished so far, this one included
     * @param total  runs in the eval
     */
    void runFinished(RunRecord record, int done, int total);
}
