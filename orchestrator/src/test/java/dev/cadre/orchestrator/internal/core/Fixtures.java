package dev.cadre.orchestrator.internal.core;

import dev.cadre.api.Agent;
import dev.cadre.api.Persona;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.Task;
import dev.cadre.api.Tool;
import dev.cadre.api.crew.Review;
import dev.cadre.api.crew.Step;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.util.List;

/** Agents, tools and steps for the core's tests; the core never runs a tool, so their bodies fail if called. */
final class Fixtures {

    private Fixtures() {}

    static Agent agent(String id) {
        return Agent.of(Persona.builder(id).role(id + "-role").build());
    }

    static Agent agent(String id, Tool... tools) {
        return new Agent(Persona.builder(id).role(id + "-role").build(), List.of(tools));
    }

    static Agent agent(Persona persona, Tool... tools) {
        return new Agent(persona, List.of(tools));
    }

    /** A tool taking one required string argument {@code path}. */
    static Tool tool(String name, RiskLevel risk, boolean idempotent) {
        ToolSpecification spec = ToolSpecification.builder().name(name).description(name + " a file")
                .parameters(JsonObjectSchema.builder().addStringProperty("path", "the file").required("path").build()).build();
        return Tool.blocking(spec, risk, idempotent, (args, ctx) -> {
            throw new AssertionError("the core never runs a tool itself");
        });
    }

    static Tool read() {
        return tool("read", RiskLevel.READ_ONLY, true);
    }

    static Tool write() {
        return tool("write", RiskLevel.WRITES, false);
    }

    /** The run's task in most tests. */
    static Task workTask() {
        return Task.of("t", "Write about tides.");
    }

    static Step.Work work(String name, Agent agent, String description, String... context) {
        return new Step.Work(name, agent, Task.builder(name).description(description).context(context).build(), Review.NONE);
    }
}
