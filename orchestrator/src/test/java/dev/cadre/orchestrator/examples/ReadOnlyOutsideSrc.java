// docs/interceptors.md shows this class: keep them the same (InterceptorsEndToEndTest checks)
package dev.cadre.orchestrator.examples;

import dev.cadre.orchestrator.TurnInterceptor;
import dev.langchain4j.agent.tool.ToolExecutionRequest;

/** Lets agents write only under src/: other writes are refused, and the model is told why. */
public final class ReadOnlyOutsideSrc implements TurnInterceptor {

    @Override
    public ToolCall beforeToolCall(Turn turn, ToolExecutionRequest call) {
        boolean write = call.name().equals("workspace_write_file");
        return write && !call.arguments().contains("\"path\":\"src/")
                ? ToolCall.refuse("Write only under src/.")
                : ToolCall.allow();
    }
}
