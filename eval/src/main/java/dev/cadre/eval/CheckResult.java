package dev.cadre.eval;

/** How one check of a run came out: its kind, whether it passed, and in one sentence what was found. */
public record CheckResult(String kind, boolean passed, String detail) {

    public static CheckResult pass(String kind, String detail) {
        return new CheckResult(kind, true, detail);
    }

    public static CheckResult fail(String kind, String detail) {
        return new CheckResult(kind, false, detail);
    }
}
