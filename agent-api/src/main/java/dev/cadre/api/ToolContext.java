package dev.cadre.api;

import java.util.Objects;

/**
 * Where a tool call comes from.
 *
 * @param runId     the run making the call
 * @param stepPath  the step making the call, e.g. {@code review-loop/iteration-2/coder}
 * @param agent     the persona id of the calling agent
 * @param callId    the model's id for this tool call (unique within the run)
 */
public record ToolContext(String runId, String stepPath, String agent, String callId) {
    public ToolContext {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(stepPath, "stepPath");
    }
}
