package dev.cadre.eval;

/**
 * How one check of a run came out: its kind, whether it passed, and in one sentence what was found; for a judge
 * check, the judge's opinion too ({@code null} for every other check, and when the judge gave no verdict).
 */
public record CheckResult(String kind, boolean passed, String detail, JudgeOpinion opinion) {

    public CheckResult(String kind, boolean passed, String detail) {
        this(kind, passed, detail, null);
    }

    public static CheckResult pass(String kind, String detail) {
        return new CheckResult(kind, true, detail);
    }

    public static CheckResult fail(String kind, String detail) {
        return new CheckResult(kind, false, detail);
    }
}
