package dev.cadre.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A point where a run stops until someone decides. It is journaled, so it survives a restart; waiting on it holds
 * no thread.
 *
 * @param id             unique within the run
 * @param runId          the waiting run
 * @param stepPath       the step that waits
 * @param kind           why the run stopped
 * @param question       what the decider is asked
 * @param proposedOutput the output under review, or the tool call awaiting approval, or {@code null}
 * @param requestedAt    when the run stopped
 * @param timeout        how long to wait before {@code onTimeout} applies, or {@code null} to wait forever
 * @param onTimeout      the decision taken when the timeout passes, or {@code null}
 * @param agent          the agent whose work waits, or {@code null}
 * @param risk           for a tool approval, the tool's risk level; otherwise {@code null}
 */
public record Checkpoint(String id, String runId, String stepPath, Kind kind, String question, String proposedOutput,
                         Instant requestedAt, Duration timeout, Decision onTimeout, String agent, RiskLevel risk) {

    public enum Kind {
        /** Review a task before it starts. */
        REVIEW_BEFORE,
        /** Review a task's output before the run goes on. */
        REVIEW_AFTER,
        /** Approve a risky tool call before it runs. */
        TOOL_APPROVAL,
        /** An agent asked a human a question (the answer is the decision's feedback or edited output). */
        ASK_HUMAN,
        /** A budget ran out and the policy asks whether to go on. */
        BUDGET
    }

    public Checkpoint {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(question, "question");
        if (timeout != null && onTimeout == null) {
            throw new IllegalArgumentException("Checkpoint '" + id + "' has a timeout but no decision to take when it passes.");
        }
    }
}
