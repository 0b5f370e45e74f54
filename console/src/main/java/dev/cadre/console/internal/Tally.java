package dev.cadre.console.internal;

import dev.cadre.api.ForkedFrom;
import dev.cadre.api.RunEvent;
import dev.cadre.api.RunStatus;
import dev.cadre.api.Usage;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Adds up a run's events into its {@link RunSummary}: crew, task, status, tokens, cost, duration. */
final class Tally {

    private final String runId;
    private String crew = "?";
    private String task = "";
    private Instant startedAt;
    private Instant lastAt;
    private Instant endedAt;
    private Usage usage = Usage.ZERO;
    private Usage finalUsage;
    private RunStatus finalStatus;
    private String reason;
    private ForkedFrom forkedFrom;
    private final Set<String> pending = new LinkedHashSet<>();

    Tally(String runId) {
        this.runId = runId;
    }

    static Tally of(String runId, List<RunEvent> events) {
        Tally tally = new Tally(runId);
        events.forEach(tally::add);
        return tally;
    }

    synchronized void add(RunEvent event) {
        lastAt = event.timestamp();
        if (event instanceof RunEvent.RunStarted e) {
            crew = e.crew();
            task = e.task() == null ? "" : e.task().renderedDescription();
            startedAt = startedAt == null ? e.timestamp() : startedAt;
            forkedFrom = e.forkedFrom();
        } else if (event instanceof RunEvent.ModelResponded e && e.usage() != null) {
            usage = usage.plus(e.usage());
        } else if (event instanceof RunEvent.ToolReturned) {
            usage = usage.plus(Usage.ofToolCall());
        } else if (event instanceof RunEvent.CheckpointRequested e) {
            pending.add(e.checkpoint().id());
        } else if (event instanceof RunEvent.CheckpointResolved e) {
            pending.remove(e.checkpointId());
        } else if (event instanceof RunEvent.RunFinished e) {
            end(RunStatus.SUCCEEDED, e.usage(), null, e.timestamp());
        } else if (event instanceof RunEvent.RunFailed e) {
            end(RunStatus.FAILED, e.usage(), e.reason(), e.timestamp());
        } else if (event instanceof RunEvent.RunCancelled e) {
            end(RunStatus.CANCELLED, e.usage(), e.reason(), e.timestamp());
        }
    }

    private void end(RunStatus status, Usage total, String why, Instant at) {
        finalStatus = status;
        finalUsage = total;
        reason = why;
        endedAt = at;
        pending.clear();
    }

    /** {@code liveStatus}: the handle's status for a run of this process, {@code null} for a journal. */
    synchronized RunSummary summary(RunStatus liveStatus, Instant now) {
        String status = finalStatus != null ? finalStatus.name()
                : liveStatus != null ? liveStatus.name() : "INTERRUPTED";
        Usage u = finalUsage != null ? finalUsage : usage;
        Instant start = startedAt != null ? startedAt : lastAt;
        Instant end = endedAt != null ? endedAt : liveStatus != null ? now : lastAt;
        long duration = start == null || end == null ? 0 : Math.max(0, Duration.between(start, end).toMillis());
        return new RunSummary(runId, crew, task, status, liveStatus != null, start, endedAt, duration, u.inputTokens(),
                u.outputTokens(), u.modelCalls(), u.toolCalls(), u.cost(), pending.size(), reason, null, forkedFrom);
    }
}
