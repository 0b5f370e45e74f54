package dev.cadre.orchestrator.internal.core;

import dev.cadre.orchestrator.pattern.Promise;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.Agent;
import dev.cadre.api.Task;
import dev.cadre.api.ToolContext;
import dev.cadre.api.ToolResult;
import dev.langchain4j.agent.tool.ToolSpecification;
import java.util.List;
import java.util.Map;

/**
 * What one agent's turn runs: the agent, its task (variables filled), the context outputs the task names, the step's
 * path, the name its output goes by (for task budgets), the tools its pattern adds (a manager's {@code delegate} and
 * {@code finish}), and where a {@code finish} call leaves the answer.
 */
record TurnSpec(Agent agent, Task task, Map<String, String> context, String stepPath, String outputName,
                List<CoreTool> coreTools, FinalAnswer finished) {

    /**
     * A tool the core itself answers (delegate, finish, ask_human): never a Tool the driver calls, never approved,
     * cached or run beside other calls. On resume it is answered again (what it does is itself replayed).
     */
    record CoreTool(ToolSpecification specification, Body body) {
        interface Body {
            Promise<ToolResult> call(JsonNode arguments, ToolContext context);
        }

        String name() {
            return specification.name();
        }
    }

    /** Where a manager's {@code finish} leaves its final answer. */
    static final class FinalAnswer {
        String value;
    }

    TurnSpec withTask(Task other) {
        return new TurnSpec(agent, other, context, stepPath, outputName, coreTools, finished);
    }

    TurnSpec withContext(Map<String, String> other) {
        return new TurnSpec(agent, task, other, stepPath, outputName, coreTools, finished);
    }

    TurnSpec at(String path) {
        return new TurnSpec(agent, task, context, path, outputName, coreTools, finished);
    }
}
