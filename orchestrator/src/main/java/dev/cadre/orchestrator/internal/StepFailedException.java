package dev.cadre.orchestrator.internal;

/** A step failed for a reason the user can act on; the message is that reason, in one sentence. */
public final class StepFailedException extends RuntimeException {
    public StepFailedException(String message) {
        super(message, null, false, false);
    }

    public StepFailedException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
