package dev.cadre.orchestrator.internal.core;

import dev.cadre.orchestrator.pattern.Failure;

/** Thrown inside a stage to fail its step; the stage that calls it catches it and fails its promise with {@link #failure()}. */
final class Raised extends RuntimeException {
    private final Failure failure;

    Raised(Failure failure) {
        super(failure.reason(), null, false, false);
        this.failure = failure;
    }

    Failure failure() {
        return failure;
    }
}
