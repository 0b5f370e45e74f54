package dev.cadre.benchmarks;

import dev.cadre.api.RiskLevel;
import dev.cadre.tools.ToolRisk;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;

/** The trivial tool of the benchmarks, as a LangChain4j {@code @Tool} method. */
public final class BumpTool {

    @Tool("Adds one to n.")
    @ToolRisk(value = RiskLevel.READ_ONLY, idempotent = true)
    public int bump(@P("the number") int n) {
        return n + 1;
    }
}
