package dev.cadre.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cadre.api.CadreJson;
import dev.cadre.api.ModelRegistry;
import dev.cadre.api.Persona;
import dev.cadre.api.RiskLevel;
import dev.cadre.api.RunHandle;
import dev.cadre.api.RunResult;
import dev.cadre.api.Task;
import dev.cadre.api.Tool;
import dev.cadre.api.ToolContext;
import dev.cadre.api.ToolResult;
import dev.cadre.orchestrator.Orchestrator;
import dev.cadre.testkit.Reply;
import dev.cadre.testkit.ScriptedModel;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import reactor.core.publisher.Mono;

/**
 * {@code cadre demo}: one agent with one real tool, on a scripted model so it runs anywhere without an API key.
 * Shows the events of a run as they happen and where its journal is.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run a small agent with a real tool on a scripted model (no API key needed) and show its events.")
final class DemoCommand implements Callable<Integer> {

    static final String TEXT = "Cadre runs crews of role-based agents on a reactive orchestrator and journals every step.";

    @Option(names = "--runs", description = "Directory for run journals (default: ${DEFAULT-VALUE}).", defaultValue = ".cadre/runs")
    Path runs;

    @Option(names = "--json", description = "Print RunEvents as JSON Lines instead of readable lines.")
    boolean json;

    @Override
    public Integer call() {
        Persona analyst = Persona.builder("analyst").role("Text analyst").goal("Answer questions about a text exactly")
                .instructions("Use your tools to measure; never guess numbers.").tools("text_stats").build();
        Task task = Task.builder("measure").description("How many words and characters does this text have? \"{text}\"")
                .expectedOutput("One sentence with both numbers").input("text", TEXT).build();
        ScriptedModel model = ScriptedModel.builder()
                .agent("analyst",
                        Reply.toolCall("text_stats", CadreJson.mapper().createObjectNode().put("text", TEXT).toString()),
                        Reply.dynamic(request -> {
                            JsonNode stats = readJson(ScriptedModel.lastToolResult(request));
                            return Reply.text("The text has " + stats.get("words").asInt() + " words and "
                                    + stats.get("characters").asInt() + " characters.");
                        }))
                .build();
        Orchestrator orchestrator = Orchestrator.builder()
                .models(ModelRegistry.of("scripted:demo", model))
                .tool(new TextStatsTool())
                .runsDirectory(runs)
                .build();

        RunHandle run = orchestrator.run(orchestrator.agent(analyst), task);
        EventPrinter printer = new EventPrinter(System.out);
        run.events().doOnNext(event -> {
            if (json) {
                System.out.println(writeJson(event));
            } else {
                printer.print(event);
            }
        }).blockLast();
        RunResult result = run.result().block();
        if (!json) {
            System.out.println();
            System.out.println("Output:  " + result.output());
            System.out.println("Journal: " + runs.resolve(run.runId() + ".jsonl") + "  (replay it: cadre replay <journal>)");
            System.out.println("This demo used a scripted model; see docs/getting-started.md to use a real one.");
        }
        return result.succeeded() ? ExitCodes.OK : ExitCodes.RUN_FAILED;
    }

    private static JsonNode readJson(String text) {
        try {
            return CadreJson.mapper().readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException("text_stats returned something that is not JSON: " + text, e);
        }
    }

    static String writeJson(Object value) {
        try {
            return CadreJson.mapper().writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot write JSON: " + e.getMessage(), e);
        }
    }

    /** Counts words, characters and sentences of a text. */
    static final class TextStatsTool implements Tool {
        @Override
        public ToolSpecification specification() {
            return ToolSpecification.builder().name("text_stats")
                    .description("Counts the words, characters and sentences of a text.")
                    .parameters(JsonObjectSchema.builder().addStringProperty("text", "The text to measure").required("text").build())
                    .build();
        }

        @Override
        public Mono<ToolResult> invoke(JsonNode arguments, ToolContext context) {
            String text = arguments.get("text").asText();
            String trimmed = text.strip();
            long words = trimmed.isEmpty() ? 0 : Arrays.stream(trimmed.split("\\s+")).count();
            long sentences = trimmed.isEmpty() ? 0 : trimmed.split("[.!?]+(\\s|$)").length;
            return Mono.just(ToolResult.json(CadreJson.mapper().createObjectNode()
                    .put("words", words).put("characters", text.length()).put("sentences", sentences)));
        }

        @Override
        public RiskLevel risk() {
            return RiskLevel.READ_ONLY;
        }

        @Override
        public boolean idempotent() {
            return true;
        }
    }
}
