package dev.cadre.api;

/** Where a run is. The last three are final. */
public enum RunStatus {
    RUNNING, WAITING_FOR_HUMAN, SUCCEEDED, FAILED, CANCELLED;

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
