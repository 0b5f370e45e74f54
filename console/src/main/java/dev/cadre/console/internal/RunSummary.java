package dev.cadre.console.internal;

import dev.cadre.api.ForkedFrom;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * One line of the runs list, as the page shows it.
 *
 * @param status  a {@link dev.cadre.api.RunStatus} name, or {@code INTERRUPTED} for a journal whose run is not
 *                running here and did not end
 * @param live    whether the run is running (or ran) in this process, so it can be answered and cancelled here
 * @param endedAt {@code null} while the run goes on
 * @param journal {@code null} when the run is live here or its journal verifies; else what is wrong with the journal
 *                ("changed at line 12: ...", "unverified: ..."), shown flagged
 * @param forkedFrom the run this one was forked from, at which event and with what change; {@code null} for a run
 *                started afresh
 */
public record RunSummary(String runId, String crew, String task, String status, boolean live, Instant startedAt,
                         Instant endedAt, long durationMs, long inputTokens, long outputTokens, long modelCalls,
                         long toolCalls, BigDecimal cost, int pendingCheckpoints, String reason, String journal,
                         ForkedFrom forkedFrom) {

    /** This summary with the journal's integrity problem. */
    public RunSummary withJournal(String problem) {
        return new RunSummary(runId, crew, task, status, live, startedAt, endedAt, durationMs, inputTokens, outputTokens,
                modelCalls, toolCalls, cost, pendingCheckpoints, reason, problem, forkedFrom);
    }

    /** This summary with another status (a run open elsewhere: what its handle says). */
    public RunSummary withStatus(String status) {
        return new RunSummary(runId, crew, task, status, live, startedAt, endedAt, durationMs, inputTokens, outputTokens,
                modelCalls, toolCalls, cost, pendingCheckpoints, reason, journal, forkedFrom);
    }
}
