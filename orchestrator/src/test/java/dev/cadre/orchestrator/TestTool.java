package dev.cadre.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolContext;
import dev.cadre.api.ToolResult;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/** A tool for tests: one required string parameter {@code text}, a blocking body, and a record of its calls. */
final class TestTool implements Tool {
    private final String name;
    private final RiskLevel risk;
    private final Function<JsonNode, ToolResult> body;
    final List<JsonNode> calls = new CopyOnWriteArrayList<>();
    final List<ToolContext> contexts = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();

    TestTool(String name, RiskLevel risk, Function<JsonNode, ToolResult> body) {
        this.name = name;
        this.risk = risk;
        this.body = body;
    }

    static TestTool wordCount() {
        return new TestTool("word_count", RiskLevel.READ_ONLY,
                args -> ToolResult.ok(String.valueOf(args.get("text").asText().trim().split("\\s+").length)));
    }

    @Override
    public ToolSpecification specification() {
        return ToolSpecification.builder().name(name).description("Test tool " + name)
                .parameters(JsonObjectSchema.builder().addStringProperty("text", "the text").required("text").build())
                .build();
    }

    @Override
    public Mono<ToolResult> invoke(JsonNode arguments, ToolContext context) {
        // Deliberately blocking, like a file or process tool: the orchestrator must call it off parallel threads.
        calls.add(arguments);
        contexts.add(context);
        threads.add(Thread.currentThread().getName());
        return Mono.just(body.apply(arguments));
    }

    @Override
    public RiskLevel risk() {
        return risk;
    }

    @Override
    public boolean idempotent() {
        return risk == RiskLevel.READ_ONLY;
    }
}
