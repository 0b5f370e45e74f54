package dev.cadre.temporal.internal;

import dev.cadre.api.Tool;
import dev.cadre.api.ToolResult;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Tool calls as an activity, on a worker that has the tools (and their workspace). A call Temporal retries (its worker
 * was lost mid-call) or one the journal shows was interrupted first asks the tool whether its effect is already there
 * ({@link Tool#recoverInterruptedCall}, keyed by the call's identity in its context: run, step, agent, call id), so a
 * writing tool that can check applies its effect once. A long call heartbeats, so a lost worker is noticed in seconds.
 */
public final class ToolActivities implements RunActivities.Tools, AutoCloseable {

    private final Map<String, Tool> tools;
    private final PayloadStore payloads;
    private final Heartbeats beats = new Heartbeats();

    private final String workspace;

    /** {@code workspace}: the directory the tools work in (absolute), or {@code null} when this worker names none. */
    public ToolActivities(List<? extends Tool> tools, PayloadStore payloads, String workspace) {
        this.payloads = payloads;
        this.workspace = workspace;
        this.tools = tools.stream().collect(Collectors.toMap(Tool::name, Function.identity(), (a, b) -> a));
    }

    /**
     * Calls the tool; a result over {@link PayloadStore#INLINE_LIMIT} characters is kept in the payload store and its
     * placeholder returned, so no result is too large for the history.
     */
    @Override
    public ToolResult call(RunActivities.ToolCall c) {
        ToolResult result = invoke(c);
        String text;
        try {
            text = payloads.shrink(c.context().runId(), result.text());
        } catch (IllegalArgumentException tooLarge) {   // over the payload limit: the agent is told, the run goes on
            return ToolResult.error("Tool '" + c.tool() + "' returned " + result.text().length() + " characters, too many to keep: "
                    + tooLarge.getMessage());
        }
        return text.equals(result.text()) ? result : new ToolResult(text, null, result.error());
    }

    @Override
    public String workspace() {
        return workspace;
    }

    private ToolResult invoke(RunActivities.ToolCall c) {
        Tool tool = tools.get(c.tool());
        if (tool == null) {
            return ToolResult.error("Tool '" + c.tool() + "' is not on this worker; it has: "
                    + (tools.isEmpty() ? "none" : String.join(", ", tools.keySet().stream().sorted().toList())) + ".");
        }
        ActivityExecutionContext context = Activity.getExecutionContext();
        ScheduledFuture<?> beating = beats.start();
        try {
            if (c.recover() || context.getInfo().getAttempt() > 1) {
                ToolResult recovered = recover(tool, c);
                if (recovered != null) {
                    return recovered;
                }
            }
            ToolResult result = tool.invoke(c.arguments(), c.context()).block();
            return result != null ? result : ToolResult.error("Tool '" + tool.name() + "' returned no result.");
        } catch (RuntimeException e) {
            Throwable cause = reactor.core.Exceptions.unwrap(e);
            if (cause instanceof Error fatal) {
                throw fatal; // the worker is not sound: no result; Temporal retries the call, which recovers first
            }
            return ToolResult.error("Tool '" + tool.name() + "' failed: " + ModelActivities.describe(cause));
        } finally {
            beating.cancel(false);
        }
    }

    private static ToolResult recover(Tool tool, RunActivities.ToolCall c) {
        try {
            return tool.recoverInterruptedCall(c.arguments(), c.context()).block();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The heartbeats of this worker's activities (model calls beat with them too). */
    public Heartbeats heartbeats() {
        return beats;
    }

    @Override
    public void close() {
        beats.close();
    }
}
