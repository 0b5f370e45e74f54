package dev.cadre.orchestrator.pattern;

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

}
