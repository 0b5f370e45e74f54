package dev.cadre.orchestrator.journal;

/** How durable an appended event is before it is published. */
public enum Durability {
    /**
     * The event is in the operating system (its page cache) before it is published: it survives the process being
     * killed, not a power cut or a kernel crash. The default.
     */
    PROCESS,
    /**
     * The event is on disk before it is published: it survives a power cut. Concurrent runs share each sync (group
     * commit), so the cost is one sync per batch, not per event.
     */
    FSYNC;

    /** {@link #FSYNC} when {@code fsync}, else {@link #PROCESS}. */
    public static Durability of(boolean fsync) {
        return fsync ? FSYNC : PROCESS;
    }
}
