package dev.cadre.eval;

/** One run of an eval: a case, on a crew, the n-th time (from 1). Its run id names its journal. */
public record RunKey(String caseId, String crew, int repeat) {

    public RunKey {
        if (repeat < 1) {
            throw new IllegalArgumentException("A run's repeat is counted from 1, not " + repeat + ".");
        }
    }

    /** {@code <case>__<crew>__r<n>}: the run id, and the name of the run's journal and cassette. */
    public String runId() {
        return caseId + "__" + crew + "__r" + repeat;
    }
}
