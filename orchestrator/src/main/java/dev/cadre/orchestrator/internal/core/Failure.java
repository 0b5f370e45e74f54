package dev.cadre.orchestrator.internal.core;

/**
 * Why a step did not give an output: it failed (the run fails unless a pattern catches it, as a manager's delegation
 * does), a human aborted at a checkpoint (the run is cancelled), or a delegation cycle was found (no manager catches it).
 */
public record Failure(String reason, Kind kind) {

    public enum Kind { FAILED, ABORTED, CYCLE }

    public static Failure of(String reason) {
        return new Failure(reason, Kind.FAILED);
    }

    public static Failure aborted(String reason) {
        return new Failure(reason, Kind.ABORTED);
    }

    /** Thrown inside a stage to fail its step; {@link Promise#then} turns it into the promise's failure. */
    static final class Raised extends RuntimeException {
        private final Failure failure;

        Raised(Failure failure) {
            super(failure.reason(), null, false, false);
            this.failure = failure;
        }

        Failure failure() {
            return failure;
        }
    }

    RuntimeException raise() {
        return new Raised(this);
    }
}
