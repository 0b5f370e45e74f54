package dev.cadre.orchestrator.internal;

/** A human (or a policy) aborted the run at a checkpoint; the run ends as cancelled with this reason. */
public final class RunAbortedException extends RuntimeException {
    public RunAbortedException(String message) {
        super(message, null, false, false);
    }
}
