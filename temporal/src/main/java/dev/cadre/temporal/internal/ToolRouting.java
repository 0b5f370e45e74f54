package dev.cadre.temporal.internal;

import dev.cadre.api.ToolResult;
import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Where a run's tool calls go, inside its workflow: the task queue of the worker that holds its workspace, which an
 * operator may change while the run is open ({@code cadre runs move}). A move cancels the calls waiting on the old queue
 * and asks them again on the new one, with the interrupted-call check (a call its old host had begun is asked first
 * whether its effect is already there); calls asked after the move go to the new queue.
 */
final class ToolRouting {

    private record InFlight(RunActivities.ToolCall call, CancellationScope scope, BiConsumer<ToolResult, Throwable> done) {}

    private final ActivityOptions options;
    private String queue;
    private RunActivities.Tools tools;
    private final Map<Integer, InFlight> inFlight = new LinkedHashMap<>();
    private int next;

    /** {@code queue}: the tool calls' task queue, or {@code null} for the workflow's own. */
    ToolRouting(ActivityOptions options, String queue) {
        this.options = options;
        route(queue);
    }

    private void route(String to) {
        queue = to;
        ActivityOptions.Builder b = ActivityOptions.newBuilder(options);
        if (to != null) {
            b.setTaskQueue(to);
        }
        tools = Workflow.newActivityStub(RunActivities.Tools.class, b.build());
    }

    /**
     * The workspace of the worker that takes this run's tool calls (absolute), asked once as the run starts; {@code null}
     * when that worker names none, or none took the question within {@link #WORKSPACE_WAIT} (its host is down: the run
     * starts without it rather than wait).
     */
    String workspace() {
        ActivityOptions.Builder b = ActivityOptions.newBuilder().setScheduleToStartTimeout(WORKSPACE_WAIT)
                .setStartToCloseTimeout(WORKSPACE_WAIT).setRetryOptions(io.temporal.common.RetryOptions.newBuilder().setMaximumAttempts(1).build());
        if (queue != null) {
            b.setTaskQueue(queue);
        }
        try {
            return Workflow.newActivityStub(RunActivities.Tools.class, b.build()).workspace();
        } catch (io.temporal.failure.ActivityFailure unanswered) {
            return null;
        }
    }

    /** How long a starting run waits for its workspace host to say where its workspace is. */
    static final java.time.Duration WORKSPACE_WAIT = java.time.Duration.ofSeconds(10);

    /** The task queue tool calls go to now ({@code null}: the workflow's own). */
    String queue() {
        return queue;
    }

    /** Calls the tool; {@code done} gets its result or its failure once, from the queue it was last sent to. */
    void call(RunActivities.ToolCall call, BiConsumer<ToolResult, Throwable> done) {
        int id = next++;
        send(id, call, done);
    }

    private void send(int id, RunActivities.ToolCall call, BiConsumer<ToolResult, Throwable> done) {
        RunActivities.Tools on = tools;
        Promise<ToolResult>[] result = newPromiseHolder();
        CancellationScope scope = Workflow.newCancellationScope(() -> result[0] = Async.function(on::call, call));
        scope.run();
        inFlight.put(id, new InFlight(call, scope, done));
        result[0].handle((r, failure) -> {
            InFlight current = inFlight.get(id);
            if (current == null || current.scope() != scope) {
                return null; // moved: the call was sent again
            }
            inFlight.remove(id);
            done.accept(r, failure);
            return null;
        });
    }

    @SuppressWarnings("unchecked")
    private static Promise<ToolResult>[] newPromiseHolder() {
        return new Promise[1];
    }

    /** Sends tool calls to {@code to} from now on, and the calls waiting on the old queue again there. */
    void move(String to) {
        route(to);
        Map<Integer, InFlight> waiting = new LinkedHashMap<>(inFlight);
        for (Map.Entry<Integer, InFlight> e : waiting.entrySet()) {
            InFlight f = e.getValue();
            f.scope().cancel();
            RunActivities.ToolCall again = new RunActivities.ToolCall(f.call().tool(), f.call().arguments(), f.call().context(), true);
            send(e.getKey(), again, f.done());
        }
    }
}
