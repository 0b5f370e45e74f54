package dev.cadre.mcp.internal;

import dev.cadre.api.Checkpoint;
import dev.cadre.api.Decision;
import dev.cadre.api.RunHandle;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.LinkedHashMap;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * A crew run as a task's work: its result is the crew tool's result, each checkpoint it waits at is a question keyed
 * {@code checkpoint-<id>} (unique over the run's life, as checkpoint ids are), answered as the elicitation form would
 * be (accept with a decision, decline rejects, cancel leaves it waiting; a form naming no valid decision is an
 * {@link IllegalArgumentException}), and cancelling the task cancels the run.
 */
public final class CrewWork implements ToolTasks.Work {

    private static final String PREFIX = "checkpoint-";

    private final RunHandle run;
    private final CrewResults results;

    public CrewWork(RunHandle run, CrewResults results) {
        this.run = run;
        this.results = results;
    }

    @Override
    public Mono<McpSchema.CallToolResult> result() {
        return run.result().map(results::finished);
    }

    @Override
    public Map<String, ToolTasks.Question> questions() {
        Map<String, ToolTasks.Question> questions = new LinkedHashMap<>();
        for (Checkpoint c : run.pendingCheckpoints()) {
            questions.put(PREFIX + c.id(), new ToolTasks.Question(ElicitationGate.message(c), ElicitationGate.form(),
                    Map.of("cadre/run", run.runId(), "cadre/checkpoint", c.id())));
        }
        return questions;
    }

    @Override
    public void answer(String key, String action, Map<String, Object> content, String by) {
        if (!key.startsWith(PREFIX) || "cancel".equals(action)) {
            return; // dismissed: it stays waiting (for another answer, or cadre_checkpoint_resolve)
        }
        Decision decision = "decline".equals(action) ? Decision.reject("Declined in the IDE.", by)
                : ElicitationGate.toDecision(content == null ? Map.of() : content, by);
        try {
            run.resolve(key.substring(PREFIX.length()), decision);
        } catch (IllegalArgumentException e) {
            // answered meanwhile (by another client or cadre_checkpoint_resolve): nothing waits under this key any more
        }
    }

    @Override
    public void cancel() {
        run.cancel();
    }
}
