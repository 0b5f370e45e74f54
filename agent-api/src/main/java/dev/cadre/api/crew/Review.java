package dev.cadre.api.crew;

/**
 * Human review of a work step: before it starts and/or after it produces its output. A rejection with feedback
 * redoes the step with the feedback in its context, at most {@code maxRejections} times; then the step fails.
 */
public record Review(boolean before, boolean after, int maxRejections) {
    public static final Review NONE = new Review(false, false, 0);

    public static Review afterWork() {
        return new Review(false, true, 3);
    }

    public static Review beforeWork() {
        return new Review(true, false, 3);
    }

    public boolean any() {
        return before || after;
    }
}
