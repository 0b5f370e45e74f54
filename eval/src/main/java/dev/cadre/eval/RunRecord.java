package dev.cadre.eval;

import java.math.BigDecimal;
import java.util.List;

/**
 * One finished run of an eval, as kept in {@code results.jsonl} (so an interrupted eval does not run it again).
 *
 * @param caseId       the case
 * @param crew         the crew
 * @param repeat       which repetition, from 1
 * @param runId        the run's id (its journal is {@code runs/<runId>.jsonl} in the eval's directory)
 * @param status       how the run ended: SUCCEEDED, FAILED or CANCELLED
 * @param passed       the run succeeded and every check passed
 * @param failureKind  why it did not pass, as a kind: {@code budget}, {@code run_failed}, {@code cancelled},
 *                     {@code replay_diverged}, or the kind of the first check that failed ({@code equals}, ...);
 *                     {@code null} when it passed
 * @param failure      the same in one sentence, or {@code null}
 * @param checks       every check's result (none when the run itself failed)
 * @param inputTokens  prompt tokens of the whole run
 * @param outputTokens completion tokens of the whole run
 * @param cost         its cost, from the price table (zero without prices)
 * @param modelCalls   model calls made
 * @param steps        agents' steps run
 * @param millis       wall time of the run
 * @param journal      the run's journal, relative to the eval's directory
 */
public record RunRecord(String caseId, String crew, int repeat, String runId, String status, boolean passed, String failureKind,
                        String failure, List<CheckResult> checks, long inputTokens, long outputTokens, BigDecimal cost,
                        long modelCalls, long steps, long millis, String journal) {

    public RunRecord {
        checks = checks == null ? List.of() : List.copyOf(checks);
        cost = cost == null ? BigDecimal.ZERO : cost;
    }

    public RunKey key() {
        return new RunKey(caseId, crew, repeat);
    }

    public long tokens() {
        return inputTokens + outputTokens;
    }
}
